"""A drop-in `mlflow` for scripts run by Sweep: MLflow's tracking calls, no server, Sweep's store.

Put clients/python/mlflow_shim first on PYTHONPATH (sweep run does) and `import mlflow` finds this
module. Runs, params, metrics, tags and artifacts go through sweep_client (clients/PROTOCOL.md):
inside a sweep the first run is the trial's run, outside one a standalone run (`sweep record`);
nested runs are runs of their own with MLflow's parent tag `mlflow.parentRunId`. Semantics follow
MLflow's fluent API (mlflow/tracking/fluent.py): one stack of active runs, log_* start a run when
none is active, a param re-logged with another value raises MlflowException, log_metric's step
defaults to 0. Calls that only matter to an MLflow server are accepted and do nothing, with a
one-time note on stderr; so is any other name MLflow has and this module lacks.
"""
import atexit as _atexit
import os as _os
import sys as _sys

try:
    import sweep_client as _client
except ImportError:  # PYTHONPATH names only the shim: sweep_client sits two folders up.
    _sys.path.append(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
    import sweep_client as _client
from sweep_client._warn import warn_once as _warn_once

# An MLflow version, so that version gates in scripts pass; the suffix says which mlflow this is.
__version__ = "2.16.0+sweep-shim"

from . import _active, _artifact_files, _noop  # noqa: E402
from .entities import Experiment, Run, RunStatus  # noqa: E402,F401
from .exceptions import INVALID_PARAMETER_VALUE, MlflowException  # noqa: E402,F401
from .tracking.client import MlflowClient  # noqa: E402,F401
from .tracking import _store  # noqa: E402
from . import data, pytorch, sklearn  # noqa: E402,F401
from .models import ModelInfo  # noqa: E402,F401

ActiveRun = _active.ActiveRun
_ENV_EXPERIMENT_NAME = "MLFLOW_EXPERIMENT_NAME"
_ENV_RUN_ID = "MLFLOW_RUN_ID"

_active_run_stack = []
_experiment_name = None        # set_experiment's, else $MLFLOW_EXPERIMENT_NAME
_tracking_uri = None
_own_place_taken = False       # the process's first top-level run has started (see _active)
_last_active_run_id = None
_ended_runs = {}               # run id -> ActiveRun this process ended (get_run answers from memory)


def _note(what, detail="is not supported under Sweep and does nothing"):
    _warn_once("mlflow:" + what, "mlflow.%s %s" % (what, detail))


# ---- Tracking URI and experiments ------------------------------------------------------------

def set_tracking_uri(uri):
    """Accepted and remembered; runs still go to Sweep's store ($SWEEP_STORE, else .sweep/sweep.db)."""
    global _tracking_uri
    _tracking_uri = str(uri)
    _note("set_tracking_uri", "(%s): runs go to Sweep's store instead (no tracking server)" % _tracking_uri)


def get_tracking_uri():
    return _tracking_uri or "sweep:" + _os.environ.get("SWEEP_STORE", ".sweep/sweep.db")


def set_registry_uri(uri):
    _note("set_registry_uri", "(%s): models are registered in Sweep's registry instead" % uri)


def get_registry_uri():
    return get_tracking_uri()


def _current_experiment_name():
    return _experiment_name or _os.environ.get(_ENV_EXPERIMENT_NAME)


def set_experiment(experiment_name=None, experiment_id=None):
    """The experiment is Sweep's project: later standalone runs go to it. Inside a sweep the
    trial's runs stay in the sweep's project (noted once)."""
    global _experiment_name
    if (experiment_name is None) == (experiment_id is None):
        raise MlflowException("Must specify exactly one of: `experiment_id` or `experiment_name`.",
                              INVALID_PARAMETER_VALUE)
    name = str(experiment_name if experiment_name is not None else experiment_id)
    _experiment_name = name
    project = _os.environ.get(_active.ENV_PROJECT)
    if project and project != name:
        _note("set_experiment", "(%r): runs of a sweep's trial stay in the sweep's project %r" % (name, project))
    return _store.experiment(project or name)


def create_experiment(name, artifact_location=None, tags=None):
    return name


def get_experiment_by_name(name):
    return _store.experiment(name)


def get_experiment(experiment_id):
    return _store.experiment(experiment_id)


# ---- Runs --------------------------------------------------------------------------------------

def start_run(run_id=None, experiment_id=None, run_name=None, nested=False, parent_run_id=None, tags=None,
              description=None, log_system_metrics=None):
    """Start a run and make it the active one; a context manager that ends it (FAILED on an exception)."""
    global _own_place_taken
    if _active_run_stack and not nested:
        raise Exception("Run with UUID %s is already active. To start a new run, first end the current run with "
                        "mlflow.end_run(). To start a nested run, call start_run with nested=True"
                        % _active_run_stack[0].info.run_id)
    existing = run_id or _os.environ.pop(_ENV_RUN_ID, None)
    if existing:
        raise MlflowException("start_run(run_id=%r): resuming a run is not supported under Sweep; start a new run"
                              % existing, INVALID_PARAMETER_VALUE)
    if log_system_metrics:
        _note("start_run(log_system_metrics=True)", "is not needed: Sweep samples CPU, memory and GPUs itself")
    parent = parent_run_id or (_active_run_stack[-1].info.run_id if _active_run_stack else None)
    experiment = str(experiment_id) if experiment_id is not None else _current_experiment_name()
    own_place = not _own_place_taken and not _active_run_stack
    run = _active.start(run_name, experiment, experiment, parent, description, tags, own_place, _end)
    _own_place_taken = _own_place_taken or own_place
    _active_run_stack.append(run)
    return run


def _end(run, status, reason=None):
    """Ends `run` and every run nested in it that is still active (the context manager's exit)."""
    global _last_active_run_id
    while run in _active_run_stack:
        top = _active_run_stack.pop()
        top.finish(status, reason)
        _last_active_run_id = top.info.run_id
        _ended_runs[top.info.run_id] = top


def end_run(status=RunStatus.FINISHED):
    """End the active run (if any) with `status`: FINISHED, FAILED or KILLED."""
    if _active_run_stack:
        _end(_active_run_stack[-1], RunStatus.from_string(status))


def active_run():
    return _active_run_stack[-1] if _active_run_stack else None


def last_active_run():
    run = active_run()
    if run is not None:
        return run
    return get_run(_last_active_run_id) if _last_active_run_id else None


def _get_or_start_run():
    return _active_run_stack[-1] if _active_run_stack else start_run()


def _run_by_id(run_id):
    """The active run with id `run_id` (a client call naming one this process writes to)."""
    for run in _active_run_stack:
        if run.info.run_id == run_id:
            return run
    raise MlflowException("Run '%s' is not active in this process; under Sweep a script writes only to the runs "
                          "it started" % run_id, INVALID_PARAMETER_VALUE)


def get_run(run_id):
    for run in _active_run_stack:
        if run.info.run_id == run_id:
            return run.snapshot()
    if run_id in _ended_runs:
        return _ended_runs[run_id].snapshot()
    return _store.get_run(run_id)


def get_parent_run(run_id):
    parent = get_run(run_id).data.tags.get(_active.TAG_PARENT_RUN_ID)
    return get_run(parent) if parent else None


def search_runs(experiment_ids=None, filter_string="", run_view_type=None, max_results=100000, order_by=None,
                output_format="pandas", search_all_experiments=False, experiment_names=None):
    """Runs of the experiments (Sweep projects; default: the active one) that match MLflow's filter
    string, ordered by `order_by` (default: newest first). A pandas DataFrame with MLflow's columns
    (run_id, experiment_id, status, ..., metrics.*, params.*, tags.*) when pandas is installed and
    output_format is "pandas", else a list of Run."""
    names = list(experiment_names or []) + [str(e) for e in (experiment_ids or [])]
    if not names and not search_all_experiments:
        names = [_os.environ.get(_active.ENV_PROJECT) or _current_experiment_name() or _store.default_project()]
    runs = _store.search(names or None, filter_string, order_by, max_results)
    if output_format == "list":
        return runs
    return _store.as_frame_if_pandas(runs)


# ---- Logging to the active run -----------------------------------------------------------------

def log_param(key, value, synchronous=None):
    _get_or_start_run().log_params({key: value})
    return value


def log_params(params, synchronous=None, run_id=None):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    run.log_params(dict(params))


def log_metric(key, value, step=None, synchronous=None, timestamp=None, run_id=None, **_ignored):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    run.log_metrics({key: value}, step=step, timestamp=timestamp)


def log_metrics(metrics, step=None, synchronous=None, run_id=None, timestamp=None, **_ignored):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    run.log_metrics(dict(metrics), step=step, timestamp=timestamp)


def set_tag(key, value, synchronous=None):
    _get_or_start_run().set_tags({key: value})


def set_tags(tags, synchronous=None):
    _get_or_start_run().set_tags(dict(tags))


def delete_tag(key):
    _note("delete_tag", "is not supported under Sweep: stored tags stay")


def log_artifact(local_path, artifact_path=None, run_id=None):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    _artifact_files.log_file(run, local_path, artifact_path)


def log_artifacts(local_dir, artifact_path=None, run_id=None):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    _artifact_files.log_dir(run, local_dir, artifact_path)


def log_dict(dictionary, artifact_file, run_id=None):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    _artifact_files.log_dict(run, dictionary, artifact_file)


def log_text(text, artifact_file, run_id=None):
    run = _run_by_id(run_id) if run_id else _get_or_start_run()
    _artifact_files.log_text(run, text, artifact_file)


def log_figure(figure, artifact_file, save_kwargs=None):
    _artifact_files.log_figure(_get_or_start_run(), figure, artifact_file, save_kwargs)


def log_image(image, artifact_file=None, key=None, step=None, timestamp=None, synchronous=None):
    _artifact_files.log_image(_get_or_start_run(), image, artifact_file, key, step)


def log_input(dataset, context=None, tags=None, model=None):
    """Record the dataset the run used (see data.py for where it is kept)."""
    data.record_input(_get_or_start_run(), dataset, context, tags)


def get_artifact_uri(artifact_path=None):
    uri = _get_or_start_run().artifact_uri()
    return uri + "/" + artifact_path if artifact_path else uri


# ---- Models and the registry -------------------------------------------------------------------

def register_model(model_uri, name, await_registration_for=None, tags=None, **_ignored):
    """Register the model a run logged ("runs:/<run_id>/<artifact_path>") as a new version of `name`
    in Sweep's registry (`sweep registry register`); returns the ModelVersion."""
    return MlflowClient()._register(model_uri, name)


# ---- Accepted, recorded nowhere ----------------------------------------------------------------

def autolog(*args, **kwargs):
    _note("autolog", "is not supported under Sweep: log params and metrics with log_param/log_metric")


def enable_system_metrics_logging():
    _note("enable_system_metrics_logging", "is not needed: Sweep samples CPU, memory and GPUs itself")


def disable_system_metrics_logging():
    pass


def login(*args, **kwargs):
    _note("login")


def flush_async_logging():
    pass


def _end_runs_at_exit():
    """MLflow ends the active run at exit; a script that died of an exception ends it FAILED."""
    reason = getattr(_client, "_uncaught_exception", None)
    status = RunStatus.FAILED if reason else RunStatus.FINISHED
    while _active_run_stack:
        _end(_active_run_stack[0], status, reason)


_atexit.register(_end_runs_at_exit)


def __getattr__(name):
    """Anything else MLflow has: a no-op with a one-time note, never an AttributeError."""
    if name.startswith("__"):
        raise AttributeError(name)
    return _noop.NoOp("mlflow." + name)
