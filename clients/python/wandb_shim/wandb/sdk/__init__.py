"""wandb.sdk: import paths real code uses (wandb.sdk.wandb_run.Run, ...)."""
