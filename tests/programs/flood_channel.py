#!/usr/bin/env python3
"""Logs --points values of `v` (and `loss` once) through sweep_client as fast as it can."""
import argparse

import sweep_client

p = argparse.ArgumentParser()
p.add_argument("--x", type=float, required=True)
p.add_argument("--points", type=int, default=20000)
a, _ = p.parse_known_args()
run = sweep_client.init()
for step in range(a.points):
    run.log({"v": float(step)}, step=step)
run.log({"loss": a.x}, step=a.points)
run.finish()
