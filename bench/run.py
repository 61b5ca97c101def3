#!/usr/bin/env python3
"""ActorRunner benchmark: one command, one table, ours against the Python reference program.

    python3 bench/run.py [--reference ../shared/baseline] [--reps N] [--loops N] [--quick] [--out bench/out]

Builds Release once, runs every scenario as real processes (ours alternately with the reference where both
are compared), reads our figures from each run's report.json, prints one table and writes the raw JSON of
every run. Standard library only. See bench/README.md for what each figure means.

Exit code: 0 when every run of ours ended as it must (verified; violated for the --lock none control) and
no process was left behind; 1 otherwise. Targets that are not met are shown in the table, they do not change
the exit code (the figures are timings on a shared machine).
"""
import argparse
import datetime
import glob
import json
import os
import platform
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APPHOST = REPO / "src/Orchestrator/bin/Release/net10.0/ActorRunner.Orchestrator"
PROJECT = REPO / "src/Orchestrator"
PYTHON = shutil.which("python3") or sys.executable

# The dotnet CLI must not leave build servers behind (MSBuild nodes, the compiler server): the script owns
# every process it starts, and they would also compete for the two cores with the runs being timed.
DOTNET_ENV = {
    "DOTNET_CLI_TELEMETRY_OPTOUT": "1",
    "DOTNET_NOLOGO": "1",
    "MSBUILDDISABLENODEREUSE": "1",
    "DOTNET_CLI_USE_MSBUILD_SERVER": "0",
    "UseSharedCompilation": "false",
}

# Names of the programs a run starts; at the end none of ours may remain.
PROGRAM_NAMES = ("ActorRunner.TaskNode", "ActorRunner.Orchestrator", "taskrunner.py", "bench.py")

# The reference program's SQLite waits for the disk at every commit (synchronous = full, SQLite's default), and so do
# ours by default; said here so that a figure compared with it stays the same work if the default ever changes.
SAME_WORK = ["--set", "sqlite.synchronous=full"]
PAUSE_S = 0.5          # between runs, so one run's teardown does not overlap the next one's start
SAMPLE_S = 0.05        # memory sampling period


# ---- processes ---------------------------------------------------------------------------------------------

def proc_table():
    """Every process: pid -> (ppid, pgrp, sid). Processes that vanish mid-scan are skipped."""
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
        except OSError:
            continue
        fields = stat[stat.rfind(")") + 2:].split()
        table[int(entry)] = (int(fields[1]), int(fields[2]), int(fields[3]))
    return table


def cmdline(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            return f.read().replace(b"\0", b" ").decode("utf-8", "replace").strip()
    except OSError:
        return ""


def tree(root, table=None):
    """root and its descendants (by parent pid), plus anything still in root's session (orphans keep it)."""
    table = table if table is not None else proc_table()
    children = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), [root]
    while todo:
        pid = todo.pop()
        if pid in found or (pid != root and pid not in table):
            continue
        found.add(pid)
        todo.extend(children.get(pid, []))
    found |= {pid for pid, (_, _, sid) in table.items() if sid == root}
    return {pid for pid in found if pid in table}


def in_session(sid):
    return sorted(pid for pid, (_, _, s) in proc_table().items() if s == sid)


