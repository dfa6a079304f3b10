"""A run this process started: MLflow's ActiveRun over one sweep_client.Run.

Where it records (PROTOCOL.md):
- the process's first top-level run takes the process's own place: inside a sweep the trial's run
  (the agent's pipe), outside one a new standalone run (`sweep record`);
- every other run (nested runs, a second top-level run) is a standalone run of its own, in the
  sweep's project when the process is a sweep's trial, else in the experiment's.
A nested run carries MLflow's own parent link, the key/value tag `mlflow.parentRunId`.
"""
import getpass
import os
import shutil
import sys
import tempfile
import time

import sweep_client as _client

from . import _names
from .entities import LifecycleStage, Metric, Run, RunData, RunInfo, RunInputs, RunStatus
from .exceptions import INVALID_PARAMETER_VALUE, MlflowException

# MLflow's system tags (mlflow/utils/mlflow_tags.py).
TAG_PARENT_RUN_ID = "mlflow.parentRunId"
TAG_RUN_NAME = "mlflow.runName"
TAG_NOTE = "mlflow.note.content"
TAG_USER = "mlflow.user"
TAG_SOURCE_NAME = "mlflow.source.name"
TAG_SOURCE_TYPE = "mlflow.source.type"
# What a sweep trial's environment holds (sweep/trial_launch.h); a run of its own drops the ones
# that bind a run to the trial.
_TRIAL_BINDING_ENV = ("SWEEP_METRICS_FD", "SWEEP_RUN_ID", "SWEEP_PARAMS_FILE", "SWEEP_RUN_DIR", "SWEEP_RECORD_RUN")
ENV_PROJECT = "SWEEP_PROJECT"
_MILLIS_PER_SECOND = 1000


def now_millis():
    return int(time.time() * _MILLIS_PER_SECOND)


def environment_of_own_run():
    """os.environ without the variables that would bind a run to the sweep trial."""
    return {k: v for k, v in os.environ.items() if k not in _TRIAL_BINDING_ENV}


def _flat(values, prefix=""):
    """Nested config dicts as MLflow-style dotted names ({"model": {"depth": 4}} -> "model.depth")."""
    flat = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flat(value, prefix + str(key) + "."))
        else:
            flat[prefix + str(key)] = value
    return flat


def same_param_value(sweep_value, logged):
    """A logged param agrees with the sweep's value: the same text (MLflow's rule for re-logged params),
    or the same number (the sweep's 64 and a script's 64.0)."""
    if str(sweep_value) == str(logged):
        return True
    try:
        return float(sweep_value) == float(logged)
    except (TypeError, ValueError):
        return False


