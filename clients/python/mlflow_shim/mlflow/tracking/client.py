"""MlflowClient: the run calls of the fluent API by run id, and the model registry.

Registry calls run Sweep's registry commands (`sweep registry register/promote/alias/show`);
MLflow's stages (None, Staging, Production, Archived) are Sweep's (none, staging, production,
archived). Runs are written only while this process has them active (a script writes to the runs
it started); reading works for every run in the store.
"""
import json
import os
import shutil

import sweep_client

from . import _store
from .._noop import NoOp
from ..entities import ModelVersion, RegisteredModel
from ..exceptions import INVALID_PARAMETER_VALUE, RESOURCE_DOES_NOT_EXIST, MlflowException

_RUNS_URI = "runs:/"
_STAGES = {"none": "None", "staging": "Staging", "production": "Production", "archived": "Archived"}


def _fluent():
    import mlflow  # the package this module belongs to; imported late (it imports this module)
    return mlflow


def parse_runs_uri(model_uri):
    """("run id", "artifact path") of "runs:/<run_id>/<artifact_path>"; MlflowException for other URIs."""
    if not str(model_uri).startswith(_RUNS_URI):
        raise MlflowException("Model URI %r is not supported under Sweep: register a model a run logged, "
                              "runs:/<run_id>/<artifact_path>" % (model_uri,), INVALID_PARAMETER_VALUE)
    run_id, _, path = str(model_uri)[len(_RUNS_URI):].strip("/").partition("/")
    if not run_id or not path:
        raise MlflowException("Model URI %r names no run and artifact path" % (model_uri,), INVALID_PARAMETER_VALUE)
    return run_id, path


def _mlflow_stage(stage):
    return _STAGES.get(str(stage or "none").lower(), str(stage))


def _model_version(doc, name):
    """A ModelVersion from one version object of `sweep registry show --json`."""
    return ModelVersion(name=doc.get("name", name), version=str(doc.get("version", "")),
                        current_stage=_mlflow_stage(doc.get("stage")), aliases=list(doc.get("aliases") or []),
                        run_id=doc.get("run_id") or doc.get("run") or "",
                        source=doc.get("artifact") or doc.get("source") or "", status="READY",
                        description=doc.get("note") or "", tags={})


