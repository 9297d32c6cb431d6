#!/usr/bin/env bash
# Fuzzes glassy's readers with libFuzzer (Debian's clang 14, with AddressSanitizer and UBSan):
# builds the targets in fuzz/ into build-fuzz/, writes a seed corpus of valid examples into a
# temporary folder, runs each target for RUNS executions and prints executions and time per target.
# A crash stops the script; the reproducer is kept under build-fuzz/findings/.
#
#   bench/fuzz.sh [RUNS] [TARGET...]   RUNS default 1000000; targets default: all of them
#   (npy_header edf_header curve_csv sparse_events metadata). Figures: docs/performance.md.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs=${1:-1000000}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(npy_header edf_header curve_csv sparse_events metadata)

# Dependencies: only this script needs them (scripts/install-fuzz-deps.sh installs them).
fuzzer_lib=$(clang++-14 -print-file-name=libclang_rt.fuzzer-x86_64.a 2>/dev/null || true)
if ! command -v clang++-14 >/dev/null || [ ! -f "$fuzzer_lib" ]; then
  echo "fuzz.sh: needs clang-14 and libclang-rt-14-dev: run scripts/install-fuzz-deps.sh" >&2
  exit 2
fi

build="$root/build-fuzz"
if [ ! -f "$build/build.ninja" ]; then
  CC=clang-14 CXX=clang++-14 cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=None >/dev/null
fi
cmake --build "$build" -j "${JOBS:-$(nproc)}" >/dev/null

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$build/findings"

# Seeds. .npy: numpy's own files, every dtype glassy reads, format versions 1, 2 and 3.
mkdir -p "$work/seeds-npy_header"
/usr/bin/python3 - "$work/seeds-npy_header" <<'PY'
import io, sys, numpy as np
out = sys.argv[1]
arrays = [np.zeros((), '<u1'), np.arange(3, dtype='<u2'), np.ones((2, 3, 4), '<u4'),
          np.zeros((0, 5), '<i8'), np.ones((1, 2, 2), '<f4'), np.ones((2, 1), '>f8'),
          np.asfortranarray(np.ones((2, 3), '<i4'))]
n = 0
for a in arrays:
    for version in [(1, 0), (2, 0), (3, 0)]:
        b = io.BytesIO()
        np.lib.format.write_array(b, a, version=version)
        open(f"{out}/{n:02d}.npy", "wb").write(b.getvalue())
        n += 1
PY
# CSV: what `glassy fit` is given: comments, error columns, R, CRLF line ends, a bad number.
mkdir -p "$work/seeds-curve_csv"
printf '# g2 from glassy corr\nlag_s,g2,g2_err\n0.001,1.25,0.01\n0.002,1.2,0.01\n' >"$work/seeds-curve_csv/a.csv"
printf 'q, lag_s ,R\r\n7,1e-3,0.9\r\n7,2e-3,0.8\r\n' >"$work/seeds-curve_csv/b.csv"
printf 'lag_s,g2\n1,1.1\n2,x\n' >"$work/seeds-curve_csv/c.csv"
# EDF: headers as ESRF writers lay them out (512-byte blocks, ';' separated, either byte order).
mkdir -p "$work/seeds-edf_header"
/usr/bin/python3 - "$work/seeds-edf_header" <<'PY'
import sys
out = sys.argv[1]
def edf(keys):
    text = "{\n" + "".join(f"{k} = {v} ;\n" for k, v in keys)
    text += " " * (-(len(text) + 2) % 512) + "}\n"
    return text.encode()
base = [("HeaderID", "EH:000001:000000:000000"), ("Image", "1"), ("ByteOrder", "LowByteFirst"),
        ("DataType", "UnsignedShort"), ("Dim_1", "4"), ("Dim_2", "3"), ("Size", "24")]
open(f"{out}/a.edf", "wb").write(edf(base) + bytes(24))
open(f"{out}/b.edf", "wb").write(edf(base[:2] + [("ByteOrder", "HighByteFirst"), ("DataType", "FloatValue"),
    ("Dim_1", "2"), ("Dim_2", "2"), ("Size", "16"), ("time_of_day", "1700000000.5")]) + bytes(16))
open(f"{out}/c.edf", "wb").write(edf(base[:3] + [("DataType", "SignedInteger"), ("Dim_1", "1"),
    ("Dim_2", "1"), ("Size", "4"), ("time_of_frame", "0.1")]) + bytes(4))
PY
# HDF5 targets read their input as a sequence of choices (fuzz/h5_input.hpp), not as a file:
# seeds are a few fixed pseudo-random byte strings, from which libFuzzer finds the valid layouts.
for t in sparse_events metadata; do
  mkdir -p "$work/seeds-$t"
  /usr/bin/python3 -c "
import random, sys
random.seed(1)
for n in (16, 64, 256, 1024):
    open(f'$work/seeds-$t/{n}', 'wb').write(bytes(random.getrandbits(8) for _ in range(n)))"
done

# A small quarantine: freed memory is reused sooner (fewer page faults); use-after-free is still
# caught within the last 8 MiB of frees, far more than one input allocates.
export ASAN_OPTIONS=quarantine_size_mb=8:detect_leaks=1
export UBSAN_OPTIONS=print_stacktrace=1
command -v llvm-symbolizer-14 >/dev/null && export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer-14)

printf '%-14s %12s %10s %10s\n' target executions seconds exec/s
for t in "${targets[@]}"; do
  mkdir -p "$work/corpus-$t"
  log="$work/$t.log"
  start=$(date +%s.%N)
  if ! "$build/fuzz_$t" -runs="$runs" -max_len=4096 -timeout=30 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$t-" \
      "$work/corpus-$t" "$work/seeds-$t" >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz.sh: $t crashed; reproducer in $build/findings/ (run: $build/fuzz_$t FILE)" >&2
    exit 1
  fi
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  awk -v t="$t" -v n="$execs" -v a="$start" -v b="$end" \
    'BEGIN { printf "%-14s %12d %10.0f %10.0f\n", t, n, b - a, n / (b - a) }'
done
