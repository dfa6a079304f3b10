#!/usr/bin/env bash
# Opens a report (`sweep report`) in headless Chromium and checks that the
# page script ran to the end (body[data-status=done]) without a script
# error (body[data-errors]), that every chart drew (data-drawn > 0), and
# that no markup from the data became an element; writes a screenshot for a
# human to look at (at 1400 and at 800 pixels wide).
#
# usage: report_chromium_check.sh <report.html> <work dir> [chart ids...]
# Chromium comes from $CHROMIUM or PATH (chromium, chromium-browser,
# google-chrome). Exit 77 (CTest SKIP_RETURN_CODE) when there is none.
set -euo pipefail

report="$1"
work="$2"
shift 2
charts=("$@")
[[ ${#charts[@]} -gt 0 ]] || charts=(history parallel importance scatter contour edf curves runs failures)
browser="${CHROMIUM:-}"
if [[ -z "$browser" ]]; then
  for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser="$(command -v "$b")"; break; fi
  done
fi
if [[ -z "$browser" ]]; then
  echo "SKIP: no chromium found (set CHROMIUM or apt-get install chromium)"
  exit 77
fi

mkdir -p "$work"
# A fresh profile per run: no state leaks between runs, no $HOME writes.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$profile" --no-first-run --virtual-time-budget=15000)

timeout 120 "$browser" "${flags[@]}" --window-size=1400,900 --dump-dom "file://$report" > "$work/dom.html" 2> "$work/chromium.log" || {
  echo "FAIL: chromium --dump-dom failed"; tail -20 "$work/chromium.log"; exit 1; }

fail=0
body="$(grep -o '<body[^>]*>' "$work/dom.html" | head -1)"
if [[ "$body" != *'data-status="done"'* ]]; then
  echo "FAIL: the page script did not finish: $body"; fail=1
fi
if [[ "$body" == *data-errors* ]]; then
  echo "FAIL: script errors recorded: $body"; fail=1
fi
if [[ "$body" == *data-pwned* ]]; then
  echo "FAIL: markup from the data ran script: $body"; fail=1
fi
if grep -q '<img src="x"' "$work/dom.html"; then
  echo "FAIL: markup from the data became an element"; fail=1
fi
for id in "${charts[@]}"; do
  n="$( { grep -o "id=\"$id\"[^>]*data-drawn=\"[0-9]*\"" "$work/dom.html" || grep -o "data-drawn=\"[0-9]*\"[^>]*id=\"$id\"" "$work/dom.html" || true; } \
        | grep -o 'data-drawn="[0-9]*"' | grep -o '[0-9]*' | head -1)"
  if [[ -z "$n" || "$n" -le 0 ]]; then
    echo "FAIL: #$id drew nothing (data-drawn='${n}')"; fail=1
  else
    echo "ok: #$id data-drawn=$n"
  fi
done

for width in 1400 800; do
  timeout 120 "$browser" "${flags[@]}" --screenshot="$work/report-$width.png" --window-size=$width,3000 \
    "file://$report" >> "$work/chromium.log" 2>&1 || { echo "FAIL: screenshot at $width px failed"; fail=1; }
  [[ -s "$work/report-$width.png" ]] || { echo "FAIL: no screenshot at $width px"; fail=1; }
done

[[ $fail -eq 0 ]] && echo "PASS: $report (screenshots $work/report-*.png)"
exit $fail
