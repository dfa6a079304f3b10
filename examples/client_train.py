#!/usr/bin/env python3
"""The synthetic training script of examples/train.py written against sweep_client.

Run it inside a sweep (metrics go to the agent's pipe) or on its own
(standalone tracking through `sweep record`; without a `sweep` binary it
still runs and only warns). It saves a small "checkpoint" as an artifact.
"""
import json
import math
import os
import random
import sys
import tempfile
import zlib

# Let the example run from a checkout without installing anything.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "clients", "python"))
import sweep_client  # noqa: E402

DEFAULTS = {"lr": 1e-3, "batch_size": 32, "optimizer": "adam", "dropout": 0.1, "epochs": 10}


def main():
    run = sweep_client.init(config=DEFAULTS, name="client-train")
    config = run.config
    rng = random.Random(zlib.crc32(repr((config.lr, config.batch_size, config.optimizer, config.dropout)).encode()))
    best_log_lr = math.log10(3e-3) + 0.25 * math.log2(config.batch_size / 32)
    floor = (0.15 * (math.log10(config.lr) - best_log_lr) ** 2 + 0.4 * (config.dropout - 0.2) ** 2
             + (0.0 if config.optimizer == "adam" else 0.05) + 0.05)
    speed = 0.35 if config.optimizer == "adam" else 0.25
    best_val = math.inf
    for epoch in range(1, config.epochs + 1):
        train_loss = floor + 2.0 * math.exp(-speed * epoch) + rng.gauss(0, 0.005)
        val_loss = train_loss + 0.03 + 0.5 * max(0.0, 0.15 - config.dropout) * epoch / config.epochs
        best_val = min(best_val, val_loss)
        run.log({"train_loss": train_loss, "val_loss": val_loss}, step=epoch)
    run.summary["best_val_loss"] = best_val
    with tempfile.TemporaryDirectory() as scratch:
        checkpoint = os.path.join(scratch, "checkpoint.json")
        with open(checkpoint, "w") as handle:
            json.dump({"config": config.as_dict(), "best_val_loss": best_val}, handle)
        run.log_artifact(checkpoint)
    run.finish()


if __name__ == "__main__":
    main()
