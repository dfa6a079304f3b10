"""Like W&B's train-nested-cli.py: argparse takes --optimizer as a string, wandb.config has the dict."""
import argparse
import ast

import wandb

parser = argparse.ArgumentParser()
parser.add_argument("--epochs", type=int, default=3)
parser.add_argument("--batch_size", type=int, default=16)
parser.add_argument("--optimizer", type=str, default=None)

if __name__ == "__main__":
    args = parser.parse_args()
    wandb.init(project="compat", config=args)
    # W&B's agent passes Python's str() of the nested dict; it must read back as the same dict.
    assert ast.literal_eval(args.optimizer) == dict(wandb.config["optimizer"]), args.optimizer
    for epoch in range(wandb.config["epochs"]):
        lr = wandb.config["optimizer"]["lr"]
        beta = wandb.config["optimizer"]["nadam"]["beta"]
        wandb.log({"loss": 1 - (epoch / wandb.config["epochs"]) * lr * wandb.config["batch_size"] * beta})
