#!/usr/bin/env bash
# Builds the libFuzzer targets under fuzz/ with clang (a separate build from
# the GCC one) and runs each for a short time on a copy of its seed corpus.
# Exits non-zero when a target crashes (its reproducer is left in the build
# folder, fuzz/artifacts/<target>/), 77 when clang cannot be had.
# Usage: scripts/fuzz.sh [seconds-per-target]
# Environment: SWEEP_FUZZ_SECONDS (default below), SWEEP_FUZZ_BUILD_DIR (build-fuzz).
set -euo pipefail
cd "$(dirname "$0")/.."

# Seconds each target runs: short enough for CI and the CTest smoke run,
# long enough to get past the seeds into mutated input.
readonly kDefaultSecondsPerTarget=20
seconds=${1:-${SWEEP_FUZZ_SECONDS:-$kDefaultSecondsPerTarget}}
build_dir=${SWEEP_FUZZ_BUILD_DIR:-build-fuzz}
targets=(fuzz_spec_parser fuzz_metric_line fuzz_run_filter fuzz_json_value)
readonly kSkip=77

# clang and its libFuzzer runtime, installed only when missing (as install-deps.sh does).
packages=(clang libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} > 0)); then
  as_root=()
  if [[ $(id -u) -ne 0 ]]; then
    if ! sudo -n true 2>/dev/null; then
      echo "fuzz: clang is missing (${missing[*]}) and cannot be installed without root; skipping" >&2
      exit $kSkip
    fi
    as_root=(sudo -n)
  fi
  echo "fuzz: installing ${missing[*]}"
  if ! { "${as_root[@]}" apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"; }; then
    echo "fuzz: could not install ${missing[*]}; skipping" >&2
    exit $kSkip
  fi
fi
command -v clang++ >/dev/null || { echo "fuzz: no clang++ on PATH; skipping" >&2; exit $kSkip; }

export CCACHE_BASEDIR="${CCACHE_BASEDIR:-$PWD}"
cmake -S . -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug \
  -DSWEEP_BUILD_FUZZ=ON -DSWEEP_BUILD_TESTS=OFF -DSWEEP_BUILD_BENCH=OFF >/dev/null
cmake --build "$build_dir" --target "${targets[@]}"

status=0
for t in "${targets[@]}"; do
  # A copy of the corpus: new inputs found in the run stay out of the repo.
  work="$build_dir/fuzz/work/$t"
  artifacts="$build_dir/fuzz/artifacts/$t"
  rm -rf "$work"
  mkdir -p "$work" "$artifacts"
  cp fuzz/corpus/"$t"/* "$work"/
  echo "fuzz: $t for ${seconds}s"
  if ! "$build_dir/fuzz/$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$work" > "$build_dir/fuzz/$t.log" 2>&1; then
    echo "fuzz: $t FAILED; reproducer(s) in $artifacts:" >&2
    ls "$artifacts" >&2
    tail -n 60 "$build_dir/fuzz/$t.log" >&2
    status=1
  else
    grep -E "^(stat::number_of_executed_units|stat::new_units_added)" "$build_dir/fuzz/$t.log" || true
  fi
done
exit $status
