#!/usr/bin/env bash
# Installs, on Debian or Ubuntu, the system libraries the parlab window loads at run time
# (X11, XKB, OpenGL through Mesa). With --checks, also what the screenshot and window checks
# use (Xvfb, ImageMagick, xdotool, the desktop-entry and AppStream validators).
# Building parlab needs none of these: only a Rust toolchain. Idempotent; no prompts.
set -euo pipefail

packages=(libx11-6 libx11-xcb1 libxcursor1 libxi6 libxrandr2 libxkbcommon-x11-0 libgl1 libegl1
          libgl1-mesa-dri libglx-mesa0)
if [[ "${1:-}" == "--checks" ]]; then
  packages+=(xvfb imagemagick x11-utils xdotool desktop-file-utils appstream python3)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "installing: ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
