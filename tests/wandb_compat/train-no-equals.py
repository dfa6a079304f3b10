"""A parser that only reads `--name value` (two items), as ${args_no_equals} passes them."""
import sys

import wandb

argv = sys.argv[1:]
assert all(not item.startswith("--") or "=" not in item for item in argv), argv
values = dict(zip(argv[0::2], argv[1::2]))
wandb.init(config={"width": int(values["--width"]), "mode": values["--mode"]})
wandb.log({"score": wandb.config.width * (2 if wandb.config.mode == "fast" else 1)})
