#!/usr/bin/env python3
"""Two (or more) builds or settings of ours at 2 tasks, in turn, in one sitting.

Each variant is NAME=APPHOST [OPTIONS...] (one quoted argument; APPHOST is an orchestrator's app host, e.g. a copy
of src/Orchestrator/bin/Release/net10.0/ActorRunner.Orchestrator kept from another build; OPTIONS go to each of
its runs, e.g. --set release.keep-cpus-awake=off). For each round, for each variant in turn:
  - `--tasks T --loops U --lock none --continue-on-failure`: loops where the unprotected race was caught, and the
    release spread's median and 99th percentile (report.json's summary, every loop);
  - `--tasks T --loops F` (file lock): loops a second (the report's loopsPerSecond) and the loop's median (loopMs).
Prints one line a run, then each variant's figures over the rounds.

    python3 bench/builds.py --rounds 4 "before=/tmp/before/ActorRunner.Orchestrator" \\
        "after=src/Orchestrator/bin/Release/net10.0/ActorRunner.Orchestrator"
"""
import argparse
import glob
import json
import shlex
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path


def run(apphost, options, folder, timeout_s):
    folder.mkdir(parents=True)
    try:
        subprocess.run([apphost, *options, "--out", str(folder)], cwd=folder, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=timeout_s)
    except subprocess.TimeoutExpired:
        return None
    reports = glob.glob(str(folder / "*" / "report.json"))
    return json.loads(Path(reports[0]).read_text())["summary"] if len(reports) == 1 else None


def main():
    ap = argparse.ArgumentParser(description="Builds or settings of ours at 2 tasks, in turn, in one sitting.")
    ap.add_argument("variants", nargs="+", help='NAME=APPHOST [OPTIONS...], quoted as one argument')
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--tasks", type=int, default=2)
    ap.add_argument("--unprotected-loops", type=int, default=200)
    ap.add_argument("--file-loops", type=int, default=1000)
    ap.add_argument("--timeout", type=int, default=600, help="seconds a run may take (default 600)")
    args = ap.parse_args()
    variants = []
    for v in args.variants:
        name, _, rest = v.partition("=")
        words = shlex.split(rest)
        if not name or not words or not Path(words[0]).is_file():
            ap.error(f"'{v}': expected NAME=APPHOST [OPTIONS...] with an existing app host")
        variants.append((name, str(Path(words[0]).resolve()), words[1:]))
    if args.rounds < 1 or args.tasks < 1 or args.unprotected_loops < 1 or args.file_loops < 1:
        ap.error("--rounds, --tasks and the loop counts must be at least 1")

    figures = {name: [] for name, _, _ in variants}
    with tempfile.TemporaryDirectory(prefix="builds-") as out:
        for r in range(args.rounds):
            for name, apphost, extra in variants:
                base = Path(out) / f"{name}-{r}"
                none = run(apphost, ["--tasks", str(args.tasks), "--loops", str(args.unprotected_loops), "--lock", "none",
                                     "--continue-on-failure", *extra], base / "none", args.timeout)
                file = run(apphost, ["--tasks", str(args.tasks), "--loops", str(args.file_loops), *extra], base / "file", args.timeout)
                if none is None or file is None:
                    print(f"{name}: round {r + 1}: a run did not leave one report (timed out or failed)", flush=True)
                    continue
                f = dict(caught=none["violated"], loops=none["loopsRun"], p50=none["releaseSpreadMs"]["p50"],
                         p99=none["releaseSpreadMs"]["p99"], rate=file["loopsPerSecond"], loop_ms=file["loopMs"]["p50"])
                figures[name].append(f)
                print(f"{name:>8}  caught {f['caught']}/{f['loops']}  spread p50 {f['p50']:.3f} p99 {f['p99']:.3f} ms"
                      f"  |  file lock {f['rate']:.1f} loops/s, loop p50 {f['loop_ms']:.2f} ms", flush=True)
    print()
    for name, fs in figures.items():
        if not fs:
            continue
        col = lambda k: [f[k] for f in fs]
        print(f"{name:>8}  caught {col('caught')} of {fs[0]['loops']}; spread p99 ms {col('p99')}; "
              f"loops/s {col('rate')} (median {statistics.median(col('rate')):.1f}); loop p50 ms {col('loop_ms')}")
    return 0 if all(len(fs) == args.rounds for fs in figures.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