class ActiveRun(Run):
    """MLflow's ActiveRun: `.info`, `.data` and a context manager that ends the run (FAILED on an exception)."""

    def __init__(self, core, experiment_id, tags, end_callback):
        self._core = core
        self._end_callback = end_callback
        # Values the sweep chose for this trial: a param logged with another value is an error.
        self._sweep_params = {k: v for k, v in _flat(core.config.as_dict()).items()
                              if core.config.is_locked(k.split(".")[0])}
        self._params = {k: str(v) for k, v in self._sweep_params.items()}
        self._metrics = {}  # key -> Metric, the latest (largest step, then latest time), as MLflow keeps it
        self._tags = {}
        self._datasets = []
        self._scratch = None  # files made from values (log_dict, log_text, ...) until the run ends
        self._snapshots = 0   # artifacts copied there (outside a sweep), each in a folder of its own
        info = RunInfo(run_id=core.id, run_name=core.name, experiment_id=experiment_id, user_id=getpass.getuser(),
                       status=RunStatus.RUNNING, start_time=now_millis(), end_time=None,
                       artifact_uri=self.artifact_uri(), lifecycle_stage=LifecycleStage.ACTIVE)
        Run.__init__(self, info, RunData(params=dict(self._params), metrics={}, tags={}))
        self.set_tags(tags)
        self.data.tags = dict(self._tags)

    # The context manager, as mlflow.ActiveRun.
    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_val, exc_tb):
        status = RunStatus.FINISHED if exc_type is None else RunStatus.FAILED
        reason = None if exc_type is None else "%s: %s" % (exc_type.__name__, exc_val)
        self._end_callback(self, status, reason)
        return exc_type is None

    @property
    def id(self):
        return self._core.id

    def artifact_uri(self):
        return "file://" + os.path.join(self._core.dir, "artifacts") if self._core.dir else ""

    # Logging
    def log_params(self, params):
        texts = {}
        for key, value in params.items():
            _names.validate_key("param", key)
            text = _names.param_text(key, value)
            self._check_param(key, value, text)
            if key in texts and texts[key] != text:
                raise MlflowException("Duplicate parameter keys have been submitted: %s" % key,
                                      INVALID_PARAMETER_VALUE)
            texts[key] = text
        new = {k: v for k, v in params.items() if k not in self._params and k not in self._sweep_params}
        self._params.update(texts)
        if new:
            self._core.config.update({k: _plain(v) for k, v in new.items()})

    def _check_param(self, key, value, text):
        if key in self._sweep_params:
            if not same_param_value(self._sweep_params[key], value):
                raise MlflowException(
                    "Changing param values is not allowed. Param with key='%s' was set by the sweep to value='%s' "
                    "for run ID='%s'. Attempted logging new value '%s'. (A script run by a sweep must use the "
                    "sweep's values, e.g. from ${args} on its command line.)"
                    % (key, self._sweep_params[key], self.id, text), INVALID_PARAMETER_VALUE)
        elif key in self._params and self._params[key] != text:
            raise MlflowException(
                "Changing param values is not allowed. Param with key='%s' was already logged with value='%s' "
                "for run ID='%s'. Attempted logging new value '%s'." % (key, self._params[key], self.id, text),
                INVALID_PARAMETER_VALUE)

    def log_metrics(self, metrics, step=None, timestamp=None):
        step = _names.step_value(step)
        timestamp = now_millis() if timestamp is None else int(timestamp)
        values = {}
        for key, value in metrics.items():
            _names.validate_key("metric", key)
            values[key] = _names.metric_value(key, value, step)
        for key, value in values.items():
            latest = self._metrics.get(key)
            if latest is None or (step, timestamp) >= (latest.step, latest.timestamp):
                self._metrics[key] = Metric(key, value, timestamp, step)
        if values:
            self._core.log(values, step=step, timestamp=timestamp / _MILLIS_PER_SECOND)

    def set_tags(self, tags):
        texts = {}
        for key, value in (tags or {}).items():
            _names.validate_key("tag", key)
            texts[key] = _names.tag_text(key, value)
        if not texts:
            return
        self._tags.update(texts)
        self._core.set_tags(texts)
        # MLflow's run name and description are tags too; Sweep keeps them as the run's name and notes.
        if TAG_RUN_NAME in texts:
            self._core.name = texts[TAG_RUN_NAME]
            self.info.run_name = texts[TAG_RUN_NAME]
        if TAG_NOTE in texts:
            self._core.notes = texts[TAG_NOTE]

    def has_versioned_artifacts(self):
        """Whether this run can store versioned artifacts: sweep_client has them (log_artifact(path,
        name=, type=) into the store's artifact store, save_file for plain run files) and the run can
        reach its store (a recorded run with a `sweep` binary); else only run files (a test harness,
        no binary, or a sweep_client without the artifact store)."""
        if not hasattr(self._core, "save_file"):
            return False
        from sweep_client import _artifact_store
        return bool(getattr(self._core, "_in_store", False)) and _artifact_store.can_reach_store(
            getattr(self._core, "_environ", os.environ))

    def log_version(self, local_path, name, artifact_type=None):
        """The next version of artifact `name` (a file or a folder) of the run's project."""
        return self._core.log_artifact(local_path, name=name, type=artifact_type)

    def save_file(self, local_path, name):
        """`local_path` as the run's file artifacts/<name> (MLflow's artifact path)."""
        if not self._core.in_sweep and os.path.isfile(local_path):
            # Outside a sweep `sweep record` copies the file after it gets the message: a script that
            # deletes it right away (a temporary folder) would lose it. A snapshot lives until the run ends.
            self._snapshots += 1
            snapshot = os.path.join(self.scratch_dir(), "snapshots", str(self._snapshots))
            os.makedirs(snapshot, exist_ok=True)
            local_path = shutil.copy(local_path, snapshot)
        if self.has_versioned_artifacts():
            return self._core.save_file(local_path, name=name)
        return self._core.log_artifact(local_path, name=name)

    def scratch_dir(self):
        if self._scratch is None:
            self._scratch = tempfile.mkdtemp(prefix="mlflow_shim_")
        return self._scratch

    def add_dataset(self, dataset_input):
        self._datasets.append(dataset_input)

    def finish(self, status, reason=None):
        self.info.status = status
        self.info.end_time = now_millis()
        exit_code = 0 if status == RunStatus.FINISHED else 1
        if exit_code and not reason:
            reason = "mlflow.end_run(status=%r)" % status
        self._core.finish(exit_code, reason=reason)  # returns once `sweep record` has copied the files
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)
            self._scratch = None

    def snapshot(self):
        """The run as get_run gives it now: params, latest metrics, tags and inputs as logged so far."""
        info = RunInfo(**self.info.__dict__)
        data = RunData(params=dict(self._params), metrics={k: m.value for k, m in self._metrics.items()},
                       tags=dict(self._tags))
        return Run(info, data, RunInputs(dataset_inputs=list(self._datasets)))


