#!/usr/bin/env bash
# How close is process-per-task to the operating system's own cost of starting a process?
# Runs, alternately, ROUNDS times (default 5):
#   A: hyperfine -N --warmup 20 --runs RUNS /bin/true      (spawn + exec + wait, no shell)
#   B: parlab run benches/profiles/spawn-floor.toml          (process-per-task ×1, empty tasks)
# and prints per round hyperfine's mean, parlab's overhead per task and their ratio, then the
# mean ratio with a 95 % interval over the rounds, and the load average before and after (other
# programs running at the same time make both sides slower, and not by the same amount).
# The worker parlab starts is named, with whether it is statically linked: a dynamically
# linked worker pays about 0.35 ms per start in the dynamic loader (build the static one with
# `cargo static-worker`, see .cargo/config.toml). PARLAB may name several builds (separated by
# spaces, each with its own parlab-worker beside it), e.g. before and after a change: each
# round then runs hyperfine and every build in turn, and each build gets its own ratios.
#   PARLAB=target/release/parlab ROUNDS=5 RUNS=300 benches/spawn-floor.sh
set -euo pipefail
cd "$(dirname "$0")/.."
read -r -a builds <<<"${PARLAB:-target/release/parlab}"
rounds=${ROUNDS:-5}
runs=${RUNS:-300}
for parlab in "${builds[@]}"; do
  [ -x "$parlab" ] || { echo "no parlab at $parlab: run cargo build --release first" >&2; exit 2; }
done
command -v hyperfine >/dev/null || { echo "hyperfine is not installed (apt-get install hyperfine)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  hyperfine -N --warmup 20 --runs "$runs" --export-json "$work/h$round.json" /bin/true >/dev/null 2>&1
  for b in "${!builds[@]}"; do
    "${builds[$b]}" run benches/profiles/spawn-floor.toml --quiet --json "$work/p$b-$round.json" >/dev/null
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$work" "$rounds" "$load_before" "$load_after" "${builds[@]}" <<'PY'
import json, math, os, shlex, statistics, subprocess, sys
work, rounds, before, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
builds = sys.argv[5:]
# Two-sided 95 % Student-t quantiles for n - 1 degrees of freedom.
T95 = {1: 12.71, 2: 4.30, 3: 3.18, 4: 2.78, 5: 2.57, 6: 2.45, 7: 2.36, 8: 2.31, 9: 2.26}
def report(b, parlab):
    rows, worker = [], None
    for r in range(1, rounds + 1):
        true_us = json.load(open(f"{work}/h{r}.json"))["results"][0]["mean"] * 1e6
        run = json.load(open(f"{work}/p{b}-{r}.json"))["runs"][0]
        worker = worker or run.get("worker_program")
        rows.append((true_us, run["overhead_per_task_us"], run["tasks_completed"]))
    print(f"\n{parlab}")
    print(f"{'round':>5} {'/bin/true µs':>13} {'parlab µs/task':>15} {'tasks':>6} {'ratio':>6}")
    for i, (t, p, n) in enumerate(rows, 1):
        print(f"{i:>5} {t:>13.1f} {p:>15.1f} {n:>6} {p / t:>6.2f}")
    ratios = [p / t for t, p, _ in rows]
    mean = statistics.mean(ratios)
    half = T95.get(len(ratios) - 1, 1.96) * statistics.stdev(ratios) / math.sqrt(len(ratios)) if len(ratios) > 1 else float("nan")
    print(f"/bin/true mean {statistics.mean(r[0] for r in rows):.1f} µs, parlab {statistics.mean(r[1] for r in rows):.1f} µs per task")
    print(f"ratio parlab / hyperfine: {mean:.2f} (95 % interval {mean - half:.2f}–{mean + half:.2f}, {len(ratios)} rounds)")
    if worker:
        path = shlex.split(worker)[0]
        try:
            interp = "INTERP" in subprocess.run(["readelf", "-lW", path], capture_output=True, text=True).stdout
            kind = "dynamically linked" if interp else "statically linked"
        except OSError:
            kind = "linking unknown (no readelf)"
        print(f"worker: {worker} ({kind})")

for b, parlab in enumerate(builds):
    report(b, parlab)
print(f"load average before: {before}; after: {after}")
PY
