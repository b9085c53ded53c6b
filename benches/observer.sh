#!/usr/bin/env bash
# Does the app change what it measures? Runs benches/profiles/observer.toml through the app
# (`parlab gui PROFILE --start --export-results FILE --quit-when-done`) and through
# `parlab run PROFILE --json FILE`, alternately (app, cli, app, cli, ...), and prints per run
# the min–max over the rounds of each figure and the ratios app/CLI of the medians.
#
# Usage: benches/observer.sh
#   ROUNDS=3    app+CLI pairs
#   DURATION=5  seconds per run (4 runs per profile)
#   PARLAB=...  the binary (default: a release build, $CARGO_TARGET_DIR or target/release/parlab)
# Without DISPLAY it starts its own Xvfb on a free display; the app always renders in software
# (LIBGL_ALWAYS_SOFTWARE=1), as on a machine without a GPU. Needs Xvfb (package xvfb) and
# python3 (no extra packages). Do not compile or run other work meanwhile: it measures.
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${ROUNDS:-3}
duration=${DURATION:-5}
parlab=${PARLAB:-${CARGO_TARGET_DIR:-target}/release/parlab}

die() { echo "observer.sh: $*" >&2; exit 2; }
[[ "$rounds" =~ ^[1-9][0-9]*$ ]] || die "ROUNDS must be a whole number of at least 1, got '$rounds'"
[[ "$duration" =~ ^[0-9]+(\.[0-9]+)?$ ]] || die "DURATION must be a number of seconds, got '$duration'"
[ -x "$parlab" ] || die "no parlab binary at $parlab: build one with 'cargo build --release' or set PARLAB"
command -v python3 >/dev/null || die "python3 is missing (it reads the results files): install python3"

