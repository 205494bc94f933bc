#!/usr/bin/env bash
# The README's first command: installs what is missing, builds qdes (Release, in build/), and runs the embedded
# default scenario (an M/M/1 queue) into results/mm1.h5.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j2
build/bin/qdes run --out results --overwrite
echo
echo "next: build/bin/qdes inspect results/mm1.h5    build/bin/qdes list-params    build/bin/qdes --help"
