"""MLflow's run and experiment objects (mlflow/entities): Run(info, data), RunInfo, RunData,
RunStatus, Experiment, Param/Metric/RunTag, ModelVersion, RegisteredModel, ModelInfo."""
import collections

Param = collections.namedtuple("Param", "key value")
RunTag = collections.namedtuple("RunTag", "key value")


class Metric:
    def __init__(self, key, value, timestamp, step):
        self.key, self.value, self.timestamp, self.step = key, value, timestamp, step

    def __repr__(self):
        return "<Metric: key=%r, step=%r, timestamp=%r, value=%r>" % (self.key, self.step, self.timestamp, self.value)


class RunStatus:
    """MLflow's run states. Sweep's map onto them: running RUNNING, pending SCHEDULED, finished
    FINISHED, failed and crashed FAILED, killed KILLED."""
    RUNNING, SCHEDULED, FINISHED, FAILED, KILLED = "RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED"
    _ALL = (RUNNING, SCHEDULED, FINISHED, FAILED, KILLED)

    @staticmethod
    def to_string(status):
        return status

    @staticmethod
    def from_string(status):
        if status not in RunStatus._ALL:
            raise ValueError("%r is not a run status (one of %s)" % (status, ", ".join(RunStatus._ALL)))
        return status

    @staticmethod
    def is_terminated(status):
        return status in (RunStatus.FINISHED, RunStatus.FAILED, RunStatus.KILLED)

    @staticmethod
    def all_status():
        return list(RunStatus._ALL)


class LifecycleStage:
    ACTIVE, DELETED = "active", "deleted"


class ViewType:
    ACTIVE_ONLY, DELETED_ONLY, ALL = 1, 2, 3


class _Record:
    """Attributes from keyword arguments, a readable repr (MLflow's entities print their fields)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)

    def __repr__(self):
        return "<%s: %s>" % (type(self).__name__, ", ".join("%s=%r" % kv for kv in sorted(self.__dict__.items())))

    def __eq__(self, other):
        return type(self) is type(other) and self.__dict__ == other.__dict__


class RunInfo(_Record):
    """run_id (and its old name run_uuid), run_name, experiment_id, user_id, status, start_time,
    end_time (milliseconds), artifact_uri, lifecycle_stage."""

    @property
    def run_uuid(self):
        return self.run_id


class RunData(_Record):
    """params (name -> string, as MLflow stores them), metrics (name -> latest value), tags."""


class RunInputs(_Record):
    """dataset_inputs: the datasets log_input recorded."""


class Run:
    def __init__(self, run_info, run_data, run_inputs=None):
        self.info = run_info
        self.data = run_data
        self.inputs = run_inputs or RunInputs(dataset_inputs=[])

    def to_dictionary(self):
        return {"info": dict(self.info.__dict__), "data": {"params": dict(self.data.params),
                                                           "metrics": dict(self.data.metrics),
                                                           "tags": dict(self.data.tags)}}

    def __repr__(self):
        return "<Run: data=%r, info=%r>" % (self.data, self.info)


class Experiment(_Record):
    """experiment_id (Sweep's project name), name, artifact_location, lifecycle_stage, tags."""


class ModelVersion(_Record):
    """name, version (a string, as MLflow gives it), current_stage, aliases, run_id, source, status."""


class RegisteredModel(_Record):
    """name, latest_versions, aliases."""


class ModelInfo(_Record):
    """What log_model returns: artifact_path, model_uri, run_id, flavors, registered_model_version."""
