#!/usr/bin/env python3
"""A trial over a conditional space: --momentum must come with
--optimizer=sgd and never with adam (exit 4 otherwise, naming what it got);
loss = lr + momentum for sgd, lr + 0.5 for adam."""
import argparse
import sys

p = argparse.ArgumentParser()
p.add_argument("--optimizer", required=True)
p.add_argument("--lr", type=float, required=True)
p.add_argument("--momentum", type=float)
a = p.parse_args()
if (a.momentum is not None) != (a.optimizer == "sgd"):
    print(f"momentum {a.momentum} with optimizer {a.optimizer}", file=sys.stderr)
    sys.exit(4)
print(f"loss={a.lr + (a.momentum if a.optimizer == 'sgd' else 0.5)}", flush=True)
