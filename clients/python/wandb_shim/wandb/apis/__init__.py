"""W&B's wandb.apis: the public (read) API over the Sweep store."""
from .public import Api as PublicApi  # noqa: F401  (W&B's name for wandb.Api)
