"""A tracked run: config, log, summary, artifacts, finish."""
import json
import os
import sys
import time
import uuid

from . import _channel
from . import _artifact_store
from ._artifacts import store_artifact
from ._config import Config, as_plain_dict, deep_merge
from ._console import ConsoleCapture
from ._encode import encode_json, metric_data
from ._mapping import ReadOnlyMapping
from ._warn import warn_once

ENV_SWEEP_ID = "SWEEP_ID"
ENV_RUN_ID = "SWEEP_RUN_ID"
ENV_PARAMS_FILE = "SWEEP_PARAMS_FILE"
ENV_RUN_DIR = "SWEEP_RUN_DIR"
# Set by the wandb module's in-process agent: record into this open run of a
# sweep (`sweep record --run ID`) instead of a new standalone run.
ENV_RECORD_RUN = "SWEEP_RECORD_RUN"
ENV_STORE = "SWEEP_STORE"
# Length of the random id a standalone run gets when no `sweep record` reports
# the store's (no binary, or it failed to start): the run is not recorded then.
STANDALONE_ID_CHARS = 8


class Summary(ReadOnlyMapping):
    """Dict-like final values of a run; every assignment sends a summary message.

    Keys are also attributes, as in W&B: `summary.best = 3` is
    `summary["best"] = 3`.
    """

    def __init__(self, send):
        object.__setattr__(self, "_values", {})
        object.__setattr__(self, "_send", send)

    def __setitem__(self, key, value):
        self.update({key: value})

    def __setattr__(self, key, value):
        if key.startswith("_"):
            object.__setattr__(self, key, value)
        else:
            self.update({key: value})

    def __getattr__(self, key):
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError("summary has no key %r" % key) from None

    def update(self, values):
        values = {str(k): v for k, v in dict(values).items()}
        self._values.update(values)
        self._send({"t": "summary", "data": values})


    def __repr__(self):
        return "Summary(%r)" % (self._values,)


def _read_sweep_params(environ):
    path = environ.get(ENV_PARAMS_FILE)
    if not path:
        return {}
    try:
        with open(path, encoding="utf-8") as handle:
            params = json.load(handle)
    except (OSError, ValueError) as error:
        warn_once("params", "could not read %s=%s (%s); using the defaults" % (ENV_PARAMS_FILE, path, error))
        return {}
    if not isinstance(params, dict):
        warn_once("params", "%s does not hold a JSON object; using the defaults" % ENV_PARAMS_FILE)
        return {}
    return params


def _default_name():
    """The script's name without extension; "run" for `python -c` and the REPL."""
    script = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    if script.startswith("-"):
        return "run"
    return os.path.splitext(script)[0] or "run"


