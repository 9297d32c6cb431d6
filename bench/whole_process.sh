#!/usr/bin/env bash
# Whole-process benchmarks: the `glassy` command a user types, timed from outside with
# /usr/bin/time -v (start-up, reading, the statistics pass, correlation and output writing all
# included), beside nothing but the command itself. Each case makes its input with `glassy synth`
# first (not timed), then runs the command REPEATS times and prints the median wall time, the
# user time and the peak RSS. Usage: bench/whole_process.sh [BUILD [REPEATS]]
set -euo pipefail
build=${1:-build}
repeats=${2:-5}
glassy="$build/bin/glassy"
[ -x "$glassy" ] || { echo "whole_process: $glassy not built (make build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# One timed case: NAME then the command's arguments (after `glassy -q`).
run_case() {
  local name=$1
  shift
  local walls=() users=() rss=0
  for ((k = 0; k < repeats; k++)); do
    rm -f "$work"/out*.h5
    /usr/bin/time -v -o "$work/time.txt" "$glassy" -q "$@" > /dev/null
    walls+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, p, ":"); s = 0;
      for (i = 1; i <= n; i++) s = s * 60 + p[i]; print s}' "$work/time.txt")")
    users+=("$(awk -F': ' '/User time/ {print $2}' "$work/time.txt")")
    rss=$(awk -F': ' '/Maximum resident/ {print $2}' "$work/time.txt")
  done
  local median user
  median=$(printf '%s\n' "${walls[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  user=$(printf '%s\n' "${users[@]}" | sort -g | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')
  printf '%-52s median wall %7.3f s, user %7.3f s, peak RSS %6d MiB (%d runs)\n' "$name" \
    "$median" "$user" $((rss / 1024)) "$repeats"
}

echo "== whole process ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1 /proc/loadavg))"
"$glassy" -q synth --preset tiny --frames 1000 --shape 64 64 --rate 0.01 --layout sparse --compression none \
  --out "$work/sparse.h5" > /dev/null
"$glassy" -q synth --preset tiny --frames 1000 --shape 64 64 --rate 1 --compression none --out "$work/dense.h5" > /dev/null
run_case "glassy --version" --version
run_case "corr two-time 1000 x 64^2, 0.01 ph/px (sparse)" corr "$work/sparse.h5" --mode twotime \
  --out "$work/out1.h5"
run_case "corr two-time 1000 x 64^2, 1 ph/px (dense)" corr "$work/dense.h5" --mode twotime \
  --out "$work/out2.h5"
run_case "corr multi-tau 1000 x 64^2, 1 ph/px" corr "$work/dense.h5" --mode multitau \
  --out "$work/out3.h5"
run_case "age 1000 x 64^2, 100 s windows" age "$work/dense.h5" --window-s 100 \
  --out "$work/out4.h5"
