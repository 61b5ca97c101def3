#!/usr/bin/env python3
"""ActorRunner long hunt: many loops on one run, the orchestrator's memory and the run folder measured.

    python3 bench/longhunt.py [--loops 100000] [--tasks 2] [--lock none --continue-on-failure] [--no-build]
                              [--set KEY=VALUE ...] [--out bench/out]

Runs the built orchestrator (Release, copied to a temporary folder so a rebuild cannot disturb it) once, with
--tasks T --loops N and the options given, and samples its resident memory (VmRSS of /proc/<pid>/status) every
second. The loops it has done are read from its console: it prints the verdict line of every loop it keeps in full,
among them every 1000th. Prints, and writes to <out>/longhunt-<lock>.json:

  - the orchestrator's RSS when loop 1,000 was done, its largest after that, and at the last loop: the ratio of
    the largest to the first must stay within 1.2;
  - the run folder's size (under 50 MB) and each file's: report.json, timeline.jsonl, timeline.html, the logs;
  - loops run, verified / violated / inconclusive, loops kept in full, and for a hunt with violated loops: whether
    every violated loop (up to the bound of 1,000) is in report.json's loops with its task reports and its
    timeline events.

Exit code 0 when the memory and folder bounds hold (and, with violated loops, every one up to the bound is kept);
1 otherwise. Standard library only, Linux only (reads /proc).
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, "src", "Orchestrator", "bin", "Release", "net10.0")
MAX_NOT_VERIFIED_KEPT = 1000
RSS_RATIO_LIMIT = 1.2
FOLDER_LIMIT_MB = 50
LOOP_LINE = re.compile(r"^loop (\d+)(?:/\d+)?: .*?, (verified|violated|inconclusive)")


def rss_kb(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def folder_sizes(folder):
    sizes = {}
    for base, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(base, name)
            sizes[os.path.relpath(path, folder)] = os.path.getsize(path)
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--loops", type=int, default=100_000)
    parser.add_argument("--tasks", type=int, default=2)
    parser.add_argument("--lock", default="file")
    parser.add_argument("--continue-on-failure", action="store_true")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE")
    parser.add_argument("--no-build", action="store_true")
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--timeout-hours", type=float, default=6.0)
    args = parser.parse_args()

    if not args.no_build:
        subprocess.run(["dotnet", "build", "ActorRunner.sln", "-c", "Release", "-warnaserror"], cwd=ROOT, check=True,
                       stdout=subprocess.DEVNULL)
    work = tempfile.mkdtemp(prefix="actor-runner-longhunt-")
    app = os.path.join(work, "app")
    shutil.copytree(BUILD, app)
    runs = os.path.join(work, "runs")
    command = [os.path.join(app, "ActorRunner.Orchestrator"), "--tasks", str(args.tasks), "--loops", str(args.loops),
               "--lock", args.lock, "--out", runs]
    if args.continue_on_failure:
        command.append("--continue-on-failure")
    for assignment in args.set:
        command += ["--set", assignment]
    print("command:", " ".join(command[1:]), flush=True)

    started = time.monotonic()
    process = subprocess.Popen(command, cwd=work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    done_at = {}      # loop -> monotonic time its verdict line was read
    series = []       # (loop, rss kB) at every 1000th loop
    stderr = []

    def read_stdout():
        for line in process.stdout:
            m = LOOP_LINE.match(line)
            if m:
                loop = int(m.group(1))
                done_at[loop] = time.monotonic()
                if loop % 1000 == 0:
                    kb = rss_kb(process.pid)
                    series.append((loop, kb))
                    print(f"loop {loop}: orchestrator RSS {kb / 1024 if kb else 0:.1f} MB, {time.monotonic() - started:.0f} s", flush=True)

    def read_stderr():
        for line in process.stderr:
            stderr.append(line.rstrip("\n"))

    readers = [threading.Thread(target=read_stdout, daemon=True), threading.Thread(target=read_stderr, daemon=True)]
    for reader in readers:
        reader.start()
    samples = []      # (monotonic time, rss kB)
    deadline = started + args.timeout_hours * 3600
    while process.poll() is None:
        if time.monotonic() > deadline:
            process.kill()
            print("the run did not end in time: killed", file=sys.stderr)
            break
        rss = rss_kb(process.pid)
        if rss is not None:
            samples.append((time.monotonic(), rss))
        time.sleep(1)
    process.wait()
    for reader in readers:
        reader.join(timeout=10)
    elapsed = time.monotonic() - started

    folders = [os.path.join(runs, name) for name in os.listdir(runs)] if os.path.isdir(runs) else []
    if len(folders) != 1:
        print(f"expected one run folder, found {len(folders)}; exit {process.returncode}", file=sys.stderr)
        print("\n".join(stderr[-20:]), file=sys.stderr)
        return 1
    folder = folders[0]
    with open(os.path.join(folder, "report.json")) as f:
        report = json.load(f)
    summary = report["summary"]

    # Memory: at loop 1000 (the first sample after its verdict line), the largest after it, the last.
    first_at = done_at.get(1000)
    after = [(t, kb) for t, kb in samples if first_at is not None and t >= first_at]
    rss_first = after[0][1] if after else None
    rss_max = max(kb for _, kb in after) if after else None
    rss_last = after[-1][1] if after else None
    ratio = rss_max / rss_first if rss_first else None

    sizes = folder_sizes(folder)
    total = sum(sizes.values())

    # Every violated loop kept in full, up to the bound: in report.json with its reports' evidence and in the timeline.
    kept = report["loops"]
    kept_violated = [l for l in kept if l["verdict"] == "violated"]
    timeline_loops = set()
    with open(os.path.join(folder, "timeline.jsonl")) as f:
        for line in f:
            event = json.loads(line)
            if event.get("task") and event.get("event") == "read":
                timeline_loops.add(event.get("loop"))
    not_verified = summary["violated"] + summary["inconclusive"]
    kept_not_verified = [l for l in kept if l["verdict"] != "verified"]
    expected_kept = min(not_verified, MAX_NOT_VERIFIED_KEPT)  # at least these: the first ones (samples may add more)
    violated_in_timeline = all(l["number"] in timeline_loops for l in kept_violated)

    result = {
        "command": " ".join(["actor-runner"] + command[1:]).replace(runs, "<tmp>/runs"),
        "exitCode": process.returncode,
        "verdict": report["verdict"],
        "stoppedBy": report["stoppedBy"],
        "loopsRun": report["loopsRun"],
        "seconds": round(elapsed, 1),
        "loopsPerSecond": summary["loopsPerSecond"],
        "verified": summary["verified"],
        "violated": summary["violated"],
        "inconclusive": summary["inconclusive"],
        "keptLoops": summary["keptLoops"],
        "notVerifiedNotKept": summary["notVerifiedNotKept"],
        "keptNotVerified": len(kept_not_verified),
        "keptViolatedInTimeline": violated_in_timeline,
        "rssAtLoop1000MB": rss_first and round(rss_first / 1024, 1),
        "rssMaxAfterMB": rss_max and round(rss_max / 1024, 1),
        "rssLastMB": rss_last and round(rss_last / 1024, 1),
        "rssRatio": ratio and round(ratio, 3),
        "folderMB": round(total / 1e6, 2),
        "rssByLoopMB": {loop: round(kb / 1024, 1) for loop, kb in series if kb},
        "filesMB": {name: round(size / 1e6, 3) for name, size in sorted(sizes.items(), key=lambda kv: -kv[1])[:8]},
        "stderrLines": len(stderr),
        "stderr": stderr[-5:],
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, f"longhunt-{args.lock}.json"), "w") as f:
        json.dump(result, f, indent=2)
    print(json.dumps(result, indent=2))

    ok = ratio is not None and ratio <= RSS_RATIO_LIMIT and total < FOLDER_LIMIT_MB * 1e6
    if not_verified > 0:
        ok = (ok and len(kept_not_verified) >= expected_kept and violated_in_timeline
              and summary["notVerifiedNotKept"] == max(0, not_verified - MAX_NOT_VERIFIED_KEPT))
    print(f"memory within {RSS_RATIO_LIMIT}x after loop 1000: {ratio is not None and ratio <= RSS_RATIO_LIMIT}; "
          f"run folder under {FOLDER_LIMIT_MB} MB: {total < FOLDER_LIMIT_MB * 1e6}; "
          f"loops not verified kept in full: {len(kept_not_verified)} of {not_verified} (bound {MAX_NOT_VERIFIED_KEPT})")
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
