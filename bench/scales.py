#!/usr/bin/env python3
"""How simultaneous the release is at every scale, ours beside the reference program, in one sitting.

For each task count (default 2, 5, 10, 100), repeated --reps times with ours and the reference alternating:
  - release spread (last minus first task to resume), median and p90 over the loops, and the share of loops
    in which the unprotected counter's race was caught: ours `--lock none --tasks N --loops L
    --continue-on-failure`; the reference `bench.py --n N --release 0.1 --mode none --reps L` (a loop caught
    when its final counter is below N);
  - loops a second under the file lock: ours `--tasks N --loops L` (loops run over the time from the first loop's
    start to the last verdict, the report's `loopsPerSecond`; reset and
    verification included; SQLite waits for the disk at every commit, as the reference's does; and again with
    `--set sqlite.synchronous=off`, where it does not); the reference `bench.py --n N --release 0 --mode file --reps L` (1000 / median
    total_ms: it starts its processes every loop, which is how it runs loops).

Prints one table with medians over the repetitions, their range, and ours as a ratio to the reference.
Uses the Release build (`dotnet build ActorRunner.sln -c Release`; --no-build skips it) and run.py's helpers.
"""
import argparse
import json
import os
import signal
import statistics
import sys
from pathlib import Path

from run import APPHOST, REPO, Bench, loadavg, machine  # noqa: E402


def pct(xs, q):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else None


def ours_loops(record):
    report = record.get("report") or {}
    return report.get("loops", [])


def summary_of(record):
    return (record.get("report") or {}).get("summary") or {}


def ours_figures(none_run, file_run, off_run):
    # The report keeps every loop's figures in its summary (all loops); full detail only for some loops, so the
    # catch rate and the medians come from the summary, the p90 from the loops kept in full.
    loops = ours_loops(none_run)
    spreads = [l["releaseSpreadMs"]["max"] for l in loops]
    s = summary_of(none_run)
    caught = s["violated"] / s["loopsRun"] if s.get("loopsRun") else None
    # The loops overlap (the next loop's tasks park while one is judged), so the rate is loops run over the time
    # from the first loop's start to the last verdict, not one over a loop's own duration.
    rate = summary_of(file_run).get("loopsPerSecond")
    rate_off = summary_of(off_run).get("loopsPerSecond")
    waits = sorted({n.get("releaseWait", "?") for n in (none_run.get("report") or {}).get("nodes", [])})
    return dict(spread_p50=s.get("releaseSpreadMs", {}).get("p50"), spread_p90=pct(spreads, 0.9), caught=caught,
                loops_per_s=rate or None, loops_per_s_off=rate_off or None, wait="/".join(waits))


def ref_figures(none_run, file_run, n):
    results = none_run.get("results", [])
    spreads = [r["skew_wall_ms"] for r in results if r.get("skew_wall_ms") is not None]
    caught = sum(1 for r in results if r.get("counter") is not None and r["counter"] < n)
    totals = [r["total_ms"] for r in file_run.get("results", []) if r.get("counter") == n]
    return dict(spread_p50=statistics.median(spreads) if spreads else None, spread_p90=pct(spreads, 0.9),
                caught=caught / len(results) if results else None,
                loops_per_s=1000.0 / statistics.median(totals) if totals else None)


def summary(values):
    values = [v for v in values if v is not None]
    if not values:
        return None, None, None
    return statistics.median(values), min(values), max(values)


def cell(values, fmt):
    m, lo, hi = summary(values)
    if m is None:
        return "n/a"
    return fmt(m) if lo == hi else f"{fmt(m)} ({fmt(lo)}-{fmt(hi)})"


