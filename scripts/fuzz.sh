#!/usr/bin/env bash
# Runs every cargo-fuzz target in fuzz/ for FUZZ_SECONDS seconds each (default 30), starting
# from the seeds in fuzz/corpus/<target>/. Needs the nightly toolchain (`rustup toolchain
# install nightly`); installs cargo-fuzz if it is missing. A crash stops the run and leaves its
# input in fuzz/artifacts/<target>/: reproduce it with `cargo +nightly fuzz run <target> <file>`.
# Not part of scripts/test.sh: CI runs the stable property tests over the same inputs instead.
set -euo pipefail

cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/natter-target}"
seconds="${FUZZ_SECONDS:-30}"

command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked

# What libFuzzer finds goes to a corpus outside the clone, so the committed seeds stay a small
# hand-picked set and a run leaves the checkout clean.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Its own target dir: sanitizer builds share nothing with the stable ones.
fuzz=(cargo +nightly fuzz)
targets=$("${fuzz[@]}" list)
"${fuzz[@]}" build --target-dir "$CARGO_TARGET_DIR/fuzz"
for target in $targets; do
  printf '\n==> fuzzing %s for %ss\n' "$target" "$seconds"
  mkdir -p "$work/$target"
  "${fuzz[@]}" run --target-dir "$CARGO_TARGET_DIR/fuzz" "$target" \
    "$work/$target" "fuzz/corpus/$target" -- -max_total_time="$seconds"
done
