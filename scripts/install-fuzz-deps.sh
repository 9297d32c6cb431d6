#!/usr/bin/env bash
# Installs what bench/fuzz.sh needs beyond scripts/install-deps.sh: Debian's clang 14 with its
# libFuzzer and sanitizer runtimes, and llvm-symbolizer for readable crash reports. Not needed to
# build or test glassy.
set -euo pipefail
packages=(clang-14 libclang-rt-14-dev llvm-14)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-fuzz-deps: all present"
  exit 0
fi
echo "install-fuzz-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
