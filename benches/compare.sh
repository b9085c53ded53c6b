#!/usr/bin/env bash
# Is the harness in the way? Runs each reference program of benches/reference/ (raw threads,
# raw spawn + join, raw spawn + wait, a std mutex; `hyperfine -N /bin/true` too when it is
# installed) next to the matching `parlab run` profile of benches/profiles/reference-*.toml,
# interleaved (round 1: reference then parlab, round 2: parlab then reference, ...), and prints
# per pair both figures, parlab's cost per task over the reference's with a 95 % interval
# (geometric mean of the per-round ratios, Student t on their logarithms), and the aim of
# issue 18. The ratios are reported, not asserted: the script exits 0 unless something fails
# to build or run (then 1; 2 for a bad setting).
#
# Usage: benches/compare.sh
#   ROUNDS=5     interleaved rounds (at least 2 for an interval)
#   DURATION=1   seconds per run (each round runs about 20 of them)
#   PAIRS="threads tiny thread-per-task process-per-task mutex"  which pairs (default: all)
#   NO_BUILD=1   skip `cargo build --release --bins` (use the binaries already in the target folder)
# Binaries come from ${CARGO_TARGET_DIR:-target}/release. Needs python3 (no extra packages).
# Do not compile or run other work meanwhile: it measures. The load average before and after
# is printed with the table.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-5}
duration=${DURATION:-1}
bin=${CARGO_TARGET_DIR:-target}/release

die() { echo "compare.sh: $1" >&2; exit "${2:-1}"; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a whole number of at least 1, got '$rounds'" 2
[[ "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "DURATION must be a number of seconds, got '$duration'" 2
command -v python3 >/dev/null || die "python3 is missing (it reads the results): install python3" 2

if [ -z "${NO_BUILD:-}" ]; then
  echo "building in release (cargo build --release --bins)" >&2
  cargo build --release --bins --quiet || die "the release build failed"
  # What the Debian package and `cargo run` give users: the worker linked statically (glibc
  # Linux; elsewhere, or without libc.a, the dynamically linked one is measured, and said).
  cargo --quiet static-worker 2>/dev/null \
    || echo "note: the worker could not be linked statically; measuring the dynamic one" >&2
fi
for b in parlab parlab-worker parlab-reference; do
  [ -x "$bin/$b" ] || die "no $b in $bin: build with 'cargo build --release --bins'"
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
hyperfine_runs=$(python3 -c "print(max(50, int(600 * $duration)))")

# The reference side of pair $1 in round $2: one `key=value ...` line per run into refs.txt.
reference() {
  local pair=$1 round=$2 out
  run_ref() {
    out=$("$bin/parlab-reference" "$@" --seconds "$duration") ||
      die "parlab-reference $* failed in round $round"
    echo "pair=$pair round=$round $out" >>"$work/refs.txt"
  }
  case $pair in
    threads) run_ref threads --threads 1 --iterations 60000; run_ref threads --threads 2 --iterations 60000 ;;
    # Claimed 4096 at a time (about 0.25 ms of tiny tasks, as parlab's chunks are ~0.1 ms):
    # one shared counter touched per task would measure the reference's own contention.
    tiny) run_ref threads --threads 1 --iterations 1 --chunk 4096; run_ref threads --threads 2 --iterations 1 --chunk 4096 ;;
    thread-per-task) run_ref spawn-join --threads 1; run_ref spawn-join --threads 2 ;;
    process-per-task)
      run_ref spawn-process --threads 1
      run_ref worker --threads 1 --program "$bin/parlab-worker"
      if command -v hyperfine >/dev/null; then
        hyperfine -N --style none --warmup 20 --runs "$hyperfine_runs" \
          --export-json "$work/hyperfine-$round.json" /bin/true >/dev/null 2>&1 ||
          die "hyperfine -N /bin/true failed in round $round"
      fi ;;
    mutex) run_ref mutex --threads 1 --iterations 20000; run_ref mutex --threads 2 --iterations 20000 ;;
  esac
}

# The parlab side of pair $1 in round $2: a results file per round.
parlab_side() {
  local pair=$1 round=$2
  sed "s/^duration_s = .*/duration_s = $duration/" "benches/profiles/reference-$pair.toml" >"$work/$pair.toml"
  "$bin/parlab" run "$work/$pair.toml" --quiet --json "$work/parlab-$pair-$round.json" >/dev/null ||
    die "parlab run benches/profiles/reference-$pair.toml failed in round $round"
}

all_pairs="threads tiny thread-per-task process-per-task mutex"
pairs=${PAIRS:-$all_pairs}
for pair in $pairs; do
  [[ " $all_pairs " == *" $pair "* ]] || die "PAIRS: no pair '$pair' (there are: $all_pairs)" 2
