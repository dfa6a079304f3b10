#!/usr/bin/env python3
"""A stand-in training script for the quickstart sweep.

It knows nothing of sweep: it reads its hyperparameters with argparse (as
`${args}` passes them) and prints one line of metrics per epoch. The loss
surface is synthetic but shaped like a real one: a best learning rate near
3e-3 on a log scale, a batch-size/learning-rate interaction, dropout that
helps a little, and adam a bit better than sgd.
"""
import argparse
import math
import random
import time
import zlib


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--batch_size", type=int, default=32)
    parser.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    parser.add_argument("--dropout", type=float, default=0.1)
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--epoch_seconds", type=float, default=0.0, help="simulated time per epoch")
    args = parser.parse_args()

    # Same configuration, same noise: seeded from the arguments, not the process.
    rng = random.Random(zlib.crc32(repr((args.lr, args.batch_size, args.optimizer, args.dropout)).encode()))
    best_log_lr = math.log10(3e-3) + 0.25 * math.log2(args.batch_size / 32)
    floor = (0.15 * (math.log10(args.lr) - best_log_lr) ** 2
             + 0.4 * (args.dropout - 0.2) ** 2
             + (0.0 if args.optimizer == "adam" else 0.05)
             + 0.05)
    speed = 0.35 if args.optimizer == "adam" else 0.25
    for epoch in range(1, args.epochs + 1):
        train_loss = floor + 2.0 * math.exp(-speed * epoch) + rng.gauss(0, 0.005)
        val_loss = train_loss + 0.03 + 0.5 * max(0.0, 0.15 - args.dropout) * epoch / args.epochs
        print(f"epoch={epoch} train_loss={train_loss:.6f} val_loss={val_loss:.6f}", flush=True)
        if args.epoch_seconds:
            time.sleep(args.epoch_seconds)


if __name__ == "__main__":
    main()
