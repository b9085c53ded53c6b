#!/usr/bin/env bash
# Do repetitions cost the harness anything? Runs benches/profiles/tiny-tasks.toml (tasks that
# take nanoseconds, so throughput measures the execution model itself) with --repetitions 1
# and --repetitions 5, alternately, ROUNDS times (default 2), and prints each run's tasks/s
# both ways and the ratio of the medians (5 repetitions / 1). A ratio near 1.00 means the
# rounds, the shuffling and the merging cost nothing per task.
#   PARLAB=target/release/parlab ROUNDS=2 benches/repetitions.sh
set -euo pipefail
cd "$(dirname "$0")/.."
parlab=${PARLAB:-target/release/parlab}
rounds=${ROUNDS:-2}
[ -x "$parlab" ] || { echo "no parlab at $parlab: run cargo build --release first" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for round in $(seq 1 "$rounds"); do
  for reps in 1 5; do
    echo "round $round of $rounds: --repetitions $reps" >&2
    "$parlab" run benches/profiles/tiny-tasks.toml --repetitions "$reps" --quiet \
      --json "$work/r$reps-$round.json" >/dev/null
  done
done
python3 - "$work" "$rounds" <<'PY'
import json, statistics, sys
work, rounds = sys.argv[1], int(sys.argv[2])
def rates(reps):
    out = {}
    for r in range(1, rounds + 1):
        for run in json.load(open(f"{work}/r{reps}-{r}.json"))["runs"]:
            per = [p["throughput_per_sec"] for p in run.get("repetitions", [])] or [run["throughput_per_sec"]]
            out.setdefault(run["label"], []).extend(per)
    return out
one, five = rates(1), rates(5)
print(f"{'run':<22}{'tasks/s, 1 rep':>22}{'tasks/s, 5 reps':>22}{'5/1':>8}")
for label in one:
    a, b = one[label], five[label]
    ratio = statistics.median(b) / statistics.median(a)
    print(f"{label:<22}{min(a):>10.0f}–{max(a):<11.0f}{min(b):>10.0f}–{max(b):<11.0f}{ratio:>8.2f}")
PY