def pss_kb(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def kill_session(sid, grace_s=3.0):
    """SIGTERM the process group, then SIGKILL it and, by pid, anything else left in the session."""
    for sig, wait_s in ((signal.SIGTERM, grace_s), (signal.SIGKILL, 2.0)):
        try:
            os.killpg(sid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        for pid in in_session(sid):
            try:
                os.kill(pid, sig)
            except (ProcessLookupError, PermissionError):
                pass
        deadline = time.monotonic() + wait_s
        while time.monotonic() < deadline and in_session(sid):
            time.sleep(0.05)
        if not in_session(sid):
            return


def loadavg():
    try:
        return open("/proc/loadavg").read().split()[:3]
    except OSError:
        return None


# ---- small helpers -------------------------------------------------------------------------------------------

def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, digits=3):
    if x is None:
        return "-"
    if isinstance(x, str):
        return x
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    if abs(x) >= 100:
        return f"{x:.1f}"
    if abs(x) >= 10:
        return f"{x:.2f}"
    return f"{x:.{digits}f}"


def ratio(a, b):
    return a / b if a is not None and b else None


def met(ok):
    return "-" if ok is None else ("yes" if ok else "NO")


def problem_lines(path):
    """Warning, error and fatal lines our console writes (HH:MM:SS.fff WRN ...)."""
    try:
        with open(path, errors="replace") as f:
            return sum(1 for line in f if re.match(r"^\d\d:\d\d:\d\d\.\d+ (WRN|ERR|FTL) ", line))
    except OSError:
        return 0


def tail(path, chars=4000):
    try:
        text = Path(path).read_text(errors="replace")
    except OSError:
        return ""
    return text[-chars:]


# ---- the bench ----------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args):
        self.args = args
        self.reference = args.reference
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.out = Path(args.out).resolve() / stamp
        self.raw = self.out / "raw"
        self.raw.mkdir(parents=True, exist_ok=True)
        self.tmp = Path(tempfile.mkdtemp(prefix="actorrunner-bench-"))
        self.failures = []      # (label, short, reason): runs of ours that did not end as they must, leftovers, timeouts
        self.notes = []         # things worth saying that are not failures (e.g. the reference miscounting)
        self.sessions = []      # pid of every process we started (each is its own session leader)
        self.commands = {}      # displayed command -> times run
        self.live = None
        self.seq = 0
        self.env = dict(os.environ, **DOTNET_ENV)

    # -- one process ------------------------------------------------------------------------------------------

    def run(self, label, argv, cwd, timeout_s, sample_memory=False, shown=None):
        self.seq += 1
        shown = shown or (shlex.join(str(a) for a in argv).replace(str(self.tmp), "$TMP") + f"   (in {str(cwd).replace(str(self.tmp), '$TMP')})")
        self.commands[shown] = self.commands.get(shown, 0) + 1
        out_path, err_path = self.tmp / f"{self.seq}.stdout", self.tmp / f"{self.seq}.stderr"
        record = dict(label=label, argv=[str(a) for a in argv], cwd=str(cwd), timeout_s=timeout_s, loadavg_before=loadavg(),
                      started_at=datetime.datetime.now(datetime.timezone.utc).isoformat())
        peak_kb, peak_breakdown, samples = 0, None, 0
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            start = time.perf_counter()
            p = subprocess.Popen([str(a) for a in argv], cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 env=self.env, start_new_session=True)
            self.live = p
            self.sessions.append(p.pid)
            deadline = start + timeout_s
            timed_out = False
            while True:
                if sample_memory:
                    pids = tree(p.pid)
                    sizes = {pid: pss_kb(pid) for pid in pids}
                    total = sum(sizes.values())
                    samples += 1
                    if total > peak_kb:
                        peak_kb = total
                        peak_breakdown = {str(pid): [kb, cmdline(pid)[:120]] for pid, kb in sizes.items()}
                try:
                    p.wait(timeout=SAMPLE_S if sample_memory else max(0.0, deadline - time.perf_counter()))
                    break
                except subprocess.TimeoutExpired:
                    if time.perf_counter() >= deadline:
                        timed_out = True
                        break
            wall_ms = (time.perf_counter() - start) * 1000.0
        if timed_out:
            kill_session(p.pid)
            p.wait()
            self.failures.append((label, "timed out", f"timed out after {timeout_s} s; its processes were killed"))
        self.live = None
        record.update(rc=None if timed_out else p.returncode, timed_out=timed_out, wall_ms=round(wall_ms, 1),
                      stdout_tail=tail(out_path), stderr_tail=tail(err_path, 8000),
                      stderr_problem_lines=problem_lines(err_path))
        if sample_memory:
            record.update(pss_peak_kb=peak_kb, pss_samples=samples, pss_peak_breakdown=peak_breakdown)
        self.reap(label, p.pid, record)
        return record

    def reap(self, label, sid, record):
        """Nothing of a finished run may remain: wait briefly, then report and kill what is left (by pid)."""
        deadline = time.monotonic() + 5.0
        while in_session(sid) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = in_session(sid)
        if left:
            described = [f"{pid} {cmdline(pid)[:100]}" for pid in left]
            record["left_behind"] = described
            self.failures.append((label, f"left {len(left)} process(es) behind", f"left {len(left)} process(es) behind "
                                  f"(killed): {'; '.join(described)}"))
            kill_session(sid)

    def save(self, record):
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", record["label"])
        path = self.raw / f"{self.seq:03d}-{name}.json"
        path.write_text(json.dumps(record, indent=1))
        time.sleep(PAUSE_S)
        return record

    # -- ours -------------------------------------------------------------------------------------------------

    def ours(self, label, options, expect="verified", timeout_s=300, sample_memory=False, default_out=False,
             via_dotnet_run=False):
        """One run of ours. default_out: no --out (the default command, run in an empty folder)."""
        folder = Path(tempfile.mkdtemp(prefix="run-", dir=self.tmp))
        runs = folder / "runs"
        if via_dotnet_run:
            argv = ["dotnet", "run", "--project", PROJECT] + (["--"] + options if options else [])
            shown = "dotnet run --project src/Orchestrator" + (" -- " + shlex.join(options) if options else "") + \
                    "   (in an empty temp folder)"
        else:
            argv = [APPHOST] + options + ([] if default_out else ["--out", runs])
            shown = None
        if shown is None and default_out:
            shown = "src/Orchestrator/bin/Release/net10.0/ActorRunner.Orchestrator" + \
                    (" " + shlex.join(options) if options else "") + "   (in an empty temp folder)"
        elif shown is None:
            shown = "src/Orchestrator/bin/Release/net10.0/ActorRunner.Orchestrator " + shlex.join(options) + " --out $TMP/runs"
        record = self.run(label, argv, folder, timeout_s, sample_memory=sample_memory, shown=shown)
        reports = glob.glob(str(runs / "*" / "report.json"))
        report = None
        if len(reports) == 1:
            try:
                report = json.loads(Path(reports[0]).read_text())
            except (OSError, ValueError) as e:
                record["report_error"] = str(e)
        record["report"] = report
        expected_rc = {"verified": 0, "violated": 1}[expect]
        ok = report is not None and report.get("verdict") == expect and record["rc"] == expected_rc
        record["as_expected"] = ok
        if not ok and not record["timed_out"]:
            got = "no report.json" if report is None else f"{report.get('verdict')}"
            why = [report.get("abortReason")] + [f for loop in report.get("loops", []) for f in loop.get("findings", [])][:2] \
                if report else []
            why = "; ".join(w for w in why if w)
            self.failures.append((label, f"{got}, exit {record['rc']}",
                                  f"expected {expect} and exit {expected_rc}, got {got} and exit {record['rc']}"
                                  + (f": {why}" if why else "")))
        shutil.rmtree(folder, ignore_errors=True)
        return self.save(record)

    # -- the reference ----------------------------------------------------------------------------------------

    def ref_default(self, label, sample_memory=False):
        """python3 taskrunner.py in an empty folder: N=100, file lock, release after 1 s."""
        folder = Path(tempfile.mkdtemp(prefix="ref-", dir=self.tmp))
        record = self.run(label, [PYTHON, self.reference / "taskrunner.py"], folder, 120, sample_memory=sample_memory,
                          shown=f"python3 {self.reference}/taskrunner.py   (in an empty temp folder)")
        m = re.search(r"counter = (\d+) <- final value", record["stderr_tail"])
        record["counter"] = int(m.group(1)) if m else None
        if record["counter"] != 100:
            self.notes.append(f"reference {label}: final counter {record['counter']} (expected 100), exit code {record['rc']}")
        shutil.rmtree(folder, ignore_errors=True)
        return self.save(record)

    def ref_bench(self, label, mode, n=100, release=0.1, reps=1):
        """bench.py: one JSON line per repetition (the reference program with timestamps)."""
        folder = Path(tempfile.mkdtemp(prefix="refb-", dir=self.tmp))
        # Its lines go to a file: the output's tail would hold only the last few of many repetitions.
        out = folder / "results.jsonl"
        argv = [PYTHON, self.reference / "bench.py", "--n", n, "--release", release, "--mode", mode, "--reps", reps, "--out", out]
        record = self.run(label, argv, folder, 60 + 30 * reps,
                          shown=f"python3 {self.reference}/bench.py --n {n} --release {release} --mode {mode} --reps {reps}"
                                "   (in an empty temp folder)")
        lines = []
        for line in (out.read_text().splitlines() if out.is_file() else []):
            try:
                lines.append(json.loads(line))
            except ValueError:
                pass
        record["results"] = lines
        if not lines:
            self.notes.append(f"reference {label}: no result line (exit code {record['rc']})")
        for r in lines:
            if mode != "none" and r.get("counter") != n:
                self.notes.append(f"reference {label}: counter {r.get('counter')} of {n}, "
                                  f"{r.get('err_lock_timeout')} lock timeouts")
        shutil.rmtree(folder, ignore_errors=True)
        return self.save(record)

    # -- leftovers --------------------------------------------------------------------------------------------

    def final_check(self):
        """No program of ours may remain: anything in a session we started, or named like our programs and
        started from our temp folder."""
        table = proc_table()
        ours = set()
        for sid in self.sessions:
            ours |= {pid for pid, (_, _, s) in table.items() if s == sid}
        for pid in table:
            line = cmdline(pid)
            if str(self.tmp) in line and any(name in line for name in PROGRAM_NAMES):
                ours.add(pid)
        ours.discard(os.getpid())
        # a session id is a pid: never touch a process that is not one of the programs we start
        ours = {pid for pid in ours if any(name in cmdline(pid) for name in PROGRAM_NAMES + ("dotnet", "python3"))}
        for pid in sorted(ours):
            self.failures.append(("final check", "process left behind", f"process {pid} still running: {cmdline(pid)[:120]}; killed"))
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        return not ours

    def cleanup(self):
        if self.live is not None and self.live.poll() is None:
            kill_session(self.live.pid)
        shutil.rmtree(self.tmp, ignore_errors=True)


# ---- figures --------------------------------------------------------------------------------------------------

def good_loops(records):
    return [loop for r in records if r.get("as_expected") and r.get("report") for loop in r["report"]["loops"]]


def bench_field(records, field):
    return [res.get(field) for r in records for res in r.get("results", [])]


def machine():
    info = {"cores": os.cpu_count(), "kernel": platform.release(), "python": platform.python_version()}
    try:
        for line in open("/proc/meminfo"):
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        info["dotnet"] = subprocess.run(["dotnet", "--version"], capture_output=True, text=True, timeout=60,
                                        cwd=REPO).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        info["dotnet"] = None
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPO, timeout=30).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True, text=True,
                               cwd=REPO, timeout=30).stdout.strip()
        info["commit"] = head + ("+local changes" if dirty else "")
    except (OSError, subprocess.SubprocessError):
        info["commit"] = None
    return info


