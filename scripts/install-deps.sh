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
  # command line, formatting, JSON
  libcli11-dev libfmt-dev nlohmann-json3-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # Python side of the tests (Debian's /usr/bin/python3, not the one first on PATH)
  python3-numpy python3-h5py python3-pytest
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