work=$(mktemp -d)
xvfb=""
cleanup() {
  [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

if [ -z "${DISPLAY:-}" ]; then
  command -v Xvfb >/dev/null ||
    die "Xvfb is missing and DISPLAY is not set: install it (apt-get install xvfb) or run under a display"
  for n in $(seq 90 199); do
    if [ ! -e "/tmp/.X$n-lock" ] && [ ! -e "/tmp/.X11-unix/X$n" ]; then display=":$n"; break; fi
  done
  [ -n "${display:-}" ] || die "no free X display number between :90 and :199"
  Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$work/xvfb.log" 2>&1 &
  xvfb=$!
  for _ in $(seq 1 50); do [ -e "/tmp/.X11-unix/X${display#:}" ] && break; sleep 0.1; done
  kill -0 "$xvfb" 2>/dev/null || { cat "$work/xvfb.log" >&2; die "Xvfb did not start on $display"; }
  export DISPLAY=$display
  where="Xvfb $display"
else
  where="display $DISPLAY"
fi
export LIBGL_ALWAYS_SOFTWARE=1

profile=$work/observer.toml
sed "s/^duration_s = .*/duration_s = $duration/" benches/profiles/observer.toml >"$profile"
"$parlab" validate "$profile" >/dev/null
# Four runs plus warm-ups and the window's start, with room to spare.
limit=$(python3 -c "print(int(4 * $duration * 3 + 60))")

for r in $(seq 1 "$rounds"); do
  echo "round $r of $rounds: app" >&2
  # A fresh config folder each time: every round starts the app the same way.
  status=0
  XDG_CONFIG_HOME="$work/config-$r" XDG_DATA_HOME="$work/config-$r" timeout "$limit" \
    "$parlab" gui "$profile" --start --export-results "$work/app-$r.json" --quit-when-done \
    >"$work/app-$r.log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    cat "$work/app-$r.log" >&2
    die "the app exited $status in round $r (124: still open after $limit s)"
  fi
  echo "round $r of $rounds: cli" >&2
  "$parlab" run "$profile" --quiet --json "$work/cli-$r.json" >/dev/null ||
    die "parlab run exited $? in round $r"
done

python3 - "$work" "$rounds" "$duration" "$where" "$parlab" <<'PY'
import json, os, statistics, sys

work, rounds, duration, where, binary = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
LABELS = ["threads ×1", "threads ×2", "processes ×1", "processes ×2"]
TASKS, SPEEDUP = 0.03, 0.03   # the issue's bounds for app/CLI: tasks/s and speedup within 3 %,
CPU, PEAK = 0.10, 0.10        # CPU s and peak memory within 10 %

def load(side):
    """{label: [run of round 1, run of round 2, ...]} of one side."""
    by_label = {l: [] for l in LABELS}
    for r in range(1, rounds + 1):
        runs = json.load(open(os.path.join(work, f"{side}-{r}.json")))["runs"]
        for run in runs:
            if run["status"] != "completed":
                sys.exit(f"observer.sh: {side} round {r}: {run['label']} {run['status']}: {run.get('error')}")
            by_label.setdefault(run["label"], []).append(run)
    return by_label

FIGURES = {
    "tasks/s": lambda run: run["throughput_per_sec"],
    "CPU s": lambda run: run["process"]["user_s"] + run["process"]["sys_s"],
    "peak MiB": lambda run: run["process"]["peak_rss_bytes"] / 2**20,
    "observer cores": lambda run: run.get("observer_cpu_cores"),
}

def span(values, digits):
    values = [v for v in values if v is not None]
    if not values:
        return "absent"
    lo, hi = min(values), max(values)
    return f"{lo:.{digits}f}" if round(lo, digits) == round(hi, digits) else f"{lo:.{digits}f}–{hi:.{digits}f}"

def ratio(app, cli, bound):
    """app/CLI of the medians, marked '!' when outside the issue's bound."""
    if not app or not cli or statistics.median(cli) == 0:
        return "–"
    q = statistics.median(app) / statistics.median(cli)
    return f"{q:.2f}{'!' if abs(q - 1) > bound else ' '}"

app, cli = load("app"), load("cli")
print(f"parlab observer benchmark: {rounds} round(s) of app then CLI, {duration} s per run, "
      f"cpu 60000 iterations; {os.cpu_count()} logical CPUs; {where}, LIBGL_ALWAYS_SOFTWARE=1; {binary}")
print("min–max over the rounds; app/CLI = ratio of the medians, '!' = outside the issue's bound "
      "(tasks/s and speedup 3 %, CPU s and peak memory 10 %)")
print()
rows = [("run", "tasks/s app", "tasks/s CLI", "app/CLI", "CPU s app", "CPU s CLI", "app/CLI",
         "peak MiB app", "peak MiB CLI", "app/CLI", "observer cores app", "observer cores CLI")]
for label in LABELS:
    a, c = app[label], cli[label]
    col = lambda side, name: [FIGURES[name](run) for run in side]
    rows.append((label,
                 span(col(a, "tasks/s"), 0), span(col(c, "tasks/s"), 0),
                 ratio(col(a, "tasks/s"), col(c, "tasks/s"), TASKS),
                 span(col(a, "CPU s"), 2), span(col(c, "CPU s"), 2),
                 ratio(col(a, "CPU s"), col(c, "CPU s"), CPU),
                 span(col(a, "peak MiB"), 1), span(col(c, "peak MiB"), 1),
                 ratio(col(a, "peak MiB"), col(c, "peak MiB"), PEAK),
                 span(col(a, "observer cores"), 3), span(col(c, "observer cores"), 3)))
rows.append(("speedup ×1→×2", "app", "CLI", "app/CLI") + ("",) * 8)
for model in ["threads", "processes"]:
    per_round = lambda side: [two["throughput_per_sec"] / one["throughput_per_sec"]
                              for one, two in zip(side[f"{model} ×1"], side[f"{model} ×2"])]
    sa, sc = per_round(app), per_round(cli)
    rows.append((model, span(sa, 2), span(sc, 2), ratio(sa, sc, SPEEDUP)) + ("",) * 8)
widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
for i, row in enumerate(rows):
    if i == len(LABELS) + 1:
        print()
    print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
PY
