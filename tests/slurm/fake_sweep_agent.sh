#!/usr/bin/env bash
# Stands in for `sweep agent` in the sweep_slurm end-to-end test: records
# what one array task received, in its working directory (so --chdir is
# checked too), then sleeps FAKE_AGENT_SLEEP seconds if that is set (the
# cancellation test keeps its tasks running that way).
set -euo pipefail
echo "$SLURM_ARRAY_TASK_ID $SWEEP_STORE" >> agents.txt
printf '%s\n' "$@" > "args_${SLURM_ARRAY_TASK_ID}.txt"
if [[ -n "${FAKE_AGENT_SLEEP:-}" ]]; then exec sleep "$FAKE_AGENT_SLEEP"; fi
