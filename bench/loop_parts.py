#!/usr/bin/env python3
"""Where a loop's time goes: one run's timeline cut into the loop's parts, medians over the loops told in full.

Runs ours (the Release build) `--tasks N --loops L` with the file lock, --reps times, and reads each run's
timeline.jsonl (every node on this machine: one clock). For each loop told in full, after the first --skip ones
(warm-up), with the next loop told in full too:
  - delivery: the Release sent by the orchestrator to the last node's receipt of it;
  - lead: the Release sent to the gate's opening (the agreed instant);
  - critical sections: the gate's opening to the last lock given up (every task's turn under the lock);
  - last report: the last lock given up to the orchestrator's receipt of the last report;
  - ready after it: the last report's receipt to the last TasksReady of the next loop (0 when it came first);
  - verdict: the last report's receipt to the loop's verdict (the read, the judgement and the next loop's reset);
  - to the next release: the verdict to the next loop's Release sent;
  - period: one Release sent to the next.
Prints one table (median and 90th percentile over the loops of every run).
"""
import argparse
import glob
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPHOST = REPO / "src/Orchestrator/bin/Release/net10.0/ActorRunner.Orchestrator"
PARTS = ["delivery", "lead", "critical sections", "last report", "ready after it", "verdict", "to the next release", "period"]


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))]


def parts_of(timeline, skip):
    loops = {}
    for line in open(timeline):
        e = json.loads(line)
        if e.get("loop"):
            loops.setdefault(e["loop"], []).append(e)

    def at(events, event, message=None, node=None, last=False):
        times = [e["timeUs"] for e in events if e["event"] == event and (message is None or e.get("message") == message)
                 and (node is None or e["node"] == node)]
        return (max(times) if last else min(times)) if times else None

    out = []
    for n in sorted(loops):
        if n <= skip or n + 1 not in loops:
            continue
        this, nxt = loops[n], loops[n + 1]
        sent = at(this, "sent", "Release", "orchestrator")
        delivered = at(this, "received", "Release", last=True)
        opened = at(this, "gate-opened")
        last_release = at(this, "lock-released", last=True)
        last_report = at(this, "received", "TaskReport", "orchestrator", last=True)
        ready_next = at(nxt, "received", "TasksReady", "orchestrator", last=True)
        verdict = at(this, "loop-verdict")
        next_sent = at(nxt, "sent", "Release", "orchestrator")
        if None in (sent, delivered, opened, last_release, last_report, ready_next, verdict, next_sent):
            continue
        out.append({"delivery": delivered - sent, "lead": opened - sent, "critical sections": last_release - opened,
                    "last report": last_report - last_release, "ready after it": max(0, ready_next - last_report),
                    "verdict": verdict - last_report, "to the next release": next_sent - verdict, "period": next_sent - sent})
    return out


def main():
    ap = argparse.ArgumentParser(description="Where a loop's time goes, from the timeline of runs of ours.")
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--loops", type=int, default=100)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--skip", type=int, default=10, help="loops left out at the start (warm-up, the lead still learning; default 10)")
    ap.add_argument("--app", type=Path, default=APPHOST, help="the orchestrator to run (default: the Release build)")
    ap.add_argument("--timeline", nargs="*", default=[], help="read these timeline.jsonl files instead of running")
    ap.add_argument("extra", nargs="*", help="more options for the runs (after --)")
    args = ap.parse_args()
    if args.tasks < 1 or args.loops < 2 or args.reps < 1 or args.skip < 0:
        ap.error("--tasks and --reps must be at least 1, --loops at least 2, --skip at least 0")
    timelines = list(args.timeline)
    with tempfile.TemporaryDirectory(prefix="loop-parts-") as out:
        if not timelines:
            if not args.app.is_file():
                ap.error(f"{args.app} is missing: dotnet build ActorRunner.sln -c Release")
            for rep in range(args.reps):
                folder = Path(out) / f"r{rep}"
                folder.mkdir()
                cmd = [str(args.app), "--tasks", str(args.tasks), "--loops", str(args.loops), "--out", str(folder), *args.extra]
                try:
                    rc = subprocess.run(cmd, cwd=out, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=600).returncode
                except subprocess.TimeoutExpired:
                    sys.exit(f"run {rep + 1} did not end within 600 s: {' '.join(cmd)}")
                if rc != 0:
                    print(f"warning: run {rep + 1} exited with {rc}", file=sys.stderr)
                timelines += glob.glob(str(folder / "*" / "timeline.jsonl"))
        rows = [p for t in timelines for p in parts_of(t, args.skip)]
    if not rows:
        sys.exit("no loop told in full with the next one after the warm-up: more loops, or a smaller --skip")
    print(f"{len(rows)} loops from {len(timelines)} runs of {args.tasks} tasks")
    print("| part | median ms | p90 ms |")
    print("|---|---|---|")
    for part in PARTS:
        xs = [r[part] / 1000 for r in rows]
        print(f"| {part} | {statistics.median(xs):.2f} | {pct(xs, 0.9):.2f} |")


if __name__ == "__main__":
    main()
