#!/usr/bin/env python3
"""A typical W&B training script, unchanged, that Sweep runs through its wandb shim.

Nothing here knows about Sweep: under `sweep run` the agent puts the shim
first on PYTHONPATH, so `import wandb` records into the sweep's store; the
sweep's values replace the defaults below. The loss surface is the same
synthetic one as examples/train.py (best lr near 3e-3, batch-size/lr
interaction, some dropout helps, adam a bit better than sgd).
"""
import math
import random
import zlib

import wandb

DEFAULTS = {
    "lr": 1e-3,
    "batch_size": 32,
    "optimizer": "adam",
    "dropout": 0.1,
    "epochs": 10,
}


def loss_floor(config):
    best_log_lr = math.log10(3e-3) + 0.25 * math.log2(config.batch_size / 32)
    return (0.15 * (math.log10(config.lr) - best_log_lr) ** 2
            + 0.4 * (config.dropout - 0.2) ** 2
            + (0.0 if config.optimizer == "adam" else 0.05)
            + 0.05)


def main():
    run = wandb.init(project="sweep-examples", config=DEFAULTS)
    config = wandb.config
    # Same configuration, same noise: seeded from the parameters, not the process.
    rng = random.Random(zlib.crc32(repr((config.lr, config.batch_size, config.optimizer, config.dropout)).encode()))
    floor = loss_floor(config)
    speed = 0.35 if config.optimizer == "adam" else 0.25
    best_val = math.inf
    for epoch in range(1, config.epochs + 1):
        train_loss = floor + 2.0 * math.exp(-speed * epoch) + rng.gauss(0, 0.005)
        val_loss = train_loss + 0.03 + 0.5 * max(0.0, 0.15 - config.dropout) * epoch / config.epochs
        best_val = min(best_val, val_loss)
        wandb.log({"epoch": epoch, "train_loss": train_loss, "val_loss": val_loss})
    run.summary["best_val_loss"] = best_val
    wandb.finish()


if __name__ == "__main__":
    main()
