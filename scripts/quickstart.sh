#!/usr/bin/env bash
# Installs dependencies, builds Sweep, and runs the quickstart sweep end to end
# on the embedded SQLite store (.sweep/sweep.db in the repository root).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
export CCACHE_BASEDIR="$PWD"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSWEEP_BUILD_TESTS=OFF -DSWEEP_BUILD_BENCH=OFF
cmake --build build --target sweep_cli

build/bin/sweep run configs/quickstart.yaml --agents 4
build/bin/sweep sweeps
build/bin/sweep best quickstart
