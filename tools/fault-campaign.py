#!/usr/bin/env python3
"""A fault campaign against the real `parlab` binary: every execution model crossed with
every fault action, workloads that start grandchildren, and stops by SIGINT, SIGTERM and
SIGKILL at seeded random moments.

For each case it checks what a user relies on:
  - parlab exits with a documented status (0, 1, 130 for a stop; never a crash signal),
  - a failed run's error is a sentence (no Rust `Debug` text such as `Some(` or `{ `),
  - results are written whenever a run began (except after SIGKILL of parlab itself),
  - no process the run started is alive afterwards (each case marks its processes with a
    unique argument and looks for it in /proc).

Usage: tools/fault-campaign.py [PARLAB] [--seed N] [--quick]
Prints one line per failed case and a closing line `N passed, N failed`.
"""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time

MODELS = ["threads", "pool", "processes", "thread-per-task", "process-per-task"]
PROCESS_MODELS = {"processes", "process-per-task"}
ACTIONS = ["panic", "error", "exit", "signal", "garbage", "hang"]
DEBUG_MARKS = ["Some(", "None,", " { ", "Os {", "kind:", "Error(", "\\u{"]


def profile(model, workload, stop="tasks = 200", workers=2, stall=2.0):
    return (
        f'name = "campaign"\n\n[[run]]\nmodel = "{model}"\nworkers = {workers}\n{stop}\n'
        f"stall_timeout_s = {stall}\n\n[run.workload]\n{workload}\n"
    )


def marker_alive(marker):
    """Pids of live processes whose command line carries `marker`."""
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if marker.encode() in f.read():
                    found.append(int(pid))
        except OSError:
            pass
    return found


def wait_gone(marker, deadline_s=5.0):
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        if not marker_alive(marker):
            return []
        time.sleep(0.05)
    return marker_alive(marker)


def run_case(parlab, name, text, stop_signal=None, stop_after=None, marker=None):
    """Runs one profile; returns a list of problems (empty: the case passed)."""
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "p.toml")
        out = os.path.join(tmp, "out.json")
        with open(path, "w") as f:
            f.write(text)
        proc = subprocess.Popen(
            [parlab, "run", path, "--json", out, "--quiet"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if stop_signal is not None:
            time.sleep(stop_after)
            proc.send_signal(stop_signal)
        try:
            stdout, stderr = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            stdout, stderr = proc.communicate()
            problems.append("did not end within 60 s")
        code = proc.returncode
        text_out = (stdout + stderr).decode(errors="replace")
        if stop_signal == signal.SIGKILL:
            pass
        elif code < 0:
            problems.append(f"died from signal {-code}")
        elif code not in (0, 1, 2, 130):
            problems.append(f"exit status {code}")
        for mark in DEBUG_MARKS:
            if mark in text_out:
                problems.append(f"Debug text {mark!r} in output")
        if stop_signal != signal.SIGKILL and code in (0, 1, 130):
            if not os.path.exists(out):
                problems.append(f"no results written (exit {code})")
            else:
                with open(out) as f:
                    results = json.load(f)
                for run in results.get("runs", []):
                    for mark in DEBUG_MARKS:
                        if mark in (run.get("error") or ""):
                            problems.append(f"Debug text {mark!r} in the results' error")
        if marker:
            left = wait_gone(marker)
            if left:
                problems.append(f"{len(left)} process(es) outlived the run: {left}")
                for pid in left:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except OSError:
                        pass
    return [f"{name}: {p}" for p in problems]


def cases(rng, quick):
    # Every model × every fault action that it accepts.
    for model in MODELS:
        for action in ACTIONS:
            if action in ("exit", "signal", "garbage") and model not in PROCESS_MODELS:
                continue
            yield (f"fault {action} / {model}",
                   profile(model, f'kind = "fault"\naction = "{action}"\nat_task = 7'),
                   None, None, None)
    # Grandchildren, stopped in every way, in the models that start processes.
    stops = [(None, None), (signal.SIGINT, 1.0), (signal.SIGTERM, 1.0), (signal.SIGKILL, 1.0)]
    for model in MODELS:
        for sig, after in stops:
            marker = "30." + f"{rng.random():.12f}"[2:]
            # A normal end leaves a background child behind; a stop finds one in the foreground too.
            script = f"sleep {marker} & true" if sig is None else f"sleep {marker} & sleep {marker}; true"
            cmd = f'kind = "command"\nargv = ["/bin/sh", "-c", "{script}"]'
            after = after if sig is None else after + rng.random() * 0.5
            stop_name = "normal end" if sig is None else signal.Signals(sig).name
            stop = "duration_s = 1.5" if sig is None else "duration_s = 30"
            yield (f"grandchildren / {model} / {stop_name}",
                   profile(model, cmd, stop=stop, workers=2, stall=60),
                   sig, after, marker)
    # Stops at random moments during start-up and while running.
    tries = 10 if quick else 40
    for i in range(tries):
        model = rng.choice(MODELS)
        sig = rng.choice([signal.SIGINT, signal.SIGTERM])
        after = rng.random() * 0.4
        yield (f"stop #{i} / {model} / {signal.Signals(sig).name} at {after:.3f} s",
               profile(model, 'kind = "sleep"\nms = 1', stop="duration_s = 5"),
               sig, after, None)


def main():
    args = sys.argv[1:]
    seed = 1
    if "--seed" in args:
        i = args.index("--seed")
        seed = int(args[i + 1])
        del args[i:i + 2]
    quick = "--quick" in args
    args = [a for a in args if a != "--quick"]
    parlab = args[0] if args else "target/release/parlab"
    rng = random.Random(seed)
    passed = failed = 0
    for name, text, sig, after, marker in cases(rng, quick):
        problems = run_case(parlab, name, text, sig, after, marker)
        if problems:
            failed += 1
            for p in problems:
                print(p, flush=True)
        else:
            passed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
