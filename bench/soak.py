#!/usr/bin/env python3
"""ActorRunner soak test: many short runs, one random fault injected into most of them.

    python3 bench/soak.py [--minutes 5 | --runs N] [--no-build] [--seed S] [--control-share 0.2] [--keep]

Each run is a fresh orchestrator (12 tasks on 3 node processes, 4 loops, each task holding the file lock
20 ms). After every node is ready, most runs get ONE fault at a random moment: SIGKILL a random node, SIGKILL
the current lock holder, SIGSTOP the lock holder (SIGCONT a few seconds later, or left stopped), or SIGSTOP a
random node. The other runs are controls and must verify. After each run: report.json read and classified,
`PRAGMA integrity_check` on counter.db, the lock file must be free, and no process of the run may be left.

Exit code 0 when there was no false verdict (a loop "violated" under the real flock, or a control not
verified), every integrity check was ok, the lock was free after every run, no process was left behind, and
every run ended with a report in time; 1 otherwise. Standard library only, Linux only (reads /proc).
"""
import argparse
import fcntl
import glob
import json
import os
import random
import re
import shlex
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The repo's paths, the dotnet environment and the process helpers are the benchmark's (run.py runs nothing on import).
from run import APPHOST, DOTNET_ENV, REPO, cmdline, in_session, kill_session, proc_table  # noqa: E402

NODE_NAME = "ActorRunner.TaskNode"

RUN_OPTIONS = ["--tasks", "12", "--nodes", "3", "--loops", "4", "--continue-on-failure",
               "--set", "lock.hold=20ms", "--lock-timeout", "2s", "--set", "loop-timeout=3s",
               "--set", "barrier-timeout=3s", "--set", "shutdown-timeout=2s"]
FAULTS = ("kill node", "kill holder", "pause holder", "pause node")
RUN_TIMEOUT_S = 90        # one run, start to exit; far above what a run with one fault takes
FAULT_WINDOW_S = 1.2      # a fault lands uniformly within this long after the last node is ready
HOLDER_SEARCH_S = 2.0     # how long to look for a lock holder in /proc/locks
CONT_AFTER_S = 3.0        # a paused holder that is resumed gets SIGCONT this long after SIGSTOP


# ---- processes ------------------------------------------------------------------------------------------------



def run_processes(sid, out):
    """Processes of one run: in the orchestrator's session, or naming the run's out folder."""
    found = set(in_session(sid))
    for pid in proc_table():
        if str(out) in cmdline(pid):
            found.add(pid)
    found.discard(os.getpid())
    return sorted(found)


def signal_pid(pid, sig):
    try:
        os.kill(pid, sig)
        return True
    except (ProcessLookupError, PermissionError):
        return False


def nodes_of(sid):
    return [pid for pid in in_session(sid) if NODE_NAME in cmdline(pid)]


def node_id_of(pid):
    m = re.search(r"--node-id (\S+)", cmdline(pid))
    return m.group(1) if m else None


def lock_holder(lock_path):
    """pid holding a FLOCK WRITE lock on lock_path's inode (blocked waiters carry '->'), or None."""
    try:
        ino = os.stat(lock_path).st_ino
        lines = open("/proc/locks").read().splitlines()
    except OSError:
        return None
    for line in lines:
        parts = line.split()
        if "->" in parts or len(parts) < 6:
            continue
        if parts[1] == "FLOCK" and parts[3] == "WRITE" and parts[5].rsplit(":", 1)[-1] == str(ino):
            return int(parts[4])
    return None


# ---- one run ----------------------------------------------------------------------------------------------

def text(path):
    try:
        return Path(path).read_text(errors="replace")
    except OSError:
        return ""


