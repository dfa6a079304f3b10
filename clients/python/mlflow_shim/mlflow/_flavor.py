"""What mlflow.sklearn and mlflow.pytorch share: log_model, save_model, load_model.

A model is a folder: the serialized model (`model.pkl` for scikit-learn, `model.pth` for PyTorch)
and an `MLmodel` file naming the flavor, kept as the run's files under `<artifact_path>/` (what
"runs:/<run>/<artifact_path>" loads) and, with versioned artifacts, also as the next version of the
artifact `<artifact_path>` of type "model" (what register_model registers). log_model(
registered_model_name=...) registers it too (mlflow.register_model).
"""
import json
import os

from sweep_client._warn import warn_once

from . import _artifact_files
from .entities import ModelInfo

_MLMODEL = "MLmodel"
_DEFAULT_ARTIFACT_PATH = "model"


class Flavor:
    def __init__(self, name, file_name, save, load):
        self.name, self.file_name, self._save, self._load = name, file_name, save, load

    def save_model(self, model, path, **_ignored):
        os.makedirs(path, exist_ok=True)
        self._save(model, os.path.join(path, self.file_name))
        with open(os.path.join(path, _MLMODEL), "w", encoding="utf-8") as handle:
            json.dump({"flavors": {self.name: {"model_file": self.file_name}}, "saved_by": "sweep mlflow shim"},
                      handle, indent=2)

    def log_model(self, model, artifact_path=None, registered_model_name=None, name=None, **_ignored):
        import mlflow
        artifact_path = artifact_path or name or _DEFAULT_ARTIFACT_PATH
        run = mlflow._get_or_start_run()
        folder = os.path.join(run.scratch_dir(), "models", artifact_path)
        self.save_model(model, folder)
        _artifact_files.save_dir(run, folder, artifact_path)
        if run.has_versioned_artifacts():
            _artifact_files.log_dir(run, folder, artifact_path, artifact_type="model")
        model_uri = "runs:/%s/%s" % (run.info.run_id, artifact_path)
        version = None
        if registered_model_name:
            version = mlflow.register_model(model_uri, registered_model_name).version
        return ModelInfo(artifact_path=artifact_path, model_uri=model_uri, run_id=run.info.run_id,
                         flavors={self.name: {}}, registered_model_version=version)

    def load_model(self, model_uri, **_ignored):
        from .models import find_file, local_model_dir
        return self._load(find_file(local_model_dir(model_uri), self.file_name))

    def autolog(self, *args, **kwargs):
        warn_once("mlflow:%s.autolog" % self.name, "mlflow.%s.autolog is not supported under Sweep: log params and "
                  "metrics with log_param/log_metric" % self.name)
