#!/usr/bin/env bash
# Installs every Debian package glassy needs to build, test and run its demo.
# Non-interactive and idempotent: packages already present are skipped, so a
# second run costs a dpkg query and nothing else.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-format
  # numerics
  libopenblas-dev libeigen3-dev libfftw3-dev libceres-dev libboost-dev
  # I/O: HDF5 with the compression filters detector files use (bitshuffle-LZ4, LZF)
  # (Debian 12's hdf5-filter-plugin ships LZ4 and BZip2 only; the bitshuffle package has the bitshuffle filter)
  libhdf5-dev hdf5-filter-plugin hdf5-plugin-lzf bitshuffle
  # LZF itself: glassy compresses a result's LZF chunks on its threads (io/hdf5_chunks)
  liblzf-dev
  # I/O: zlib for gzip-compressed ESRF EDF frames (.edf.gz)
  zlib1g-dev
  # two-time maps from the APS 8-ID MATLAB routines (.mat v5 and v7.3)
  libmatio-dev
  # the atomistic half: LAMMPS (in-process, C library interface; MPI build), its mpirun, voro++
  liblammps-dev mpi-default-bin voro++-dev
  # `mpirun -np N glassy corr|age`: the MPI plugin glassy_mpi.so (app/mpi)
  mpi-default-dev
  # command line, formatting, JSON
  libcli11-dev libfmt-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # Python side of the tests (Debian's /usr/bin/python3, not the one first on PATH)
  python3-numpy python3-h5py python3-pytest
  # the Python module (pybind11)
  python3-dev pybind11-dev
  # the HTML report: plotly.js comes from npm (below); headless chromium checks the report renders
  nodejs npm chromium
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
# node and npm may come from outside Debian (e.g. NodeSource); a working npm on PATH is enough.
if command -v npm >/dev/null 2>&1; then
  kept=()
  for p in "${missing[@]}"; do [ "$p" = nodejs ] || [ "$p" = npm ] || kept+=("$p"); done
  missing=("${kept[@]}")
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all Debian packages present"
else
  echo "install-deps: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# plotly.js for `glassy report`, pinned in report/package-lock.json and inlined into each report.
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if command -v npm >/dev/null 2>&1 &&
  [ ! -f "$root/report/node_modules/plotly.js-dist-min/plotly.min.js" ]; then
  echo "install-deps: npm ci for report/ (plotly.js)"
  npm ci --prefix "$root/report" --no-audit --no-fund
fi
