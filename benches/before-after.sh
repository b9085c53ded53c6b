#!/usr/bin/env bash
# Did a change make any figure worse? Runs every profile given (default: every
# benches/profiles/*.toml but observer.toml, which is the app's) with two parlab builds,
# alternately, ROUNDS times (default 3; the order flips every round so that a drift in the
# machine's load falls on both), and prints per run label the median throughput of each build
# and new/old as the geometric mean of the per-round ratios with a 95 % interval (Student t on
# their logarithms), flagging intervals wholly below 0.95. Each build needs its parlab-worker
# beside it. The load average before and after is printed: do not run other work meanwhile.
#   benches/before-after.sh OLD/parlab NEW/parlab [PROFILE...]
#   ROUNDS=5 DURATION=1 benches/before-after.sh old/parlab target/release/parlab
# DURATION (seconds), when set, replaces every duration_s of the profiles.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 2 ] || { echo "usage: benches/before-after.sh OLD_PARLAB NEW_PARLAB [PROFILE...]" >&2; exit 2; }
old=$1 new=$2
shift 2
for b in "$old" "$new"; do
  [ -x "$b" ] || { echo "before-after.sh: no parlab at $b" >&2; exit 2; }
done
if [ $# -eq 0 ]; then
  set -- $(ls benches/profiles/*.toml | grep -v observer.toml)
fi
rounds=${ROUNDS:-3}
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || { echo "ROUNDS must be a whole number, got '$rounds'" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for round in $(seq 1 "$rounds"); do
  echo "round $round of $rounds" >&2
  for profile in "$@"; do
    name=$(basename "$profile" .toml)
    if [ -n "${DURATION:-}" ]; then
      sed "s/^duration_s = .*/duration_s = $DURATION/" "$profile" >"$work/$name.toml"
    else
      cp "$profile" "$work/$name.toml"
    fi
    order="old new"
    (( round % 2 )) || order="new old"
    for side in $order; do
      bin=$old
      [ "$side" = new ] && bin=$new
      "$bin" run "$work/$name.toml" --quiet --json "$work/$side-$name-$round.json" >/dev/null ||
        { echo "before-after.sh: $bin run $profile failed in round $round" >&2; exit 1; }
    done
  done
done
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$work" "$rounds" "$load_before" "$load_after" "$@" <<'PY'
import json, math, os, statistics, sys
work, rounds, before, after = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
profiles = [os.path.basename(p)[:-5] for p in sys.argv[5:]]
T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228]
def rates(side, name, r):
    runs = json.load(open(os.path.join(work, f"{side}-{name}-{r}.json")))["runs"]
    return {run["label"]: run["throughput_per_sec"] for run in runs if run["status"] == "completed"}
print(f"{'profile / run':48} {'old /s':>12} {'new /s':>12}  new/old (95 % interval)")
for name in profiles:
    per = [(rates("old", name, r), rates("new", name, r)) for r in range(1, rounds + 1)]
    for label in per[0][0]:
        pairs = [(o[label], n[label]) for o, n in per if o.get(label) and n.get(label)]
        if not pairs:
            continue
        logs = [math.log(n / o) for o, n in pairs]
        m = statistics.mean(logs)
        ci = ""
        if len(logs) > 1:
            half = T975[min(len(logs) - 1, 10) - 1] * statistics.stdev(logs) / math.sqrt(len(logs))
            lo, hi = math.exp(m - half), math.exp(m + half)
            ci = f" ({lo:.2f}–{hi:.2f})" + ("  WORSE" if hi < 0.95 else "")
        old_m = statistics.median(o for o, _ in pairs)
        new_m = statistics.median(n for _, n in pairs)
        print(f"{(name + ' / ' + label)[:48]:48} {old_m:12.1f} {new_m:12.1f}  {math.exp(m):.2f}{ci}")
print(f"load average before {before}, after {after}; {rounds} rounds")
PY