done
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  for pair in $pairs; do
    if (( round % 2 )); then reference "$pair" "$round"; parlab_side "$pair" "$round"
    else parlab_side "$pair" "$round"; reference "$pair" "$round"; fi
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

python3 - "$work" "$rounds" "$duration" "$load_before" "$load_after" "$bin" "$pairs" <<'PY'
import json, math, os, statistics, sys
from collections import defaultdict

work, rounds, duration, load_before, load_after, binaries, pairs = sys.argv[1:8]
rounds = int(rounds)
# Student t, 97.5 % quantile, by degrees of freedom (1–30); 1.96 beyond.
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179,
        2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064,
        2.060, 2.056, 2.052, 2.048, 2.045, 2.042]

def ref_runs():
    """{(pair, mode, threads, figure): {round: µs}} from the reference lines; figure "wall"
    (us_per_task) or "cpu" (cpu_us_per_task)."""
    out = {}
    for line in open(os.path.join(work, "refs.txt")):
        f = dict(kv.split("=", 1) for kv in line.split())
        key = (f["pair"], f["reference"], int(f["threads"]))
        out.setdefault(key + ("wall",), {})[int(f["round"])] = float(f["us_per_task"])
        out.setdefault(key + ("cpu",), {})[int(f["round"])] = float(f["cpu_us_per_task"])
    for r in range(1, rounds + 1):
        path = os.path.join(work, f"hyperfine-{r}.json")
        if os.path.exists(path):
            res = json.load(open(path))["results"][0]
            key = ("process-per-task", "hyperfine", 1)
            out.setdefault(key + ("wall",), {})[r] = res["mean"] * 1e6
    return out

def parlab_runs():
    """{(pair, workers, figure): {round: µs}}: "wall" = workers / throughput, as the
    references count; "cpu" = the run's CPU s (parlab and its workers) per task."""
    out = {}
    for pair in pairs.split():
        for r in range(1, rounds + 1):
            for run in json.load(open(os.path.join(work, f"parlab-{pair}-{r}.json")))["runs"]:
                if run["status"] != "completed" or run["throughput_per_sec"] <= 0:
                    sys.exit(f"compare.sh: parlab {pair} round {r}: {run['label']} {run['status']}: {run.get('error')}")
                key = (pair, run["workers"])
                out.setdefault(key + ("wall",), {})[r] = run["workers"] * 1e6 / run["throughput_per_sec"]
                cpu = run["process"]["user_s"] + run["process"]["sys_s"]
                out.setdefault(key + ("cpu",), {})[r] = cpu * 1e6 / max(run["tasks_completed"], 1)
    return out

def interval(ratios):
    """Geometric mean of the per-round ratios and its 95 % interval (Student t on their
    logarithms, so the interval of a ratio stays positive; None with one round)."""
    logs = [math.log(r) for r in ratios]
    m = statistics.mean(logs)
    if len(logs) < 2:
        return math.exp(m), None
    half = T975[min(len(logs) - 1, 30) - 1] * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(m), (math.exp(m - half), math.exp(m + half))

ref, par = ref_runs(), parlab_runs()

def fmt_us(v):
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.1f}"

rows = []
def cost_row(label, ref_series, par_series, aim=None):
    """parlab's µs per task over the reference's, round by round."""
    common = sorted(set(ref_series) & set(par_series))
    if not common:
        return  # a pair left out by PAIRS
    ratios = [par_series[r] / ref_series[r] for r in common]
    m, ci = interval(ratios)
    rows.append((label, ref_series, par_series, m, ci, aim, "cost"))

def scaling_row(label, ref1, ref2, par1, par2, aim=None):
    """Throughput ×2 over ×1 on each side (from µs per task: 2 × t1 / t2), then parlab's over the reference's."""
    common = sorted(set(ref1) & set(ref2) & set(par1) & set(par2))
    if not common:
        return
    rs = {r: 2 * ref1[r] / ref2[r] for r in common}
    ps = {r: 2 * par1[r] / par2[r] for r in common}
    m, ci = interval([ps[r] / rs[r] for r in common])
    rows.append((label, rs, ps, m, ci, aim, "scaling"))

W, C = "wall", "cpu"
ref, par = defaultdict(dict, ref), defaultdict(dict, par)  # pairs left out read as empty
cost_row("threads ×1, cpu 60 000", ref[("threads", "threads", 1, W)], par[("threads", 1, W)], ("≤*", 1.05))
cost_row("threads ×2, cpu 60 000", ref[("threads", "threads", 2, W)], par[("threads", 2, W)], ("≤*", 1.05))
scaling_row("threads speedup ×1→×2", ref[("threads", "threads", 1, W)], ref[("threads", "threads", 2, W)],
            par[("threads", 1, W)], par[("threads", 2, W)], ("≥*", 0.95))
