"""Logs the same value `--level` five times: the flat histories of the hyperband check."""
import argparse

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--level", type=float)
args = parser.parse_args()
wandb.init(config=args)
for _ in range(5):
    wandb.log({"loss": args.level})