class MlflowClient:
    def __init__(self, tracking_uri=None, registry_uri=None):
        self._tracking_uri = tracking_uri

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return NoOp("MlflowClient." + name)

    # ---- Runs ----
    def get_run(self, run_id):
        return _fluent().get_run(run_id)

    def get_parent_run(self, run_id):
        return _fluent().get_parent_run(run_id)

    def search_runs(self, experiment_ids, filter_string="", run_view_type=None, max_results=1000, order_by=None,
                    page_token=None):
        ids = [experiment_ids] if isinstance(experiment_ids, str) else list(experiment_ids or [])
        return _store.search([str(i) for i in ids], filter_string, order_by, max_results)

    def log_param(self, run_id, key, value, synchronous=None):
        _fluent()._run_by_id(run_id).log_params({key: value})
        return value

    def log_metric(self, run_id, key, value, timestamp=None, step=None, synchronous=None, **_ignored):
        _fluent()._run_by_id(run_id).log_metrics({key: value}, step=step, timestamp=timestamp)

    def log_batch(self, run_id, metrics=(), params=(), tags=(), synchronous=None):
        run = _fluent()._run_by_id(run_id)
        if params:
            run.log_params({p.key: p.value for p in params})
        for metric in metrics:
            run.log_metrics({metric.key: metric.value}, step=metric.step, timestamp=metric.timestamp)
        if tags:
            run.set_tags({t.key: t.value for t in tags})

    def set_tag(self, run_id, key, value, synchronous=None):
        _fluent()._run_by_id(run_id).set_tags({key: value})

    def log_artifact(self, run_id, local_path, artifact_path=None):
        _fluent().log_artifact(local_path, artifact_path, run_id=run_id)

    def log_dict(self, run_id, dictionary, artifact_file):
        _fluent().log_dict(dictionary, artifact_file, run_id=run_id)

    def log_text(self, run_id, text, artifact_file):
        _fluent().log_text(text, artifact_file, run_id=run_id)

    def set_terminated(self, run_id, status=None, end_time=None):
        mlflow = _fluent()
        mlflow._end(mlflow._run_by_id(run_id), status or "FINISHED")

    def download_artifacts(self, run_id, path, dst_path=None):
        """Copies `path` from the run's artifacts folder to `dst_path` (default: the working directory)."""
        uri = self.get_run(run_id).info.artifact_uri
        source = os.path.join(uri[len("file://"):], path) if uri.startswith("file://") else ""
        if not source or not os.path.exists(source):
            raise MlflowException("Run '%s' has no artifact %r" % (run_id, path), RESOURCE_DOES_NOT_EXIST)
        target = os.path.join(dst_path or os.getcwd(), os.path.basename(path.rstrip("/")))
        if os.path.isdir(source):
            shutil.copytree(source, target, dirs_exist_ok=True)
        else:
            shutil.copyfile(source, target)
        return target

    # ---- Experiments (Sweep projects) ----
    def get_experiment_by_name(self, name):
        return _store.experiment(name)

    def get_experiment(self, experiment_id):
        return _store.experiment(experiment_id)

    def create_experiment(self, name, artifact_location=None, tags=None):
        return name

    def search_experiments(self, *args, **kwargs):
        return [_store.experiment(p.name) for p in _store._api().projects()]

    # ---- The model registry (`sweep registry ...`) ----
    def _registry(self, *args):
        try:
            return sweep_client.Api()._run(["registry"] + [str(a) for a in args])
        except sweep_client.SweepError as error:
            raise MlflowException("sweep registry %s: %s" % (args[0], error), RESOURCE_DOES_NOT_EXIST) from None

    def _register(self, model_uri, name):
        run_id, path = parse_runs_uri(model_uri)
        artifact = path.split("/")[0]
        text = self._registry("register", name, "--run", run_id, "--artifact", artifact, "--json")
        try:
            doc = json.loads(text)
        except ValueError:
            doc = {}
        version = _model_version(doc if isinstance(doc, dict) else {}, name)
        version.run_id = version.run_id or run_id
        version.source = version.source or model_uri
        return version

    def create_registered_model(self, name, tags=None, description=None):
        return RegisteredModel(name=name, latest_versions=[], aliases={})

    def create_model_version(self, name, source, run_id=None, tags=None, description=None, **_ignored):
        uri = source if str(source).startswith(_RUNS_URI) else "%s%s/%s" % (_RUNS_URI, run_id, source)
        return self._register(uri, name)

    def _versions(self, name):
        doc = json.loads(self._registry("show", name, "--json"))
        versions = doc.get("versions", []) if isinstance(doc, dict) else doc
        return [_model_version(v, name) for v in versions]

    def search_model_versions(self, filter_string="", max_results=None, order_by=None, page_token=None):
        name = filter_string.split("=", 1)[1].strip().strip("'\"") if "name" in filter_string else None
        if name is None:
            raise MlflowException("search_model_versions needs a filter \"name='<model>'\"", INVALID_PARAMETER_VALUE)
        return self._versions(name)

    def get_model_version(self, name, version):
        for found in self._versions(name):
            if found.version == str(version):
                return found
        raise MlflowException("Model Version (name=%s, version=%s) not found" % (name, version),
                              RESOURCE_DOES_NOT_EXIST)

    def get_latest_versions(self, name, stages=None):
        """The newest version in each of `stages` (default: every stage), as MLflow."""
        wanted = {_mlflow_stage(s) for s in stages} if stages else None
        latest = {}
        for found in self._versions(name):
            if wanted is None or found.current_stage in wanted:
                if found.current_stage not in latest or int(found.version) > int(latest[found.current_stage].version):
                    latest[found.current_stage] = found
        return sorted(latest.values(), key=lambda v: int(v.version))

    def transition_model_version_stage(self, name, version, stage, archive_existing_versions=False):
        """MLflow keeps the other versions in the stage unless archive_existing_versions; so does this."""
        args = ["promote", name, version, "--to", str(stage).lower()]
        if not archive_existing_versions:
            args.append("--keep")
        self._registry(*args)
        return self.get_model_version(name, version)

    def set_registered_model_alias(self, name, alias, version):
        self._registry("alias", name, version, alias)

    def get_model_version_by_alias(self, name, alias):
        for found in self._versions(name):
            if alias in found.aliases:
                return found
        raise MlflowException("Registered model alias %s not found." % alias, RESOURCE_DOES_NOT_EXIST)

    def get_registered_model(self, name):
        versions = self._versions(name)
        aliases = {a: v.version for v in versions for a in v.aliases}
        return RegisteredModel(name=name, latest_versions=self.get_latest_versions(name), aliases=aliases)

    def search_registered_models(self, *args, **kwargs):
        doc = json.loads(self._registry("list", "--json"))
        names = [m.get("name") if isinstance(m, dict) else str(m) for m in (doc if isinstance(doc, list) else [])]
        return [RegisteredModel(name=n, latest_versions=[], aliases={}) for n in names]
