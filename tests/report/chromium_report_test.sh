#!/usr/bin/env bash
# Opens a generated sweep report in headless Chromium and checks that every
# chart drew (data-drawn > 0), that the page script ran to the end
# (body[data-status=done]) and that no script error was recorded
# (body[data-errors]); also writes a screenshot for a human to look at.
#
# usage: chromium_report_test.sh <report_demo binary> <work dir> [report.html]
# With a third argument, that report (e.g. one `sweep report` wrote from a real
# sweep) is checked instead of a synthetic one; its scatter charts are the
# #scatter-N containers the file has.
# Installs nothing: Chromium comes from $CHROMIUM or PATH (chromium,
# chromium-browser, google-chrome). Exit 77 (CTest SKIP_RETURN_CODE) when none.
set -euo pipefail

demo="$1"
work="$2"
given_report="${3:-}"
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
report="$work/report.html"
if [[ -n "$given_report" ]]; then
  cp "$given_report" "$report"
  scatters=""  # the page script makes them: read from the rendered DOM below
else
  "$demo" "$report"
  scatters="scatter-0 scatter-1 scatter-2 scatter-3"
fi

# A fresh profile dir per run: no state leaks between runs, no $HOME writes.
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$profile" --no-first-run
       --virtual-time-budget=10000)

timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$report" > "$work/dom.html" 2> "$work/chromium.log" || {
  echo "FAIL: chromium --dump-dom failed"; tail -20 "$work/chromium.log"; exit 1; }

fail=0
if [[ -n "$given_report" ]]; then
  scatters="$( { grep -o 'id="scatter-[0-9]*"' "$work/dom.html" | grep -o 'scatter-[0-9]*' | sort -u | tr '\n' ' '; } || true)"
  if [[ -z "$scatters" ]]; then echo "FAIL: no #scatter-N chart in the rendered report"; fail=1; fi
fi
if ! grep -q '<body[^>]*data-status="done"' "$work/dom.html"; then
  echo "FAIL: the page script did not finish (no data-status=\"done\")"; fail=1
fi
if grep -o '<body[^>]*data-errors="[^"]*"' "$work/dom.html"; then
  echo "FAIL: script errors recorded (above)"; fail=1
fi
# Every chart of the report must have drawn something.
for id in history parallel importance scatter $scatters curves runs failures; do
  n="$(grep -o "id=\"$id\"[^>]*data-drawn=\"[0-9]*\"" "$work/dom.html" | grep -o 'data-drawn="[0-9]*"' | grep -o '[0-9]*' || true)"
  if [[ -z "$n" || "$n" -le 0 ]]; then
    echo "FAIL: #$id drew nothing (data-drawn='${n}')"; fail=1
  else
    echo "ok: #$id data-drawn=$n"
  fi
done

# An empty sweep (0 runs) must also render without a script error.
"$demo" "$work/empty.html" 0 3
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/empty.html" > "$work/empty_dom.html" 2>> "$work/chromium.log"
if ! grep -q '<body[^>]*data-status="done"' "$work/empty_dom.html" || grep -q '<body[^>]*data-errors=' "$work/empty_dom.html"; then
  echo "FAIL: the empty report did not render cleanly"; grep -o '<body[^>]*>' "$work/empty_dom.html"; fail=1
else
  echo "ok: empty report rendered without errors"
fi

timeout 120 "$browser" "${flags[@]}" --screenshot="$work/report.png" --window-size=1400,4000 \
  "file://$report" >> "$work/chromium.log" 2>&1 || { echo "FAIL: screenshot failed"; fail=1; }
if [[ ! -s "$work/report.png" ]]; then echo "FAIL: no screenshot written"; fail=1; fi

[[ $fail -eq 0 ]] && echo "PASS: $report (screenshot $work/report.png)"
exit $fail
