"""wandb.sdk.wandb_run: `from wandb.sdk.wandb_run import Run` for type hints and isinstance checks."""
from ..wandb_run import Run  # noqa: F401
