"""wandb.sdk.wandb_config: the run config class, for isinstance checks."""
from sweep_client._config import Config  # noqa: F401
