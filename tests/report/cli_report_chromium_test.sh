#!/usr/bin/env bash
# The browser check on a REAL report: runs a small grid sweep of
# tests/programs/linear_loss.py with the built `sweep`, writes its report with
# `sweep report`, then hands it to chromium_report_test.sh.
#
# usage: cli_report_chromium_test.sh <sweep binary> <report_demo binary> <work dir>
# Exit 77 (skipped) when no Chromium is installed, as chromium_report_test.sh.
set -euo pipefail

sweep_bin="$1"
demo="$2"
work="$3"
here="$(cd "$(dirname "$0")" && pwd)"
programs="$here/../programs"

rm -rf "$work"
mkdir -p "$work"
cat > "$work/spec.yaml" <<SPEC
name: linear
program: $programs/linear_loss.py
method: grid
metric:
  name: loss
  goal: minimize
parameters:
  x1:
    values: [0, 1, 2]
  x2:
    values: [0, 1, 2]
  x3:
    values: [0, 1, 2]
SPEC
# One trial fails on purpose (exit 3), so a non-zero sweep exit is expected.
(cd "$work" && "$sweep_bin" run spec.yaml --agents 4 > run.log 2>&1) || true
(cd "$work" && "$sweep_bin" report linear -o "$work/cli_report.html")
exec "$here/chromium_report_test.sh" "$demo" "$work/chromium" "$work/cli_report.html"