def _plain(value):
    """A param value as the run's configuration keeps it: numbers, strings and booleans as they are
    (so `sweep runs --filter "param.lr < 0.01"` compares numbers), anything else as MLflow's text."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if hasattr(value, "item"):
        try:
            item = value.item()
            if isinstance(item, (bool, int, float, str)):
                return item
        except (TypeError, ValueError):
            pass
    return str(value)


def default_tags(run_name, parent_id, description, user_tags):
    tags = {str(k): str(v) for k, v in (user_tags or {}).items()}
    if description:
        if TAG_NOTE in tags:
            raise MlflowException("Description is already set via the tag %s in tags.Remove the key %s from the "
                                  "tags or omit the description." % (TAG_NOTE, TAG_NOTE), INVALID_PARAMETER_VALUE)
        tags[TAG_NOTE] = description
    if parent_id is not None:
        tags[TAG_PARENT_RUN_ID] = parent_id
    if run_name:
        tags[TAG_RUN_NAME] = run_name
    tags.setdefault(TAG_USER, getpass.getuser())
    script = sys.argv[0] if sys.argv and sys.argv[0] else ""
    if script and not script.startswith("-"):
        tags.setdefault(TAG_SOURCE_NAME, os.path.abspath(script))
    tags.setdefault(TAG_SOURCE_TYPE, "LOCAL")
    return tags


def start(run_name, project, experiment_id, nested_under, description, user_tags, own_place, end_callback):
    """A new ActiveRun. `own_place`: take the process's place (the trial's run, or its standalone run)."""
    environ = os.environ if own_place else environment_of_own_run()
    if os.environ.get(ENV_PROJECT):
        project = os.environ[ENV_PROJECT]  # a sweep trial's runs, nested ones too, belong to the sweep's project
    tags = default_tags(run_name, nested_under, description, user_tags)
    for key, value in tags.items():  # refused before a run exists, not after
        _names.validate_key("tag", key)
        _names.tag_text(key, value)
    core = _client.Run(name=run_name, project=project, environ=environ, notes=description)
    run = ActiveRun(core, core.project or experiment_id, tags, end_callback)
    if own_place:
        _client.run, _client.config, _client.summary = core, core.config, core.summary
    return run
