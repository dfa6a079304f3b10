#!/usr/bin/env python3
"""loss = 4*x1 + 2*x2 exactly (x3 is useless), approached over three steps,
so importance must rank x1 > x2 > x3. Fails (exit 3) at x1 = x2 = x3 = 2 to
give the review commands one failed run to leave out."""
import argparse
import sys

p = argparse.ArgumentParser()
for name in ("x1", "x2", "x3"):
    p.add_argument(f"--{name}", type=float, required=True)
a, _ = p.parse_known_args()
if a.x1 == 2 and a.x2 == 2 and a.x3 == 2:
    print("refusing the corner configuration", file=sys.stderr)
    sys.exit(3)
final = 4 * a.x1 + 2 * a.x2
for step in range(3):
    print(f"step={step} loss={final + (2 - step)}", flush=True)