def main():
    ap = argparse.ArgumentParser(description="Release spread, catch rate and loop rate by task count, ours beside the reference.")
    ap.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "baseline")
    ap.add_argument("--tasks", default="2,5,10,100", help="task counts (default 2,5,10,100)")
    ap.add_argument("--loops", type=int, default=50, help="loops a run (default 50; 30 or more for the catch rate)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions of each pair of runs (default 3)")
    ap.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                    help="a setting for every run of ours (repeatable), e.g. release.keep-cpus-awake=off")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--out", default=str(REPO / "bench" / "out"))
    args = ap.parse_args()
    args.reference = args.reference.resolve()
    sets = [a for kv in args.set for a in ("--set", kv)]
    try:
        counts = [int(t) for t in args.tasks.split(",")]
    except ValueError:
        ap.error(f"--tasks: '{args.tasks}' is not a list of whole numbers")
    if args.loops < 1 or args.reps < 1 or any(n < 1 for n in counts):
        ap.error("--loops, --reps and every task count must be at least 1")
    if not (args.reference / "bench.py").is_file():
        ap.error(f"{args.reference / 'bench.py'} not found (give --reference)")

    bench = Bench(args)
    signal.signal(signal.SIGTERM, lambda *_: (_ for _ in ()).throw(KeyboardInterrupt()))
    load_start = loadavg()
    print(f"scales: tasks {counts}, {args.loops} loops, {args.reps} reps{''.join(' --set ' + kv for kv in args.set)}; raw JSON in {bench.out}", flush=True)
    if load_start and float(load_start[0]) > 0.5 * (os.cpu_count() or 1):
        print(f"warning: load average {' '.join(load_start)}: the machine is busy, timings are noisy", flush=True)
    rows = {n: dict(ours=[], ref=[]) for n in counts}
    try:
        if not args.no_build:
            b = bench.save(bench.run("build", ["dotnet", "build", "ActorRunner.sln", "-c", "Release"], REPO, 1800))
            if b["rc"] != 0:
                raise SystemExit("build failed")
        if not APPHOST.is_file():
            raise SystemExit(f"{APPHOST} is missing: build first (without --no-build)")
        bench.ours("warmup", ["--tasks", "2", "--loops", "3"])
        for rep in range(args.reps):
            for n in counts:
                print(f"repetition {rep + 1}/{args.reps}, {n} tasks ...", flush=True)
                L = str(args.loops)
                # At 100 tasks the unprotected counter can be violated in every loop; expect what a racy loop shows.
                o_none = bench.ours(f"none-{n}x{L}-r{rep}", ["--lock", "none", "--tasks", str(n), "--loops", L, "--continue-on-failure", *sets],
                                    expect="violated")
                r_none = bench.ref_bench(f"ref-none-{n}x{L}-r{rep}", "none", n=n, release=0.1, reps=args.loops)
                o_file = bench.ours(f"file-{n}x{L}-r{rep}", ["--tasks", str(n), "--loops", L, *sets])
                o_off = bench.ours(f"file-off-{n}x{L}-r{rep}", ["--tasks", str(n), "--loops", L, "--set", "sqlite.synchronous=off", *sets])
                r_file = bench.ref_bench(f"ref-file-{n}x{L}-r{rep}", "file", n=n, release=0, reps=args.loops)
                rows[n]["ours"].append(ours_figures(o_none, o_file, o_off))
                rows[n]["ref"].append(ref_figures(r_none, r_file, n))
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
    finally:
        bench.cleanup()

    ms = lambda v: f"{v:.3f}"
    share = lambda v: f"{100 * v:.0f}%"
    rate = lambda v: f"{v:.0f}"
    ratio = lambda a, b: f"{a / b:.3g}" if a is not None and b not in (None, 0) else "n/a"
    header = ["tasks", "wait", "spread p50 ms (ours / ref / ratio)", "spread p90 ms (ours / ref / ratio)",
              "race caught (ours / ref)", "loops/s, file lock (ours / ref / ratio)", "loops/s, ours with synchronous=off (ratio)"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    result = {}
    for n in counts:
        o, r = rows[n]["ours"], rows[n]["ref"]
        if not o:
            continue
        get = lambda rs, k: [x[k] for x in rs]
        med = lambda rs, k: summary(get(rs, k))[0]
        lines.append("| " + " | ".join([
            str(n), "/".join(sorted({x["wait"] for x in o})),
            f"{cell(get(o, 'spread_p50'), ms)} / {cell(get(r, 'spread_p50'), ms)} / {ratio(med(o, 'spread_p50'), med(r, 'spread_p50'))}",
            f"{cell(get(o, 'spread_p90'), ms)} / {cell(get(r, 'spread_p90'), ms)} / {ratio(med(o, 'spread_p90'), med(r, 'spread_p90'))}",
            f"{cell(get(o, 'caught'), share)} / {cell(get(r, 'caught'), share)}",
            f"{cell(get(o, 'loops_per_s'), rate)} / {cell(get(r, 'loops_per_s'), rate)} / {ratio(med(o, 'loops_per_s'), med(r, 'loops_per_s'))}",
            f"{cell(get(o, 'loops_per_s_off'), rate)} ({ratio(med(o, 'loops_per_s_off'), med(r, 'loops_per_s'))})",
        ]) + " |")
        result[n] = dict(ours=o, ref=r)
    table = "\n".join(lines)
    print()
    print(f"medians over {args.reps} repetitions of {args.loops} loops (range in brackets); "
          f"load average at start {' '.join(load_start or [])}, at end {' '.join(loadavg() or [])}")
    print(table)
    for label, short, reason in bench.failures:
        print(f"failure: {label}: {reason}")
    for note in bench.notes[:10]:
        print(f"note: {note}")
    (bench.out / "scales.txt").write_text(table + "\n")
    (bench.out / "scales.json").write_text(json.dumps(dict(machine=machine(), loops=args.loops, reps=args.reps, rows=result), indent=1))
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
