"""mlflow.tracking: MlflowClient (see client.py)."""
from .client import MlflowClient  # noqa: F401
