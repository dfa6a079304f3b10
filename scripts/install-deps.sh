#!/usr/bin/env bash
# Installs the Debian 12 packages Sweep builds and runs with (README "Dependencies").
# Usage: scripts/install-deps.sh [--test]   (--test adds what the test suite needs)
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config ccache git python3
  libboost-dev libboost-filesystem-dev libeigen3-dev libyaml-cpp-dev libsqlite3-dev
  libcli11-dev nlohmann-json3-dev liblbfgspp-dev libpq-dev
  libgtest-dev libgmock-dev libssl-dev
  libcpp-httplib-dev zlib1g-dev libbrotli-dev
)
# The dashboard's front-end is bundled at build time by esbuild from npm
# (dashboard/web/package-lock.json). Debian 12's nodejs and npm do it; a
# machine with Node.js from elsewhere (e.g. NodeSource, whose nodejs
# conflicts with Debian's npm) keeps its own.
command -v node >/dev/null || packages+=(nodejs)
command -v npm >/dev/null || packages+=(npm)
if [[ "${1:-}" == "--test" ]]; then
  # Real components the tests start on loopback: a browser for the HTML
  # report, a PostgreSQL server for the shared store, Slurm for the job arrays.
  packages+=(sqlite3 chromium postgresql slurm-wlm munge)
  # The dashboard's browser test drives chromium through chromedriver.
  packages+=(chromium-driver python3-selenium)
  # The Python read Api's to_pandas() paths run under Debian's python3.
  packages+=(python3-pandas)
  # The seeds' MLflow loop (examples/mlflow_sklearn_train.py) runs with scikit-learn there too.
  packages+=(python3-sklearn)
  # ... and mlflow.log_image with Pillow.
  packages+=(python3-pil)
  # clang with its libFuzzer runtime for the fuzz smoke test (scripts/fuzz.sh).
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

as_root=()
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  as_root=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${as_root[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
