#!/usr/bin/env bash
# The report of REAL sweeps in headless Chromium: a grid sweep of
# tests/programs/linear_loss.py (one run fails on purpose), and a sweep
# whose best-looking run failed after logging its value, with markup in a
# parameter and in stderr (tests/programs/fail_after_best.py). Both reports
# must draw every chart without a script error; in the second, the failed
# run must not be the best so far, and no markup may run.
#
# usage: cli_report_chromium_test.sh <sweep binary> <work dir>
# Exit 77 (skipped) when no Chromium is installed.
set -euo pipefail

sweep_bin="$1"
work="$2"
here="$(cd "$(dirname "$0")" && pwd)"
programs="$here/../programs"

rm -rf "$work"
mkdir -p "$work"
cat > "$work/linear.yaml" <<SPEC
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
cat > "$work/failing.yaml" <<SPEC
name: failing
program: $programs/fail_after_best.py
method: grid
metric:
  name: loss
  goal: minimize
parameters:
  x:
    values: [0, 1, 2, 3, 4, 5]
  tag:
    values: ["plain", "<img src=x onerror=\"document.body.dataset.pwned=1\">"]
SPEC
# Failing trials make the sweeps exit non-zero: expected.
(cd "$work" && "$sweep_bin" run linear.yaml --agents 2 > linear.log 2>&1) || true
(cd "$work" && "$sweep_bin" run failing.yaml --agents 2 > failing.log 2>&1) || true
(cd "$work" && "$sweep_bin" report linear -o "$work/linear.html")
(cd "$work" && "$sweep_bin" report failing -o "$work/failing.html")

rc=0
"$here/report_chromium_check.sh" "$work/linear.html" "$work/linear" || rc=$?
[[ $rc -eq 77 ]] && exit 77
"$here/report_chromium_check.sh" "$work/failing.html" "$work/failing" || rc=$?
# The failed run (x = 0) logged -100; the best finished run is x = 1 (loss 1).
best="$(grep -o 'id="history"[^>]*data-best="[^"]*"' "$work/failing/dom.html" | grep -o 'data-best="[^"]*"' || true)"
if [[ "$best" != 'data-best="1"' ]]; then
  echo "FAIL: the history's best so far should be 1 (the failed run's -100 never counts); got '$best'"; rc=1
else
  echo "ok: best so far $best, the failed run left out"
fi
exit $rc
