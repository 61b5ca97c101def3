#!/usr/bin/env python3
"""The scenarios side by side: each built-in and the sample, under each lock mode it takes, in one sitting.

The reference program has no PostgreSQL case, so the figures here are ratios within this one run: the
critical sections per second of a lock mode against the file lock on the same scenario, and the verdicts
(the negative controls must be violated). Needs a PostgreSQL server: ACTOR_RUNNER_POSTGRES (a connection
string), or one started here with .ci/postgres.sh (the default).

    python3 bench/scenarios.py [--reps 3] [--loops 10] [--no-build]
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

# The repo's paths, the dotnet environment and the table helpers are the benchmark's (run.py runs nothing on import).
from run import APPHOST, DOTNET_ENV, REPO, fmt, med, ratio, render_plain  # noqa: E402

SAMPLE = REPO / "samples/SeatBooking/bin/Release/net10.0/SeatBooking.dll"


def run_once(options, timeout_s=600):
    """One run of the built orchestrator; returns its report (or None) and exit code."""
    with tempfile.TemporaryDirectory(prefix="scenario-bench-") as folder:
        argv = [str(APPHOST), *options, "--out", str(Path(folder) / "runs")]
        try:
            done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=timeout_s,
                                  env={**os.environ, **DOTNET_ENV}, start_new_session=True)
        except subprocess.TimeoutExpired:
            return None, "timeout"
        reports = list(Path(folder).glob("runs/*/report.json"))
        report = json.loads(reports[0].read_text()) if len(reports) == 1 else None
        if report is None:
            sys.stderr.write(done.stderr[-2000:])
        return report, done.returncode


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=3, help="runs of each case (default 3)")
    ap.add_argument("--loops", type=int, default=10, help="loops a run (default 10)")
    ap.add_argument("--tasks", type=int, default=100, help="tasks a run (default 100)")
    ap.add_argument("--no-build", action="store_true", help="use the Release build already there")
    args = ap.parse_args()

    if not args.no_build:
        print("building Release ...", flush=True)
        subprocess.run(["dotnet", "build", "ActorRunner.sln", "-c", "Release"], cwd=REPO, check=True,
                       env={**os.environ, **DOTNET_ENV}, stdout=subprocess.DEVNULL)

    started_server = False
    connection = os.environ.get("ACTOR_RUNNER_POSTGRES", "")
    if not connection:
        exports = subprocess.run(["bash", ".ci/postgres.sh", "start"], cwd=REPO, capture_output=True, text=True, check=True).stdout
        env = dict(line.removeprefix("export ").split("=", 1) for line in exports.splitlines() if line.startswith("export "))
        env = {k: v.strip("'") for k, v in env.items()}
        os.environ.update(env)
        connection = env["ACTOR_RUNNER_POSTGRES"]
        started_server = True

    pg = ["--scenario", "postgres-row-limit", "--set", f'postgres.connection-string="{connection}"',
          "--set", "postgres.users=4", "--set", "postgres.limit=5"]
    seats = ["--scenario", "SeatBooking.BookASeat, SeatBooking", "--scenario-assembly", str(SAMPLE),
             "--set", f"seats.count={args.tasks // 2}"]
    cases = [  # (scenario, lock, options, expected verdict)
        ("sqlite-counter", "file", [], "verified"),
        ("sqlite-counter", "orchestrator", [], "verified"),
        ("sqlite-counter", "sqlite", [], "verified"),
        ("sqlite-counter", "none", [], "violated"),
        ("postgres-row-limit", "file", pg, "verified"),
        ("postgres-row-limit", "orchestrator", pg, "verified"),
        ("postgres-row-limit", "postgres-advisory", pg, "verified"),
        ("postgres-row-limit", "none", pg, "violated"),
        ("seat-booking sample", "file", seats, "verified"),
        ("seat-booking sample", "none", seats, "violated"),
    ]
    rows, unexpected = [], []
    try:
        results = {}
        for rep in range(args.reps):
            print(f"repetition {rep + 1}/{args.reps} ...", flush=True)
            for name, lock, options, expect in cases:
                report, rc = run_once([*options, "--lock", lock, "--tasks", str(args.tasks), "--loops", str(args.loops),
                                       "--continue-on-failure", "--lock-timeout", "60s"])
                results.setdefault((name, lock), []).append(report)
                if report is None or report["verdict"] != expect:
                    got = report["verdict"] if report else f"no report (exit {rc})"
                    unexpected.append(f"{name} --lock {lock}: expected {expect}, got {got}")
        for name, lock, _, expect in cases:
            reports = [r for r in results[(name, lock)] if r]
            loops = [l for r in reports for l in r["loops"]]
            cs = med([l["criticalSectionsPerSecond"] for l in loops])
            file_cs = med([l["criticalSectionsPerSecond"] for r in results[(name, "file")] if r for l in r["loops"]])
            verdicts = {v: sum(1 for l in loops if l["verdict"] == v) for v in ("verified", "violated", "inconclusive")}
            rows.append((name, lock, expect, f"{verdicts['verified']}/{verdicts['violated']}/{verdicts['inconclusive']}",
                         cs, ratio(cs, file_cs), med([l["releaseSpreadMs"]["max"] for l in loops]),
                         med([l["holdMs"]["p50"] for l in loops])))
    finally:
        if started_server:
            subprocess.run(["bash", ".ci/postgres.sh", "stop"], cwd=REPO, capture_output=True)

    print()
    print(f"{args.tasks} tasks, {args.loops} loops a run, {args.reps} runs a case; medians over every loop; "
          f"ratio: critical sections/s against the file lock on the same scenario")
    print(render_plain(("scenario", "lock", "expected", "loops verified/violated/inconclusive", "critical sections/s",
                        "ratio to file", "release spread ms", "hold p50 ms"),
                       [tuple(fmt(c) if not isinstance(c, str) else c for c in row) for row in rows]))
    print("command: python3 bench/scenarios.py " + shlex.join(sys.argv[1:]))
    for line in unexpected:
        print("UNEXPECTED: " + line)
    return 1 if unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
