"""wandb.sdk.wandb_summary: the run summary class, for isinstance checks."""
from sweep_client._run import Summary  # noqa: F401
