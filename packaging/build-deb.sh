#!/usr/bin/env bash
# Builds the parlab .deb with cargo-deb (installing cargo-deb first if it is missing).
# It builds the release binaries first (the lean worker statically linked). Extra arguments
# go to cargo deb, e.g.
#   packaging/build-deb.sh --fast
#   packaging/build-deb.sh --no-build      # package an existing target/release/parlab
# The package's contents and dependencies are in [package.metadata.deb] in Cargo.toml.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

if ! cargo deb --version >/dev/null 2>&1; then
    echo "build-deb: cargo-deb not found; running 'cargo install cargo-deb --locked' (about a minute)..." >&2
    cargo install cargo-deb --locked
fi

# The release build first, then the lean worker relinked statically (`cargo static-worker`, see
# .cargo/config.toml): a static worker starts about 0.35 ms sooner, which process-per-task
# pays once per task. cargo deb then packages these binaries as they are.
if [[ " $* " != *" --no-build "* ]]; then
    cargo build --release
    cargo static-worker
    set -- --no-build "$@"
fi

# cargo deb prints the path of the package it wrote on stdout; keep a copy to find it
# and show cargo deb's own output on stderr, so that this script's stdout is the path alone.
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
cargo deb "$@" | tee "$log" >&2

deb="$(grep -E '\.deb$' "$log" | tail -n 1 || true)"
if [[ -z "$deb" || ! -f "$deb" ]]; then
    # Fall back to the newest package in the target directory.
    target_dir="${CARGO_TARGET_DIR:-target}"
    deb="$(ls -t "$target_dir"/debian/parlab_*_amd64.deb "$target_dir"/*/debian/parlab_*.deb 2>/dev/null | head -n 1 || true)"
fi
if [[ -z "$deb" ]]; then
    echo "build-deb: cargo deb finished but no parlab .deb was found" >&2
    exit 1
fi
echo "$deb"
