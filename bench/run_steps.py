#!/usr/bin/env python3
"""Where `dotnet run --project src/Orchestrator` spends its time once the app is built, step by step.

    python3 bench/run_steps.py [--reps 5] [--reference ../shared/baseline] [--tool PATH] [--property NAME=VALUE ...]

Times, alternately and in an empty temp folder each: the reference's default run (`python3 taskrunner.py`),
`dotnet run --project src/Orchestrator` (the whole), and its steps run alone: `dotnet restore`, `dotnet build
--no-restore` (the up-to-date checks: with nothing changed, the restore and the Debug build are skipped; see
Directory.Build.targets), and the built app (Debug, what `dotnet run` starts); with --tool, an installed actor-runner too; with --property, `dotnet run`
once more with those MSBuild properties set on its command line (a build setting's old value, say, against the
repository's: both ways in turn in one sitting). One untimed `dotnet run` first builds Debug. Medians; the dotnet
CLI runs without build servers (as in bench/run.py). Standard library only.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROJECT = REPO / "src/Orchestrator"
APP = PROJECT / "bin/Debug/net10.0/ActorRunner.Orchestrator"
ENV = dict(os.environ, DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", MSBUILDDISABLENODEREUSE="1",
           DOTNET_CLI_USE_MSBUILD_SERVER="0", UseSharedCompilation="false")


def timed(argv, timeout_s=900):
    folder = tempfile.mkdtemp(prefix="run-steps-")
    try:
        start = time.monotonic()
        done = subprocess.run(argv, cwd=folder, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                              timeout=timeout_s, start_new_session=True)
        wall = time.monotonic() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(map(str, argv))} exited {done.returncode}: {done.stderr.decode()[-2000:]}")
        return wall
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "baseline")
    ap.add_argument("--tool", type=Path, default=None, help="an installed actor-runner to time as well")
    ap.add_argument("--property", action="append", default=[], metavar="NAME=VALUE",
                    help="time dotnet run also with this MSBuild property set (repeatable)")
    args = ap.parse_args()
    if any("=" not in p or p.startswith("=") for p in args.property):
        ap.error("--property takes NAME=VALUE")
    if args.reps < 1:
        ap.error("--reps must be at least 1")
    taskrunner = args.reference.resolve() / "taskrunner.py"
    if not taskrunner.is_file():
        ap.error(f"{taskrunner} not found (give --reference)")

    steps = {
        "reference: python3 taskrunner.py": [sys.executable, taskrunner],
        "dotnet run --project src/Orchestrator": ["dotnet", "run", "--project", PROJECT],
        "  dotnet restore src/Orchestrator": ["dotnet", "restore", PROJECT],
        "  dotnet build src/Orchestrator --no-restore": ["dotnet", "build", PROJECT, "--no-restore"],
        "  the built app (bin/Debug)": [APP],
    }
    if args.property:
        steps["dotnet run, with " + " ".join(args.property)] = \
            ["dotnet", "run", "--project", PROJECT] + [f"-p:{p}" for p in args.property]
    if args.tool is not None:
        if not args.tool.is_file():
            ap.error(f"--tool {args.tool}: no such file")
        steps["the installed tool: actor-runner"] = [args.tool.resolve()]
    print("warm-up: dotnet run (builds Debug when needed) ...", flush=True)
    timed(steps["dotnet run --project src/Orchestrator"], timeout_s=1800)
    for name in steps:
        if name.startswith("dotnet run, with "):
            timed(steps[name], timeout_s=1800)
    if args.tool is not None:
        timed(steps["the installed tool: actor-runner"])
    times = {name: [] for name in steps}
    names = list(steps)
    for rep in range(args.reps):
        print(f"repetition {rep + 1}/{args.reps} ...", flush=True)
        for i in range(len(names)):
            name = names[(rep + i) % len(names)]
            times[name].append(timed(steps[name]))
    ref = statistics.median(times[names[0]])
    load = " ".join(open("/proc/loadavg").read().split()[:3])
    print(f"\nmedians of {args.reps} (s), ratio to the reference; load average at the end {load}")
    for name in names:
        m = statistics.median(times[name])
        print(f"{name:48s} {m:6.2f}  {m / ref:5.2f}x   (all: {', '.join(f'{t:.2f}' for t in times[name])})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
