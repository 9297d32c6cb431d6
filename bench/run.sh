#!/usr/bin/env bash
# Runs every benchmark program built under BUILD/bench and prints their figures.
set -euo pipefail
build=${1:-build}
for b in "$build"/bench/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
done
echo "== whole process (bench/whole_process.sh)"
bash "$(dirname "$0")/whole_process.sh" "$build"
