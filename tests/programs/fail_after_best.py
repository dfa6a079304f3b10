#!/usr/bin/env python3
"""loss = x over three steps; at x = 0 the run logs the best loss of all
(-100) and then fails, so every chart must leave it out of "best so far"
and "best 10%". Its params and stderr carry markup: pages show it as text."""
import argparse
import sys

p = argparse.ArgumentParser()
p.add_argument("--x", type=float, required=True)
p.add_argument("--tag", default="")
a, _ = p.parse_known_args()
if a.x == 0:
    print("loss=-100", flush=True)
    print('<img src=x onerror="document.body.dataset.pwned=1"> went wrong', file=sys.stderr)
    sys.exit(1)
for step in range(3):
    print(f"step={step} loss={a.x + (2 - step)}", flush=True)
