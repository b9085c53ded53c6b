#!/usr/bin/env bash
# An independent reference for observer_cpu_cores: the app's own CPU, read from /proc/PID/stat by
# this script over 15 s of a 20 s run (Xvfb, software rendering), against what the app recorded
# for that run. Needs a release build (or PARLAB=path) and Xvfb; prints both and their ratio.
set -euo pipefail
cd "$(dirname "$0")/.."
parlab=${PARLAB:-target/release/parlab}
[ -x "$parlab" ] || { echo "no parlab at $parlab: run cargo build --release first" >&2; exit 2; }
command -v Xvfb >/dev/null || { echo "Xvfb is missing: apt-get install xvfb" >&2; exit 2; }
work=$(mktemp -d)
display=":$((80 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
trap 'kill "$xvfb" 2>/dev/null || true; rm -rf "$work"' EXIT
cat >"$work/p.toml" <<'TOML'
name = "observer reference"

[[run]]
model = "threads"
workers = 1
duration_s = 20.0

[run.workload]
kind = "cpu"
iterations = 60000
TOML
sleep 1
DISPLAY=$display XDG_CONFIG_HOME=$work XDG_DATA_HOME=$work LIBGL_ALWAYS_SOFTWARE=1 \
  "$parlab" gui "$work/p.toml" --start --export-results "$work/out.json" --quit-when-done \
  >/dev/null 2>&1 &
app=$!
tick=$(getconf CLK_TCK)
cpu() { awk -v t="$tick" '{ print ($14 + $15) / t }' "/proc/$app/stat"; }
sleep 4
c1=$(cpu); t1=$(date +%s.%N)
sleep 15
c2=$(cpu); t2=$(date +%s.%N)
wait "$app"
python3 - "$work/out.json" "$c1" "$c2" "$t1" "$t2" <<'PY'
import json, sys
path, c1, c2, t1, t2 = sys.argv[1], *map(float, sys.argv[2:])
ref = (c2 - c1) / (t2 - t1)
obs = json.load(open(path))["runs"][0]["observer_cpu_cores"]
print(f"observer_cpu_cores {obs:.4f}, /proc/PID/stat over 15 s of the run {ref:.4f}, ratio {obs / ref:.2f}")
PY