def one_run(n, tmp, fault, rng, env):
    out = tmp / f"run-{n:04d}"
    out.mkdir()
    stdout_path, stderr_path = out / "orchestrator.stdout", out / "orchestrator.stderr"
    argv = [str(APPHOST)] + RUN_OPTIONS + ["--out", str(out)]
    r = dict(n=n, fault=None, planned=fault, target_pid=None, target_node=None, fault_at_s=None, after_last_loop=False,
             rc=None, timed_out=False, verdict=None, loops=[], detected=False, false_verdict=None, integrity=None,
             lock_free=None, left=[], report_path=None, problems=[])
    with open(stdout_path, "wb") as so, open(stderr_path, "wb") as se:
        p = subprocess.Popen(argv, cwd=tmp, stdin=subprocess.DEVNULL, stdout=so, stderr=se, env=env,
                             start_new_session=True)
        start = time.monotonic()
        ready_at, fault_due, cont_at, stopped_pid = None, None, None, None
        while True:
            try:
                p.wait(timeout=0.02)
                break
            except subprocess.TimeoutExpired:
                pass
            now = time.monotonic()
            if now - start > RUN_TIMEOUT_S:
                r["timed_out"] = True
                kill_session(p.pid)
                p.wait()
                break
            if ready_at is None and "(3/3," in text(stdout_path):
                ready_at = now
                if fault:
                    fault_due = now + rng.uniform(0.0, FAULT_WINDOW_S)
            if fault_due is not None and now >= fault_due:
                fault_due = None
                inject(r, fault, p.pid, out, rng)
                if r["fault"]:
                    r["fault_at_s"] = round(time.monotonic() - ready_at, 3)
                    r["after_last_loop"] = "loop 4/4:" in text(stdout_path)
                    if r["fault"] == "pause holder" and rng.random() < 0.5:
                        stopped_pid, cont_at = r["target_pid"], time.monotonic() + CONT_AFTER_S
                        r["resumed"] = True
            if cont_at is not None and now >= cont_at:
                cont_at = None
                if stopped_pid in in_session(p.pid):
                    signal_pid(stopped_pid, signal.SIGCONT)
    r["rc"] = None if r["timed_out"] else p.returncode
    r["command"] = shlex.join(argv).replace(str(out), "$OUT")

    # leftovers: wait briefly for the session to empty, then count (killed after the lock check)
    deadline = time.monotonic() + 5.0
    while run_processes(p.pid, out) and time.monotonic() < deadline:
        time.sleep(0.05)
    left = run_processes(p.pid, out)
    r["left"] = [f"{pid} {cmdline(pid)[:120]}" for pid in left]

    run_dirs = [d for d in glob.glob(str(out / "*")) if os.path.isdir(d)]
    run_dir = Path(run_dirs[0]) if len(run_dirs) == 1 else None
    if run_dir is not None:
        r["lock_free"] = lock_free(run_dir / "counter.lock")
    for pid in left:
        signal_pid(pid, signal.SIGCONT)
        signal_pid(pid, signal.SIGKILL)
    if left:
        kill_session(p.pid)
    if run_dir is not None:
        r["integrity"] = integrity(run_dir / "counter.db")
    classify(r, run_dir)
    return r


def inject(r, fault, sid, out, rng):
    nodes = nodes_of(sid)
    if fault in ("kill node", "pause node"):
        target = rng.choice(nodes) if nodes else None
    else:
        locks = glob.glob(str(out / "*" / "counter.lock"))
        target, deadline = None, time.monotonic() + HOLDER_SEARCH_S
        while locks and target is None and time.monotonic() < deadline:
            holder = lock_holder(locks[0])
            if holder in nodes:
                target = holder
            else:
                time.sleep(0.002)
    if target is None:
        r["problems"].append(f"{fault}: no target found, nothing injected (run counted as a control)")
        return
    node = node_id_of(target)
    if signal_pid(target, signal.SIGKILL if fault.startswith("kill") else signal.SIGSTOP):
        r.update(fault=fault, target_pid=target, target_node=node)