def render(rows):
    header = ("figure", "ours", "reference", "ratio", "target", "met?")
    rows = [header] + [tuple(fmt(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = []
    for k, row in enumerate(rows):
        lines.append(" | ".join(c.ljust(w) if i == 0 or i == 4 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip())
        if k == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def render_plain(header, rows):
    rows = [header] + [tuple(fmt(c) for c in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    lines = [" | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip() for row in rows]
    lines.insert(1, "-+-".join("-" * w for w in widths))
    return "\n".join(lines)


# ---- main -----------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description="ActorRunner benchmark against the Python reference (one table).")
    ap.add_argument("--reference", type=Path, default=REPO.parent / "shared" / "baseline",
                    help="folder of the reference program (taskrunner.py, bench.py); default ../shared/baseline")
    ap.add_argument("--reps", type=int, default=None, help="repetitions of each timed scenario (default 7, --quick 1)")
    ap.add_argument("--loops", type=int, default=None, help="loops of the multi-loop runs (default 20, --quick 3)")
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 rep, 3 loops, no 10,000- or 30,000-task run")
    ap.add_argument("--scale-only", action="store_true",
                    help="only the scale runs (1,000 tasks on 10 nodes; 10,000 and 30,000 with the default layout), no reference")
    ap.add_argument("--no-build", action="store_true", help="use the Release build already there (default: build it)")
    ap.add_argument("--out", default=str(REPO / "bench" / "out"), help="where the raw JSON and the table go")
    args = ap.parse_args()
    args.reference = args.reference.resolve()
    reps = args.reps if args.reps is not None else (1 if args.quick else 7)
    loops = args.loops if args.loops is not None else (3 if args.quick else 20)
    if reps < 1 or loops < 1:
        ap.error("--reps and --loops must be at least 1")
    for name in () if args.scale_only else ("taskrunner.py", "bench.py"):
        if not (args.reference / name).is_file():
            ap.error(f"{args.reference / name} not found (give --reference)")

    bench = Bench(args)

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)

    started = datetime.datetime.now(datetime.timezone.utc)
    load_start = loadavg()
    print(f"ActorRunner benchmark: reps {reps}, loops {loops}{', quick' if args.quick else ''}; raw JSON in {bench.out}", flush=True)
    if load_start and float(load_start[0]) > 0.5 * (os.cpu_count() or 1):
        print(f"warning: load average {' '.join(load_start)} on {os.cpu_count()} cores: the machine is busy, timings are noisy", flush=True)

    R = {k: [] for k in ("spread", "ref_file", "ref_mp", "loops", "uncontended", "ref_uncontended", "default_app",
                         "default_run", "ref_default", "mem_ours", "mem_ref", "negative", "ref_none", "scale")}
    try:
        # 1. build Release once
        if not args.no_build:
            print("building Release ...", flush=True)
            b = bench.run("build", ["dotnet", "build", "ActorRunner.sln", "-c", "Release"], REPO, 1800,
                          shown="dotnet build ActorRunner.sln -c Release   (in the repo root)")
            bench.save(b)
            if b["rc"] != 0:
                print(b["stdout_tail"][-3000:], file=sys.stderr)
                bench.failures.append(("build", f"exit {b['rc']}", f"dotnet build exited {b['rc']}"))
                raise SystemExit("build failed")
        if not APPHOST.is_file():
            raise SystemExit(f"{APPHOST} is missing: build first (without --no-build)")

        if not args.scale_only:
            # 2. warm-ups, untimed: page cache for all three, the Debug build that `dotnet run` does the first time
            print("warm-up (untimed): built app, dotnet run (builds Debug the first time), reference ...", flush=True)
            bench.ours("warmup-app", [], default_out=True)
            bench.ours("warmup-dotnet-run", [], default_out=True, via_dotnet_run=True, timeout_s=1800)
            bench.ref_default("warmup-ref")

            # 3. the timed scenarios, ours alternately with the reference, order rotated per repetition
            for rep in range(reps):
                print(f"repetition {rep + 1}/{reps} ...", flush=True)
                R["spread"].append(bench.ours(f"spread-100x{loops}-r{rep}", ["--tasks", "100", "--loops", str(loops)] + SAME_WORK))
                R["ref_file"].append(bench.ref_bench(f"ref-bench-file-r{rep}", "file"))
                R["loops"].append(bench.ours(f"loops-100x{loops}-delay100ms-r{rep}",
                                             ["--tasks", "100", "--loops", str(loops), "--release-delay", "100ms"] + SAME_WORK))
                R["ref_mp"].append(bench.ref_bench(f"ref-bench-mp-r{rep}", "mp"))
                R["uncontended"].append(bench.ours(f"uncontended-1x{loops}-r{rep}", ["--tasks", "1", "--loops", str(loops)] + SAME_WORK))
                R["ref_uncontended"].append(bench.ref_bench(f"ref-bench-file-n1-r{rep}", "file", n=1, reps=loops))
                trio = [
                    lambda: R["default_app"].append(bench.ours(f"default-app-r{rep}", [], default_out=True)),
                    lambda: R["default_run"].append(bench.ours(f"default-dotnet-run-r{rep}", [], default_out=True,
                                                               via_dotnet_run=True, timeout_s=600)),
                    lambda: R["ref_default"].append(bench.ref_default(f"ref-default-r{rep}")),
                ]
                for i in range(3):
                    trio[(rep + i) % 3]()
                pair = [
                    lambda: R["mem_ours"].append(bench.ours(f"memory-app-r{rep}", [], default_out=True, sample_memory=True)),
                    lambda: R["mem_ref"].append(bench.ref_default(f"memory-ref-r{rep}", sample_memory=True)),
                ]
                for i in range(2):
                    pair[(rep + i) % 2]()

            # 4. the negative control
            print("negative control ...", flush=True)
            R["negative"].append(bench.ours("negative-control", ["--lock", "none", "--tasks", "100", "--loops", "3",
                                                                 "--continue-on-failure"], expect="violated"))
            R["ref_none"].append(bench.ref_bench("ref-bench-none", "none"))

        # 5. scale: one loop each
        print("scale: 1,000 tasks on 10 nodes ...", flush=True)
        # Every task queues for one lock: the last of N waits about N critical sections, so the scale runs give
        # the lock timeout room (the default 10 s suits the default 100 tasks).
        R["scale"].append(bench.ours("scale-1000-10nodes", ["--tasks", "1000", "--nodes", "10", "--lock-timeout", "120s"], timeout_s=600,
                                     sample_memory=True))
        if not args.quick:
            for tasks in (10000, 5000, 2000, 1000):
                print(f"scale: {tasks:,} tasks (default layout) ...", flush=True)
                r = bench.ours(f"scale-{tasks}", ["--tasks", str(tasks), "--lock-timeout", "300s"], timeout_s=900, sample_memory=True)
                R["scale"].append(r)
                if r["as_expected"]:
                    break   # 10,000 verified, or the largest smaller size that did (default layout)
            # The default layout puts no more tasks on a node than its limits allow (20,000 descriptors a process
            # here: 4 nodes, not 2); the last of 30,000 tasks waits for about 30,000 critical sections.
            print("scale: 30,000 tasks (default layout) ...", flush=True)
            R["scale"].append(bench.ours("scale-30000", ["--tasks", "30000", "--lock-timeout", "1200s", "--set", "join-timeout=600s"], timeout_s=1800, sample_memory=True))
    except KeyboardInterrupt:
        bench.failures.append(("benchmark", "interrupted", "interrupted (SIGINT or SIGTERM): figures are partial"))
    finally:
        bench.cleanup()
    clean = bench.final_check()

    # ---- figures -----------------------------------------------------------------------------------------------
    spread_loops = good_loops(R["spread"])
    spread_max = med([l["releaseSpreadMs"]["max"] for l in spread_loops])
    spread_p50 = med([l["releaseSpreadMs"]["p50"] for l in spread_loops])
    cs_ours = med([l["criticalSectionsPerSecond"] for l in spread_loops])
    ref_file_spread = med(bench_field(R["ref_file"], "skew_wall_ms"))
    ref_file_spread_p50 = med(bench_field(R["ref_file"], "skew_wall_p50_ms"))
    ref_mp_spread = med(bench_field(R["ref_mp"], "skew_wall_ms"))
    ref_file_cs = med(bench_field(R["ref_file"], "cs_per_sec"))
    ref_mp_cs = med(bench_field(R["ref_mp"], "cs_per_sec"))
    ref_file_loop = med(bench_field(R["ref_file"], "total_ms"))
    hold1 = med([l["holdMs"]["p50"] for l in good_loops(R["uncontended"])])
    ref_hold1 = med(bench_field(R["ref_uncontended"], "hold_p50_ms"))
    ideal = 1000.0 / hold1 if hold1 else None
    loop_ms = med([l["durationMs"] for l in good_loops(R["loops"])])
    wall_app = med([r["wall_ms"] / 1000 for r in R["default_app"] if r["as_expected"]])
    wall_run = med([r["wall_ms"] / 1000 for r in R["default_run"] if r["as_expected"]])
    wall_ref = med([r["wall_ms"] / 1000 for r in R["ref_default"] if not r["timed_out"]])
    mem_ours = med([r["pss_peak_kb"] / 1024 for r in R["mem_ours"] if r["as_expected"]])
    mem_ref = med([r["pss_peak_kb"] / 1024 for r in R["mem_ref"] if not r["timed_out"]])
    neg = R["negative"][0] if R["negative"] else None
    neg_lost = [l["lostUpdates"] for l in neg["report"]["loops"]] if neg and neg.get("report") else None
    ref_none_counter = bench_field(R["ref_none"], "counter")

    def fails(key):
        return any(not r.get("as_expected") for r in R[key])

    def verdict_cell(r):
        if r is None:
            return "not run"
        rep = r.get("report")
        if rep is None:
            return "timed out" if r["timed_out"] else f"no report (exit {r['rc']})"
        return f"{rep['verdict']} in {rep['totalMs'] / 1000:.1f} s"

    scale = {r["label"]: r for r in R["scale"]}
    s1000 = scale.get("scale-1000-10nodes")
    s10000 = scale.get("scale-10000")
    largest = max((r["report"]["settings"]["tasks"] for r in R["scale"] if r.get("as_expected")), default=None)

    rows = [
        (f"release spread, max, median of loops (ms, 100 tasks)", spread_max, ref_file_spread,
         ratio(spread_max, ref_file_spread), "<= 1 ms", met(None if spread_max is None else spread_max <= 1.0)
         if not fails("spread") else "FAIL"),
        ("  times tighter than the reference (file lock)", f"{ratio(ref_file_spread, spread_max) or 0:.1f}x"
         if spread_max and ref_file_spread else None, "", "", ">= 40x (README: 47.5 ms)",
         met(None if not (spread_max and ref_file_spread) else ref_file_spread / spread_max >= 40)),
        ("  reference with multiprocessing.Lock (ms)", "", ref_mp_spread, ratio(spread_max, ref_mp_spread), "", "-"),
        ("release spread, p50 offset, median (ms)", spread_p50, ref_file_spread_p50, ratio(spread_p50, ref_file_spread_p50), "", "-"),
        ("lock-protected increments/s vs polled file lock", cs_ours, ref_file_cs, ratio(cs_ours, ref_file_cs), "ratio >= 2",
         met(None if ratio(cs_ours, ref_file_cs) is None else cs_ours / ref_file_cs >= 2) if not fails("spread") else "FAIL"),
        ("lock-protected increments/s vs multiprocessing.Lock", cs_ours, ref_mp_cs, ratio(cs_ours, ref_mp_cs), "ratio >= 1",
         met(None if ratio(cs_ours, ref_mp_cs) is None else cs_ours / ref_mp_cs >= 1) if not fails("spread") else "FAIL"),
        ("uncontended increment, hold p50 (ms, 1 task)", hold1, ref_hold1, ratio(hold1, ref_hold1), "",
         "FAIL" if fails("uncontended") else "-"),
        ("  contended rate / (1 / uncontended hold)", f"{100 * cs_ours / ideal:.0f}% of {ideal:.0f}/s" if cs_ours and ideal else None,
         "", "", "", "-"),
        ("whole default run, built app (s)", wall_app, wall_ref, ratio(wall_app, wall_ref), "ratio <= 1.0",
         met(None if ratio(wall_app, wall_ref) is None else wall_app / wall_ref <= 1.0) if not fails("default_app") else "FAIL"),
        ("whole default run, dotnet run (s)", wall_run, wall_ref, ratio(wall_run, wall_ref), "ratio <= 1.0",
         met(None if ratio(wall_run, wall_ref) is None else wall_run / wall_ref <= 1.0) if not fails("default_run") else "FAIL"),
        ("per-loop time, 100 tasks, release delay 0.1 s (ms)", loop_ms, ref_file_loop, ratio(loop_ms, ref_file_loop),
         "ratio <= 0.333", met(None if ratio(loop_ms, ref_file_loop) is None else loop_ms / ref_file_loop <= 1 / 3)
         if not fails("loops") else "FAIL"),
        ("  of which (ms): release wait p50; hold p50",
         f"{fmt(med([l['phases']['waitForReleaseMs']['p50'] for l in good_loops(R['loops'])]))}; "
         f"hold {fmt(med([l['holdMs']['p50'] for l in good_loops(R['loops'])]))}" if good_loops(R["loops"]) else None,
         f"hold {fmt(med(bench_field(R['ref_file'], 'hold_p50_ms')))}" if R["ref_file"] else None, "", "", "-"),
        ("1,000 tasks on 10 nodes, one loop", verdict_cell(s1000), "", "", "verified",
         met(None if s1000 is None else s1000["as_expected"])),
        ("10,000 tasks (default layout), one loop", verdict_cell(s10000) if s10000 else "skipped (--quick)", "", "",
         "verified", met(None if s10000 is None else s10000["as_expected"])),
        ("memory, peak sum of PSS, default run (MB)", mem_ours, mem_ref, ratio(mem_ours, mem_ref), "ratio <= 1.5 (README: 205 MB)",
         met(None if ratio(mem_ours, mem_ref) is None else mem_ours / mem_ref <= 1.5) if not fails("mem_ours") else "FAIL"),
        ("negative control --lock none: lost updates per loop",
         (f"{neg_lost} exit {neg['rc']}" if neg_lost is not None else verdict_cell(neg)),
         (f"counter {ref_none_counter[0]}/100, exit 0" if ref_none_counter else None), "", "violated, exit 1",
         met(None if neg is None else neg["as_expected"] and bool(neg_lost) and sum(neg_lost) > 0)),
    ]
    if s10000 is not None and not s10000["as_expected"]:
        rows.append(("  largest that verified (tried 10,000, 5,000, 2,000, 1,000)", f"{largest:,}" if largest else "none", "", "", "", "-"))
    for label, short, _ in bench.failures:
        rows.append((f"FAILED: {label}", short, "", "", "(reason below)", "FAIL"))

    scale_rows = []

    def scale_row(name, r):
        rep = r.get("report") if r else None
        if not rep:
            return (name, verdict_cell(r), None, None, None, None, None)
        return (name, rep["verdict"], rep["totalMs"], rep["startupMs"], med([l["durationMs"] for l in rep["loops"]]),
                r["wall_ms"], r["pss_peak_kb"] / 1024 if r.get("pss_peak_kb") else None)
    if R["default_app"]:
        # the default runs timed above: medians
        ok = [r for r in R["default_app"] if r["as_expected"]]
        scale_rows.append(("100 tasks, 2 nodes (default run, median)", "verified" if ok else "FAILED",
                           med([r["report"]["totalMs"] for r in ok]), med([r["report"]["startupMs"] for r in ok]),
                           med([r["report"]["loops"][0]["durationMs"] for r in ok]), med([r["wall_ms"] for r in ok]), None))
    for r in R["scale"]:
        rep = r.get("report")
        nodes = len(rep["nodes"]) if rep else "?"
        tasks = r["label"].split("-")[1]
        scale_rows.append(scale_row(f"{int(tasks):,} tasks, {nodes} nodes", r))

    ended = datetime.datetime.now(datetime.timezone.utc)
    info = machine()
    head = [
        f"ActorRunner benchmark, {ended:%Y-%m-%d %H:%M} UTC ({(ended - started).total_seconds():.0f} s), commit {info.get('commit')}",
        f"machine: {info.get('cores')} cores ({info.get('cpu')}), {info.get('memory_gib')} GiB, Linux {info.get('kernel')}, "
        f".NET SDK {info.get('dotnet')}, Python {info.get('python')}",
        f"load average at start {' '.join(load_start or [])}, at end {' '.join(loadavg() or [])}; "
        f"reps {reps}, loops {loops}{' (--quick)' if args.quick else ''}; medians; ratio = ours / reference",
    ]
    table = render(rows)
    scale_table = render_plain(("scale (one run each)", "verdict", "totalMs", "startupMs", "loop durationMs", "wall ms", "peak PSS MB"), scale_rows)
    commands = "\n".join(f"  {n}x  {c}" for c, n in bench.commands.items())
    notes = "\n".join(f"  - {n}" for n in bench.notes)
    failures = "\n".join(f"  - {label}: {reason}" for label, _, reason in bench.failures)
    problems = [r for key in ("spread", "loops", "uncontended", "default_app", "default_run", "mem_ours", "scale")
                for r in R[key] if r.get("as_expected") and r.get("stderr_problem_lines")]
    text = "\n".join(head) + "\n\n" + table + "\n\n" + scale_table + "\n\ncommands (count, command):\n" + commands + "\n"
    if problems:
        text += (f"\nverified runs that still wrote warnings/errors on stderr: {len(problems)} of "
                 f"{sum(len(R[k]) for k in ('spread', 'loops', 'uncontended', 'default_app', 'default_run', 'mem_ours', 'scale'))} "
                 f"(see stderr_tail in the raw JSON)\n")
    if failures:
        text += "\nfailures:\n" + failures + "\n"
    if notes:
        text += "\nnotes:\n" + notes + "\n"
    if not clean:
        text += "\nprocesses were left behind (see FAILED rows)\n"
    print()
    print(text)
    (bench.out / "table.txt").write_text(text)
    summary = dict(machine=info, started=started.isoformat(), ended=ended.isoformat(), reps=reps, loops=loops,
                   quick=args.quick, load_start=load_start, load_end=loadavg(), rows=rows, scale=scale_rows,
                   failures=bench.failures, notes=bench.notes, commands=bench.commands)
    (bench.out / "summary.json").write_text(json.dumps(summary, indent=1, default=str))
    print(f"raw JSON of every run: {bench.raw}")
    return 1 if bench.failures else 0


if __name__ == "__main__":
    sys.exit(main())
