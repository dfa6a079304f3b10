"""mlflow.client: MlflowClient, as MLflow exposes it here too."""
from .tracking.client import MlflowClient  # noqa: F401
