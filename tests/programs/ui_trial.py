#!/usr/bin/env python3
"""A trial for the dashboard's browser test: logs `loss` (and a metric whose
name is markup) through sweep_client for `steps` steps, `delay` seconds
apart, printing a numbered line to stdout each step; x = 0 fails after
logging, with markup in stderr. `epoch` is logged every 4 steps. Every string a page shows from it must be
text, never markup."""
import argparse
import sys
import time

import sweep_client

p = argparse.ArgumentParser()
p.add_argument("--x", type=float, required=True)
p.add_argument("--tag", default="")
p.add_argument("--steps", type=int, default=10)
p.add_argument("--delay", type=float, default=0.5)
a, _ = p.parse_known_args()
STEPS_PER_EPOCH = 4
run = sweep_client.init()
for step in range(a.steps):
    loss = a.x + 1.0 / (step + 1)
    row = {"loss": loss, '<img src=x onerror="document.body.dataset.pwned=1">': step}
    if step % STEPS_PER_EPOCH == 0:
        row["epoch"] = step // STEPS_PER_EPOCH  # for a curve against another logged key
    run.log(row, step=step)
    print(f"tick {step} of {a.steps}", flush=True)
    time.sleep(a.delay)
if a.x == 0:
    print('<script>document.body.dataset.pwned=1</script> failed on purpose', file=sys.stderr, flush=True)
    sys.exit(2)
