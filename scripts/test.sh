#!/usr/bin/env bash
# Installs what the tests need, builds everything, and runs the whole suite.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
build_dir=${SWEEP_TEST_BUILD_DIR:-build-test}
# Compiler-cache hits across checkouts in different folders (CI clones anew).
# With -g ccache also hashes the working directory unless told not to, which
# made every object of a new checkout a miss; the cost is debug info naming
# the folder of the checkout that filled the cache.
export CCACHE_BASEDIR="$PWD" CCACHE_NOHASHDIR=1
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWEEP_BUILD_TESTS=ON -DSWEEP_BUILD_BENCH=ON
cmake --build "$build_dir"
cd "$build_dir"
ctest --output-on-failure --timeout 300 -j "$(nproc)"
