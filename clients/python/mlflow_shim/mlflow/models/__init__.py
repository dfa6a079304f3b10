"""mlflow.models: ModelInfo (what log_model returns) and the model URIs load_model reads.

Anything else MLflow's models module has (infer_signature, ModelSignature, ...) is a no-op with a
one-time note (signatures are not stored).
"""
import os
import tempfile

from .._noop import NoOp
from ..entities import ModelInfo  # noqa: F401
from ..exceptions import INVALID_PARAMETER_VALUE, MlflowException

_MODELS_URI = "models:/"


def _registry_ref(model_uri):
    """Sweep's registry reference for "models:/name/3", "models:/name/Production", "models:/name@alias"."""
    rest = model_uri[len(_MODELS_URI):].strip("/")
    if "@" in rest:
        return rest
    name, _, which = rest.rpartition("/")
    if not name:
        raise MlflowException("Model URI %r names no version, stage or alias" % model_uri, INVALID_PARAMETER_VALUE)
    return "%s/%s" % (name, which) if which.isdigit() else "%s@%s" % (name, which.lower())


def local_model_dir(model_uri):
    """A local folder holding the model that `model_uri` names (runs:/, models:/ or a path)."""
    uri = str(model_uri)
    if uri.startswith("runs:/"):
        from ..tracking.client import MlflowClient, parse_runs_uri
        run_id, path = parse_runs_uri(uri)
        artifacts = MlflowClient().get_run(run_id).info.artifact_uri
        return os.path.join(artifacts[len("file://"):], path)
    if uri.startswith(_MODELS_URI):
        from ..tracking.client import MlflowClient
        target = tempfile.mkdtemp(prefix="mlflow_model_")
        MlflowClient()._registry("get", _registry_ref(uri), "-o", target)
        return target
    return uri[len("file://"):] if uri.startswith("file://") else uri


def find_file(folder, file_name):
    """`folder/.../file_name`, the first found (a registry download may nest the model one level down)."""
    for root, dirs, files in os.walk(folder):
        dirs.sort()
        if file_name in files:
            return os.path.join(root, file_name)
    raise MlflowException("No %s under %s" % (file_name, folder), INVALID_PARAMETER_VALUE)


def __getattr__(name):
    if name.startswith("__"):
        raise AttributeError(name)
    return NoOp("mlflow.models." + name)