class Run:
    """One run. Create it with sweep_client.init(), not directly."""

    def __init__(self, config=None, name=None, project=None, environ=None, disabled=False, tags=None, notes=None,
                 group=None, job_type=None):
        """`disabled`: record nothing and ignore the sweep (W&B's mode="disabled").

        `name`, `tags` (strings), `notes`, `group` and `job_type` are stored
        with the run as such (W&B's run fields); `project` files a run made
        outside a sweep (default: the working directory's name).
        """
        environ = {} if disabled else (os.environ if environ is None else environ)
        defaults = as_plain_dict(config)
        sweep_params = _read_sweep_params(environ)
        fd = _channel.metrics_fd_from_env(environ)
        self.in_sweep = fd is not None
        record_run = None if self.in_sweep else environ.get(ENV_RECORD_RUN)
        self.sweep_id = environ.get(ENV_SWEEP_ID) if self.in_sweep or record_run else None
        self.id = environ.get(ENV_RUN_ID) if self.in_sweep else record_run
        self.name = name or (self.id if self.in_sweep or record_run else _default_name())
        self.project = project
        self.tags = tuple(str(t) for t in (tags or ()))
        self.notes = notes
        run_dir = environ.get(ENV_RUN_DIR) if self.in_sweep else None
        self.dir = os.path.abspath(run_dir) if run_dir else None
        # Where log_artifact copies files: the sweep's run folder; outside a
        # sweep `sweep record` makes the copy, so the message names the original.
        self._artifact_dir = self.dir
        # Versioned artifacts need the run in a store `sweep artifact` can
        # reach: a sweep's agent names it ($SWEEP_STORE); a standalone run
        # is in it once `sweep record` answered.
        self._environ = environ
        self._in_store = self.in_sweep and fd >= 0 and bool(environ.get(ENV_STORE))
        self._console = None
        merged = deep_merge(defaults, sweep_params)
        if disabled:
            self._channel = _channel.NullChannel()
        elif fd is None:
            # A sweep's run recorded with --run keeps no name unless given one, like a sweep's trials.
            stored_name = self.name if name or not record_run else ""
            self._channel, handshake = _channel.open_record_channel(stored_name, encode_json(merged), environ,
                                                                   project=project, run_id=record_run)
            if handshake is not None:
                self._in_store = True
                self.id = handshake["run_id"]
                self.dir = handshake.get("run_dir") or None
                self.project = handshake.get("project", project)
                if self.dir:
                    self._console = ConsoleCapture(self.dir)
        elif fd < 0:
            self._channel = _channel.NullChannel()
        else:
            self._channel = _channel.FdChannel(fd)
        self.id = self.id or uuid.uuid4().hex[:STANDALONE_ID_CHARS]
        self.config = Config(merged, locked_keys=sweep_params.keys(), on_change=self._send_config)
        self.summary = Summary(self._send)
        self._next_step = 0
        self._finished = False
        self._finish_hooks = []
        self._send_run_info(name=name, tags=self.tags, notes=notes, group=group, job_type=job_type)
        self._described = True
        if defaults:
            self._send_config(self.config.as_dict())

    def _send_run_info(self, **fields):
        """The "run" message (PROTOCOL.md) with the fields that were given, if any."""
        given = {key: value for key, value in fields.items() if value}
        if "tags" in given:
            given["tags"] = list(given["tags"])
        if given:
            self._send(dict({"t": "run"}, **given))

    # Assigning run.name / run.tags / run.notes after init (W&B's Run setters) sends the change as a
    # "run" message. The store only ever adds tags (PROTOCOL.md): a tag dropped from the tuple stays stored.
    _described = False  # set once init sent the run's description: earlier assignments only store

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, value):
        changed = getattr(self, "_name", None) != str(value)
        self._name = str(value)
        if changed and self._described:
            self._send_run_info(name=self._name)

    @property
    def tags(self):
        return self._tags

    @tags.setter
    def tags(self, value):
        tags = tuple(str(t) for t in ([value] if isinstance(value, str) else value or ()))
        previous = getattr(self, "_tags", ())
        self._tags = tags
        if not self._described:
            return
        if set(previous) - set(tags):
            warn_once("tags-removed", "run.tags: removing a tag from a run is not recorded; stored tags stay")
        self._send_run_info(tags=[t for t in tags if t not in previous])

    @property
    def notes(self):
        return self._notes

    @notes.setter
    def notes(self, value):
        changed = getattr(self, "_notes", None) != value
        self._notes = value
        if changed and self._described:
            self._send_run_info(notes=value)

    @property
    def step(self):
        """The step the next log() without an explicit step will use."""
        return self._next_step

    @property
    def finished(self):
        return self._finished

    def _send(self, message):
        if self._finished:
            warn_once("after-finish", "the run has finished; ignoring further %s calls" % message["t"])
            return
        self._channel.send(message)

    def _send_config(self, values):
        self._send({"t": "config", "data": values})

    def log(self, data, step=None, timestamp=None):
        """Record numeric metrics at `step` (default: one past the previous step, from 0).

        `timestamp`: when the values were measured, in Unix seconds (default: now).
        """
        if step is None:
            step = self._next_step
        step = int(step)
        self._next_step = step + 1
        when = time.time() if timestamp is None else float(timestamp)
        self._send({"t": "log", "step": step, "time": when, "data": metric_data(data)})

    def set_tags(self, tags):
        """Set key/value tags on the run ({"key": "value"}; values as strings). Keys Sweep writes
        itself (env.*, gpu.*, sweep.*, summary.*, artifact.*, config, retry_of, attempt) are refused
        by the recorder with a warning (PROTOCOL.md, the "run" message)."""
        tags = {str(k): str(v) for k, v in dict(tags).items()}
        if tags:
            self._send({"t": "run", "set_tags": tags})

    def log_artifact(self, path, name=None, type=None, metadata=None, aliases=None):  # noqa: A002 (W&B's name)
        """Store `path` (a file or folder) as the next version of artifact `name` (default: its
        file name) of this run's project, with `type` and `metadata` (a dict); returns the version
        (a dict: "ref" such as "model:v3", "files", "created"...). Files identical to the latest
        version make no new version. Without a store to reach (a disabled run, a test harness),
        the file is copied into the run folder as save_file does, with a one-time note.
        """
        if self._finished:
            warn_once("after-finish", "the run has finished; ignoring further log_artifact calls")
            return None
        if not self._in_store or not _artifact_store.can_reach_store(self._environ):
            if not os.path.isfile(str(path)):
                raise FileNotFoundError("log_artifact: no such file: %s" % path)
            if self.in_sweep:  # a sweep's channel without a store: an agent from before versions
                warn_once("artifact-unversioned", "no store to reach: log_artifact copies into the run folder, "
                          "without versions")
            return self.save_file(path, name)
        return _artifact_store.log_version(path, self.id, name=name, type=type, metadata=metadata,
                                           aliases=aliases, environ=self._environ)

    def use_artifact(self, ref):
        """A local read-only folder holding the artifact version `ref` names ("dataset:latest",
        "dataset:v3", "dataset:ALIAS"), this run recorded as its consumer."""
        if not self._in_store:
            raise _artifact_store.ArtifactError("use_artifact needs a run recorded in a store "
                                                "(inside a sweep, or with `sweep` on PATH)")
        return _artifact_store.use_version(ref, run_id=self.id, environ=self._environ)["path"]

    def save_file(self, path, name=None):
        """Copy `path` into SWEEP_RUN_DIR/artifacts/ and report its SHA-256 and size; returns the message
        (W&B's wandb.save and media files: run files, not versioned artifacts)."""
        message = store_artifact(path, name, self._artifact_dir)
        self._send(message)
        return message

    def add_finish_hook(self, hook):
        """Call `hook()` at the start of finish() (the W&B shim flushes uncommitted data there)."""
        self._finish_hooks.append(hook)

    def finish(self, exit_code=0, reason=None):
        """Send the finish message and close the channel; later calls do nothing.

        `reason`: why a failed run failed (the client's uncaught-exception
        handler passes the traceback's last line); it becomes the run's
        failure reason.
        """
        if self._finished:
            return
        for hook in self._finish_hooks:
            hook()
        message = {"t": "finish", "exit_code": int(exit_code)}
        if reason:
            message["reason"] = str(reason)
        self._send(message)
        self._finished = True
        if self._console is not None:
            self._console.stop()
            self._console = None
        self._channel.close()
