#!/bin/sh
# Builds and runs the C++ client test as C++17 (what the header promises) and
# C++20 (what the project builds with), and builds examples/cpp_client_train.cc.
# Usage: clients/cpp/run_test.sh   (from anywhere; CXX overrides the compiler)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
cxx=${CXX:-g++}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for std in c++17 c++20; do
  "$cxx" -std=$std -Wall -Wextra -Werror -I"$here" "$here/sweep_client_test.cc" -o "$out/test_$std"
  "$out/test_$std"
done
"$cxx" -std=c++20 -Wall -Wextra -Werror -I"$repo" "$repo/examples/cpp_client_train.cc" -o "$out/cpp_client_train"
# Outside a sweep the example prints one `step=N key=value` line per epoch.
(cd "$out" && env -u SWEEP_METRICS_FD -u SWEEP_PARAMS_FILE "$out/cpp_client_train") | grep -q '^step=0 train_loss=' \
  || { echo "cpp_client_train printed no metrics line" >&2; exit 1; }
echo "run_test.sh: ok"
