#!/usr/bin/env bash
# Whole-process A/B: two glassy executables run the same command on the same input, alternated run
# by run (A, B, A, B, ...) so that both see the same machine noise; each run's wall time from
# outside (date +%s%N around the command, start-up and writing included). Prints the median and
# quartiles of each. On a shared VM the spread between rounds of one binary can exceed a few ms:
# compare only A and B of the same call. The command's {out} is replaced by a scratch output path.
# Usage: bench/ab_whole_process.sh GLASSY_A GLASSY_B RUNS ARGS...
#   e.g. bench/ab_whole_process.sh build/bin/glassy /opt/old/bin/glassy 60 \
#          corr sparse.h5 --mode twotime --out {out}
set -euo pipefail
[ $# -ge 4 ] || { echo "usage: $0 GLASSY_A GLASSY_B RUNS ARGS... ({out} for the output)" >&2; exit 2; }
a=$1 b=$2 runs=$3
shift 3
for exe in "$a" "$b"; do [ -x "$exe" ] || { echo "ab_whole_process: $exe is not executable" >&2; exit 2; }; done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
times="$work/times"
for ((k = 0; k < runs; k++)); do
  for side in A B; do
    exe=$a
    [ "$side" = B ] && exe=$b
    args=("${@//\{out\}/$work/out_$side.h5}")
    rm -f "$work/out_$side.h5"
    start=$(date +%s%N)
    "$exe" -q "${args[@]}" > /dev/null
    end=$(date +%s%N)
    echo "$side $(((end - start) / 1000))" >> "$times"
  done
done
for side in A B; do
  exe=$a
  [ "$side" = B ] && exe=$b
  awk -v s="$side" '$1 == s {print $2 / 1000}' "$times" | sort -g | awk -v name="$side $exe" \
    '{v[NR] = $1} END {printf "%s: median %.1f ms, q25 %.1f, q75 %.1f, min %.1f (%d runs)\n", name,
      v[int((NR + 1) / 2)], v[int(NR / 4) + 1], v[int(3 * NR / 4)], v[1], NR}'
done