cost_row("tiny tasks ×1 (bookkeeping)", ref[("tiny", "threads", 1, W)], par[("tiny", 1, W)])
scaling_row("tiny tasks speedup ×1→×2", ref[("tiny", "threads", 1, W)], ref[("tiny", "threads", 2, W)],
            par[("tiny", 1, W)], par[("tiny", 2, W)], ("parlab ≥", 1.8))
for n in (1, 2):
    cost_row(f"thread-per-task ×{n}", ref[("thread-per-task", "spawn-join", n, W)],
             par[("thread-per-task", n, W)], ("≤", 1.15))
    cost_row(f"thread-per-task ×{n}, CPU", ref[("thread-per-task", "spawn-join", n, C)],
             par[("thread-per-task", n, C)], ("≤", 1.15))
for mode, name, aim in [("hyperfine", "hyperfine -N /bin/true", ("≤", 1.2)),
                        ("spawn-process", "Command /bin/true", None),
                        ("worker", "raw parlab-worker", None)]:
    if ref[("process-per-task", mode, 1, W)]:
        # hyperfine's CPU figure is the child's alone (not its own fork and wait): no CPU row.
        for fig, suffix in ((W, ""), (C, ", CPU"))[: 1 if mode == "hyperfine" else 2]:
            cost_row(f"process-per-task ×1 vs {name}{suffix}", ref[("process-per-task", mode, 1, fig)],
                     par[("process-per-task", 1, fig)], aim)
cost_row("mutex ×1, 20 000 inside", ref[("mutex", "mutex", 1, W)], par[("mutex", 1, W)], ("≤*", 1.05))
cost_row("mutex ×2, 20 000 inside", ref[("mutex", "mutex", 2, W)], par[("mutex", 2, W)], ("≤*", 1.05))
scaling_row("mutex speedup ×1→×2", ref[("mutex", "mutex", 1, W)], ref[("mutex", "mutex", 2, W)],
            par[("mutex", 1, W)], par[("mutex", 2, W)], ("≥*", 0.95))

print(f"parlab against its references: {rounds} interleaved round(s), {duration} s per run; "
      f"{os.cpu_count()} logical CPUs; load average {load_before} before, {load_after} after; {binaries}")
print("cost rows: µs per task (wall × workers / tasks; ', CPU' rows: CPU time of the whole "
      "process and its children over the run / tasks, which a busy machine disturbs less; median over rounds), parlab/ref = parlab's cost over "
      "the reference's; speedup rows: throughput ×2 / ×1, parlab/ref = parlab's speedup over the "
      "reference's. parlab/ref is the geometric mean of the per-round ratios, its 95 % interval Student t on their logarithms. Aims: issue 18's on parlab/ref "
      "(≤ for costs, ≥ for speedups) or on parlab's own figure ('parlab ≥'); '*' = this script's "
      "reading of the issue's 'close to the reference'; '–' = no aim, for information. Verdict on the interval: meets (all of it on the right "
      "side), misses (all of it on the wrong side), unclear (it straddles the aim: more rounds or a quieter "
      "machine). Reported, not asserted.")
print()
table = [("pair", "reference", "parlab", "parlab/ref", "95 % interval", "aim", "")]
for label, rs, ps, m, ci, aim, kind in rows:
    show = (lambda v: fmt_us(v)) if kind == "cost" else (lambda v: f"{v:.2f}×")
    met = ""
    if aim:
        # Judged on the interval: of the ratio, or of parlab's own per-round figure.
        centre, ci_of = interval(list(ps.values())) if aim[0].startswith("parlab") else (m, ci)
        lo, hi = ci_of or (centre, centre)
        if "≤" in aim[0]:
            lo, hi = -hi, -lo
            bound = -aim[1]
        else:
            bound = aim[1]
        met = "meets" if lo >= bound else "misses" if hi < bound else "unclear"
    table.append((label,
                  show(statistics.median(rs.values())) + (" µs" if kind == "cost" else ""),
                  show(statistics.median(ps.values())) + (" µs" if kind == "cost" else ""),
                  f"{m:.2f}",
                  f"{ci[0]:.2f}–{ci[1]:.2f}" if ci else "–",
                  f"{aim[0]} {aim[1]}" if aim else "–",
                  met))
widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
for row in table:
    print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
PY
