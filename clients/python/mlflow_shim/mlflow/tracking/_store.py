"""Runs read back from Sweep's store as MLflow sees them (get_run, search_runs).

Reads go through sweep_client.Api (the `sweep` binary's JSON commands), so a SQLite file and a
PostgreSQL store read alike. An experiment is a Sweep project; its id is the project's name.
"""
import json
import os

import sweep_client

from . import _search
from .._names import is_sweep_tag
from ..data import Dataset, DatasetInput
from ..entities import Experiment, LifecycleStage, Run, RunData, RunInfo, RunInputs, RunStatus
from ..exceptions import RESOURCE_DOES_NOT_EXIST, MlflowException

# Sweep's run states as MLflow's (core/trial.cc): a crashed run failed; a stopped one was killed.
_STATUS = {"queued": RunStatus.SCHEDULED, "running": RunStatus.RUNNING, "finished": RunStatus.FINISHED,
           "failed": RunStatus.FAILED, "crashed": RunStatus.FAILED, "killed": RunStatus.KILLED,
           "stopped": RunStatus.KILLED}
_MILLIS_PER_SECOND = 1000
_DEFAULT_PROJECT = "default"  # `sweep record`'s project when the working directory has no name
_INPUT_PREFIX = "input."  # a data version: mlflow.log_input's dataset (or sweep_client's log_input)
_CONTEXT_TAG = "mlflow.data.context"


def _api():
    try:
        return sweep_client.Api()
    except sweep_client.SweepError as error:
        raise MlflowException("cannot read Sweep's store: %s" % error) from None


def default_project():
    """The project `sweep record` files a run under when none is named: the working directory's name."""
    return os.path.basename(os.getcwd()) or _DEFAULT_PROJECT


def experiment(name):
    return Experiment(experiment_id=name, name=name, artifact_location="", lifecycle_stage=LifecycleStage.ACTIVE,
                      tags={})


def _millis(seconds):
    return int(seconds * _MILLIS_PER_SECOND) if seconds else None


def _param_text(value):
    """A stored param as MLflow's string: Python's str of the value the script logged."""
    return str(value)


def _dataset_inputs(raw_tags):
    """The run's data versions as MLflow's dataset inputs (name, digest, source; context as a tag)."""
    inputs = []
    for key, value in sorted(raw_tags.items()):
        if not key.startswith(_INPUT_PREFIX):
            continue
        try:
            version = json.loads(value)
        except ValueError:
            continue
        if not isinstance(version, dict):
            continue
        context = version.get("context")
        inputs.append(DatasetInput(
            dataset=Dataset(key[len(_INPUT_PREFIX):], str(version.get("digest", "")), str(version.get("path", ""))),
            tags={_CONTEXT_TAG: context} if context else {}))
    return inputs


def to_mlflow_run(doc, project):
    """One `sweep show --json` object as an mlflow Run."""
    raw_tags = doc.get("tags") or {}
    tags = {k: v for k, v in raw_tags.items() if not is_sweep_tag(k)}
    if doc.get("name"):
        tags.setdefault("mlflow.runName", doc["name"])
    if doc.get("notes"):
        tags.setdefault("mlflow.note.content", doc["notes"])
    if raw_tags.get("env.git.commit"):
        tags.setdefault("mlflow.source.git.commit", raw_tags["env.git.commit"])
    run_dir = doc.get("run_dir") or ""
    info = RunInfo(run_id=doc["id"], run_name=doc.get("name") or "", experiment_id=project,
                   user_id=tags.get("mlflow.user", ""), status=_STATUS.get(doc.get("state"), RunStatus.FAILED),
                   start_time=_millis(doc.get("started_at") or doc.get("created_at")),
                   end_time=_millis(doc.get("ended_at")),
                   artifact_uri="file://" + os.path.join(run_dir, "artifacts") if run_dir else "",
                   lifecycle_stage=LifecycleStage.ACTIVE)
    data = RunData(params={k: _param_text(v) for k, v in (doc.get("params") or {}).items()},
                   metrics={k: s["last"] for k, s in (doc.get("summary") or {}).items()}, tags=tags)
    return Run(info, data, RunInputs(dataset_inputs=_dataset_inputs(raw_tags)))


def _projects_by_sweep(api):
    return {s.id: s.project for s in api.sweeps()}


def get_run(run_id):
    api = _api()
    try:
        found = api.run(run_id)
    except sweep_client.SweepError as error:
        raise MlflowException("Run '%s' not found: %s" % (run_id, error), RESOURCE_DOES_NOT_EXIST) from None
    return to_mlflow_run(found.raw, _projects_by_sweep(api).get(found.sweep_id, ""))


def search(projects, filter_string, order_by, max_results):
    """Runs of `projects` (None: every project) matching the filter, in MLflow's order."""
    api = _api()
    known = [p.name for p in api.projects()]
    if projects is None:
        projects = known
    runs = []
    for project in projects:
        if project not in known:
            continue  # MLflow returns no runs for an experiment without any
        runs.extend(to_mlflow_run(r.raw, project) for r in api.runs(project))
    return _search.ordered(_search.matching(runs, filter_string), order_by)[:max_results]


def as_frame_if_pandas(runs):
    """MLflow's DataFrame (run_id, experiment_id, status, artifact_uri, start_time, end_time,
    metrics.*, params.*, tags.*) when pandas is installed, else the list itself."""
    try:
        import pandas
    except ImportError:
        return runs
    records = []
    for run in runs:
        record = {"run_id": run.info.run_id, "experiment_id": run.info.experiment_id, "status": run.info.status,
                  "artifact_uri": run.info.artifact_uri,
                  "start_time": pandas.to_datetime(run.info.start_time, unit="ms", utc=True),
                  "end_time": pandas.to_datetime(run.info.end_time, unit="ms", utc=True)}
        record.update({"metrics." + k: v for k, v in sorted(run.data.metrics.items())})
        record.update({"params." + k: v for k, v in sorted(run.data.params.items())})
        record.update({"tags." + k: v for k, v in sorted(run.data.tags.items())})
        records.append(record)
    columns = ["run_id", "experiment_id", "status", "artifact_uri", "start_time", "end_time"]
    if not records:
        return pandas.DataFrame(columns=columns)
    frame = pandas.DataFrame.from_records(records)
    extra = sorted(c for c in frame.columns if c not in columns)
    by_kind = [c for prefix in ("metrics.", "params.", "tags.") for c in extra if c.startswith(prefix)]
    return frame[columns + by_kind]
