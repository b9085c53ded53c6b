#!/usr/bin/env python3
"""Peak memory of the transfer workload against /proc (issue 18).

Runs a transfer profile (default benches/profiles/transfer-16mib.toml) once per worker
count, each as its own `parlab run`, while sampling /proc/PID/status of parlab and of every
worker process below it every few milliseconds. Prints, per worker count, parlab's reported
peak (`peak_rss_bytes`), the reference (parlab's own sampled VmHWM plus each worker's
VmHWM, all added up: every worker of the `processes` model lives through the whole run),
their ratio, and the workers' own peaks (largest VmHWM and largest sampled VmRSS).

Usage: benches/transfer-memory.py [PARLAB] [PROFILE] [WORKERS...]
  PARLAB   the parlab binary (default ${CARGO_TARGET_DIR:-target}/release/parlab); the lean
           parlab-worker beside it is used when present, as parlab does.
"""
import json, os, re, subprocess, sys, tempfile, time

MIB = 1 << 20


def status(pid):
    """VmHWM and VmRSS of `pid` in bytes (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as f:
            text = f.read()
    except OSError:
        return 0, 0
    def field(name):
        m = re.search(rf"^{name}:\s+(\d+) kB", text, re.M)
        return int(m.group(1)) * 1024 if m else 0
    return field("VmHWM"), field("VmRSS")


def children(pid):
    out = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def is_worker(pid):
    """A worker process that has exec'd (a child between fork and exec is still parlab)."""
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            argv = f.read().split(b"\0")
    except OSError:
        return False
    return argv[0].endswith(b"parlab-worker") or argv[1:2] == [b"worker"]


def measure(parlab, profile_text, workers):
    with tempfile.TemporaryDirectory() as d:
        prof = os.path.join(d, "p.toml")
        text = re.sub(r"(?m)^workers = .*$", f"workers = [{workers}]", profile_text)
        with open(prof, "w") as f:
            f.write(text)
        out = os.path.join(d, "out.json")
        proc = subprocess.Popen([parlab, "run", "--quiet", "--json", out, prof],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        own, peaks = 0, {}
        while proc.poll() is None:
            own = max(own, status(proc.pid)[0])
            frontier = children(proc.pid)
            while frontier:
                pid = frontier.pop()
                frontier += children(pid)
                if is_worker(pid):
                    hwm, rss = status(pid)
                    old = peaks.get(pid, (0, 0))
                    peaks[pid] = (max(old[0], hwm), max(old[1], rss))
            time.sleep(0.005)
        if proc.returncode != 0:
            sys.exit(f"parlab exited with {proc.returncode}")
        with open(out) as f:
            run = json.load(f)["runs"][0]
    reported = run["process"]["peak_rss_bytes"]
    hwms = sorted((p[0] for p in peaks.values()), reverse=True)
    rsss = [p[1] for p in peaks.values()]
    reference = own + sum(hwms[:workers])
    return {
        "workers": workers,
        "reported": reported,
        "reference": reference,
        "parent": own,
        "seen": len(peaks),
        "worker_hwm_max": max(hwms, default=0),
        "worker_rss_max": max(rsss, default=0),
        "tasks": run["tasks_completed"],
        "status": run["status"],
    }


def main():
    target = os.environ.get("CARGO_TARGET_DIR", "target")
    parlab = sys.argv[1] if len(sys.argv) > 1 else os.path.join(target, "release", "parlab")
    profile = sys.argv[2] if len(sys.argv) > 2 else "benches/profiles/transfer-16mib.toml"
    counts = [int(w) for w in sys.argv[3:]] or [4, 8, 16]
    with open(profile) as f:
        text = f.read()
    print(f"{parlab}  {profile}")
    print("workers  tasks  parlab MiB  /proc MiB  parlab//proc  parent MiB  "
          "worker VmHWM MiB  worker VmRSS MiB  workers seen")
    for n in counts:
        r = measure(parlab, text, n)
        print(f"{n:>7}  {r['tasks']:>5}  {r['reported'] / MIB:>10.1f}  "
              f"{r['reference'] / MIB:>9.1f}  {r['reported'] / r['reference']:>12.2f}  "
              f"{r['parent'] / MIB:>10.1f}  {r['worker_hwm_max'] / MIB:>16.1f}  "
              f"{r['worker_rss_max'] / MIB:>16.1f}  {r['seen']:>12}")


if __name__ == "__main__":
    main()
