#!/usr/bin/env python3
"""Logs loss = x once per epoch through sweep_client, sleeping between epochs,
so an early-termination rule can stop it while it is still running."""
import argparse
import time

import sweep_client

EPOCH_SLEEP_S = 0.1

p = argparse.ArgumentParser()
p.add_argument("--x", type=float, required=True)
p.add_argument("--epochs", type=int, default=20)
a, _ = p.parse_known_args()
run = sweep_client.init(config={"x": a.x})
for epoch in range(a.epochs):
    run.log({"loss": a.x}, step=epoch)
    time.sleep(EPOCH_SLEEP_S)
run.finish()
