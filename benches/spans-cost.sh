#!/usr/bin/env bash
# What does recording the workers' spans cost? Builds this commit twice: as it is, and with
# benches/spans-off.patch applied (the recorder keeps each task's latency only: no span, no
# per-bucket busy time, as before issue 16), then runs benches/profiles/tiny-tasks.toml
# with both builds alternately through benches/before-after.sh (ROUNDS, default 8; DURATION,
# default 1 s per run) and prints spans-on / spans-off throughput per run with a 95 %
# interval. Tiny tasks are the worst case: the recording is a few nanoseconds per task, and
# a task there is 30–80 ns. Needs git; the off build goes to target/spans-off (a worktree in
# a temporary folder, removed afterwards). Run it on an otherwise idle machine.
#   benches/spans-cost.sh
#   ROUNDS=4 benches/spans-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
off_target=$root/target/spans-off
tree=$(mktemp -d)
cleanup() {
  git -C "$root" worktree remove --force "$tree" 2>/dev/null || rm -rf "$tree"
}
trap cleanup EXIT
echo "building spans on (this tree) and off (benches/spans-off.patch)" >&2
cargo build --release --quiet --bin parlab --bin parlab-worker
git worktree add --quiet --detach "$tree" HEAD
git -C "$tree" apply "$root/benches/spans-off.patch"
if [ ! -d "$off_target/release" ]; then
  # Seeded with hard links (cargo replaces the files it rebuilds): a rebuild of parlab only.
  mkdir -p "$off_target"
  cp -al target/release "$off_target/release"
fi
# The lean worker is only built into a folder marked as a build folder.
cp target/CACHEDIR.TAG "$off_target/" 2>/dev/null || true
(cd "$tree" && CARGO_TARGET_DIR=$off_target cargo build --release --quiet --bin parlab --bin parlab-worker)
ROUNDS=${ROUNDS:-8} DURATION=${DURATION:-1} benches/before-after.sh \
  "$off_target/release/parlab" target/release/parlab benches/profiles/tiny-tasks.toml
echo "old = spans off, new = spans on: new/old below 1 is the recording's cost" >&2
