"""wandb.sdk: import paths real code uses (wandb.sdk.wandb_run.Run, wandb.sdk.wandb_setup._setup, ...)."""
from . import wandb_config, wandb_run, wandb_setup, wandb_summary  # noqa: F401