def lock_free(path):
    try:
        fd = os.open(path, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    except BlockingIOError:
        return False
    finally:
        os.close(fd)


def integrity(path):
    if not path.exists():
        return "no counter.db"
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            return con.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error as e:
        return f"error: {e}"


def classify(r, run_dir):
    report = None
    if run_dir is not None and (run_dir / "report.json").exists():
        r["report_path"] = str(run_dir / "report.json")
        try:
            report = json.loads((run_dir / "report.json").read_text())
        except (OSError, ValueError) as e:
            r["problems"].append(f"report.json unreadable: {e}")
    if report is None:
        r["problems"].append("no report.json" + (" (run timed out)" if r["timed_out"] else ""))
        r["false_verdict"] = None
        return
    r["verdict"] = report.get("verdict")
    r["loops"] = [loop.get("verdict") for loop in report.get("loops", [])]
    r["abortReason"] = report.get("abortReason")
    # a violated loop under the real flock is false in every run; a control must verify with exit code 0
    if "violated" in r["loops"] or r["verdict"] == "violated" or r["rc"] == 1:
        r["false_verdict"] = f"violated (exit {r['rc']}, loops {r['loops']})"
    elif r["fault"] is None and (r["verdict"] != "verified" or r["rc"] != 0):
        r["false_verdict"] = f"control not verified: {r['verdict']}, exit {r['rc']}: {r['abortReason'] or ''}"
    expected_rc = {"verified": 0, "violated": 1, "inconclusive": 3}.get(r["verdict"])
    if r["rc"] != expected_rc:
        r["problems"].append(f"exit code {r['rc']} for verdict {r['verdict']}")
    if r["fault"] and r["target_node"]:
        said = [report.get("abortReason") or ""]
        for loop in report.get("loops", []):
            said += loop.get("findings", []) or []
            said += [json.dumps(e) for e in loop.get("errors", []) or []]
        named = any(re.search(rf"\b{re.escape(r['target_node'])}\b", s) for s in said)
        r["detected"] = (r["verdict"] == "inconclusive" or "inconclusive" in r["loops"]) and named


# ---- main -------------------------------------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=5.0, help="run for this long (default 5)")
    ap.add_argument("--runs", type=int, help="run exactly this many runs instead")
    ap.add_argument("--control-share", type=float, default=0.2, help="share of runs with no fault (default 0.2)")
    ap.add_argument("--seed", type=int, help="random seed (default: random, printed)")
    ap.add_argument("--no-build", action="store_true", help="use the Release build already there")
    ap.add_argument("--keep", action="store_true", help="keep the run folders (default: kept only for runs with a problem)")
    args = ap.parse_args()

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    env = dict(os.environ, **DOTNET_ENV)
    if not args.no_build:
        print("building Release ...", flush=True)
        b = subprocess.run(["dotnet", "build", "ActorRunner.sln", "-c", "Release"], cwd=REPO, env=env,
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True, timeout=1800)
        if b.returncode != 0:
            sys.stdout.write(b.stdout.decode(errors="replace")[-4000:])
            raise SystemExit("build failed")
    if not APPHOST.exists():
        raise SystemExit(f"{APPHOST} is missing: build first (without --no-build)")

    tmp = Path(tempfile.mkdtemp(prefix="actorrunner-soak-"))
    print(f"soak: seed {seed}, run folders under {tmp}", flush=True)
    results, end = [], time.monotonic() + args.minutes * 60
    try:
        while (len(results) < args.runs) if args.runs else (time.monotonic() < end):
            n = len(results) + 1
            fault = None if rng.random() < args.control_share else rng.choice(FAULTS)
            r = one_run(n, tmp, fault, rng, env)
            results.append(r)
            bad = r["false_verdict"] or r["integrity"] != "ok" or r["lock_free"] is not True or r["left"] or r["problems"]
            what = f"{r['fault']} {r['target_node']} (pid {r['target_pid']}) at +{r['fault_at_s']}s" if r["fault"] else "control"
            if r["fault"] and r["after_last_loop"]:
                what += " (after the last loop)"
            print(f"run {n}: {what}: {r['verdict']}, exit {r['rc']}, loops {','.join(v[:4] for v in r['loops'] if v)}"
                  + (f", detected {'yes' if r['detected'] else 'NO'}" if r["fault"] else "")
                  + f", integrity {r['integrity']}, lock free {r['lock_free']}, left {len(r['left'])}"
                  + (f"; FALSE VERDICT: {r['false_verdict']}" if r["false_verdict"] else "")
                  + (f"; {'; '.join(r['problems'])}" if r["problems"] else "")
                  + (f"; report {r['report_path']}" if bad or (r["fault"] and not r["detected"]) else ""), flush=True)
            if not bad and not (r["fault"] and not r["detected"]) and not args.keep:
                shutil.rmtree(tmp / f"run-{n:04d}", ignore_errors=True)
            time.sleep(0.3)
    except KeyboardInterrupt:
        print("interrupted", flush=True)

    faulted = [r for r in results if r["fault"]]
    loops = [v for r in results for v in r["loops"]]
    checked = [r for r in results if r["integrity"] is not None]
    false_verdicts = [r for r in results if r["false_verdict"]]
    left = sum(len(r["left"]) for r in results)
    lock_ok = sum(1 for r in checked if r["lock_free"] is True)
    integ_ok = sum(1 for r in checked if r["integrity"] == "ok")
    count = {f: sum(1 for r in faulted if r["fault"] == f) for f in FAULTS}
    problems = [r for r in results if r["problems"]]
    undetected = [r for r in faulted if not r["detected"]]

    print()
    for r in undetected:
        print(f"not detected: run {r['n']}: {r['fault']} {r['target_node']} at +{r['fault_at_s']}s"
              f"{' (after the last loop)' if r['after_last_loop'] else ''}: {r['verdict']}, loops {r['loops']}, "
              f"abortReason {r.get('abortReason')!r}; {r['report_path']}")
    for r in problems:
        print(f"problem: run {r['n']}: {'; '.join(r['problems'])}; {r['report_path']}")
    print(f"runs: {len(results)} (with a fault: {len(faulted)}, controls: {len(results) - len(faulted)})")
    print(f"faults injected: {len(faulted)} (kill node {count['kill node']}, kill holder {count['kill holder']}, "
          f"pause holder {count['pause holder']}, pause node {count['pause node']})")
    print(f"faults detected: {len(faulted) - len(undetected)} of {len(faulted)}")
    print(f"loops: verified {loops.count('verified')}, inconclusive {loops.count('inconclusive')}, "
          f"violated {loops.count('violated')}")
    print(f"false verdicts: {len(false_verdicts)}")
    print(f"integrity checks: ok {integ_ok} of {len(checked)}")
    print(f"lock free after run: {lock_ok} of {len(checked)}")
    print(f"processes left: {left}")
    cmd = results[0]["command"] if results else shlex.join([str(APPHOST)] + RUN_OPTIONS + ["--out", "$OUT"])
    print(f"command: {cmd.replace(str(REPO) + '/', '')}   (one per run, $OUT a fresh temp folder)")
    print(f"soak command: python3 bench/soak.py {shlex.join(sys.argv[1:])}   (seed {seed})")

    failed = (false_verdicts or integ_ok != len(checked) or lock_ok != len(checked) or left
              or any(r["timed_out"] or r["report_path"] is None for r in results) or len(checked) != len(results))
    if not failed and not args.keep and not any(d.is_dir() for d in tmp.iterdir()):
        shutil.rmtree(tmp, ignore_errors=True)
    else:
        print(f"run folders kept under {tmp}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
