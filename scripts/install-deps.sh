#!/usr/bin/env bash
# Installs the Debian packages qdes needs to build, test and benchmark, if any is missing. Idempotent: when all are
# present it does nothing (no apt-get update). Needs root or sudo.
set -euo pipefail
packages=(
  cmake ninja-build g++ pkg-config
  libboost-dev libboost-program-options-dev libeigen3-dev libyaml-cpp-dev
  libboost-mpi-dev libboost-serialization-dev openmpi-bin
  libhdf5-dev hdf5-tools
  libgtest-dev libgmock-dev libbenchmark-dev libsystemc-dev
  libonnx-dev libprotobuf-dev zlib1g-dev
  dataset-fashion-mnist python3-sklearn
  python3-h5py python3-matplotlib python3-numpy python3-pandas python3-yaml
  pybind11-dev python3-dev python3-pytest
  clang libclang-rt-14-dev
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
echo "installing: ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
