#!/usr/bin/env bash
# Two-time correlation shared over MPI ranks (corr/row_fold), whole process timed from outside,
# beside the same run in one process: 1 process x 1 thread, 1 process x 2 threads, mpirun -np 2
# (1 thread per rank), mpirun -np 3 (oversubscribed). The in-process two-time seconds that glassy
# prints are shown beside the whole-process wall time, so the parts that every rank repeats (start,
# the statistics pass, the broadcast, rank 0's writing) can be told from the shared tiles.
# Usage: bench/mpi_scaling.sh [BUILD_DIR] [FRAMES]
set -euo pipefail
build=${1:-build}
frames=${2:-4000}
glassy=$build/bin/glassy
[ -x "$glassy" ] || { echo "mpi_scaling: $glassy not built (make build)" >&2; exit 2; }
command -v mpirun > /dev/null || { echo "mpi_scaling: mpirun not installed (mpi-default-bin)" >&2; exit 2; }
root=(); [ "$(id -u)" = 0 ] && root=(--allow-run-as-root)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$glassy" -q synth --preset tiny --frames "$frames" --shape 64 64 --rate 1 --compression none \
  --out "$work/dense.h5" > /dev/null
"$glassy" -q synth --preset tiny --frames "$((frames * 5))" --shape 64 64 --rate 0.01 \
  --layout sparse --compression none --out "$work/sparse.h5" > /dev/null

run_case() {  # NAME FILE LAUNCH...
  local name=$1 file=$2
  shift 2
  rm -f "$work"/out.h5
  local printed
  printed=$(/usr/bin/time -f '%e %U %M' -o "$work/time.txt" "$@" corr "$file" --mode twotime \
    --out "$work/out.h5")
  read -r wall user rss < "$work/time.txt"
  local inproc
  inproc=$(sed -n 's/.*two-time \([0-9.]*\) s.*/\1/p' <<< "$printed")
  printf '%-44s wall %6.2f s, user %6.2f s, peak RSS %5d MiB per process, two-time in-process %s s\n' \
    "$name" "$wall" "$user" $((rss / 1024)) "$inproc"
}

echo "== MPI scaling ($(nproc) cores, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1 /proc/loadavg))"
for path in dense sparse; do
  f=$work/$path.h5
  echo "-- $path: $(basename "$f"), $( [ $path = dense ] && echo "$frames" || echo $((frames * 5)) ) frames of 64x64"
  run_case "1 process, 1 thread" "$f" "$glassy" -q --threads 1
  run_case "1 process, 2 threads" "$f" "$glassy" -q --threads 2
  run_case "mpirun -np 2 (1 thread per rank)" "$f" mpirun "${root[@]}" -np 2 "$glassy" -q
  run_case "mpirun -np 3 (oversubscribed)" "$f" mpirun "${root[@]}" --oversubscribe -np 3 "$glassy" -q
done
