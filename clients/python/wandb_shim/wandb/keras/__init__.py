"""wandb.keras (W&B's legacy Keras integration): WandbCallback logs each epoch's metrics."""
from ..integration.keras import WandbCallback, WandbMetricsLogger, WandbModelCheckpoint  # noqa: F401
