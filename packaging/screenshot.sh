#!/usr/bin/env bash
# Regenerates assets/screenshots/main-window.png (the README's screenshot): starts the real
# window under Xvfb with an example profile, presses Start, waits for the runs, and captures
# the window. Usage: packaging/screenshot.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."

packaging/install-deps.sh --checks
binary=${1:-target/release/parlab}
[ -x "$binary" ] || cargo build --release
out=assets/screenshots/main-window.png
mkdir -p "$(dirname "$out")"

display=":$((80 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xvfb=$!
home=$(mktemp -d)
trap 'kill "${app:-}" "$xvfb" 2>/dev/null || true; rm -rf "$home"' EXIT
sleep 1
DISPLAY=$display XDG_CONFIG_HOME=$home XDG_DATA_HOME=$home \
  "$binary" gui assets/profiles/cpu-threads-vs-processes.toml >"$home/app.log" 2>&1 &
app=$!
sleep 3
# No window manager: the window sits at the top-left corner; Start is its first button.
DISPLAY=$display xdotool mousemove 30 36 click 1
# The example's six runs take about ten seconds on two cores.
sleep 14
DISPLAY=$display import -window root -crop 1280x800+0+0 +repage "$out"
echo "screenshot written to $out"
