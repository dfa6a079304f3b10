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
from ._inputs import input_message
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


# W&B's init(resume=...) values that reach `sweep record` (the wandb module resolves "auto"/True to "allow").
RESUME_MODES = ("allow", "must", "never")


def resume_mode(resume):
    """W&B's init(resume=...): None/False -> None; True and "auto" -> "auto"; "allow"/"must"/"never" as is."""
    if resume is None or resume is False:
        return None
    if resume is True or resume == "auto":
        return "auto"
    if resume in RESUME_MODES:
        return resume
    raise ValueError("resume must be one of True, False, 'auto', %s; got %r"
                     % (", ".join("'%s'" % m for m in RESUME_MODES), resume))


class Run:
    """One run. Create it with sweep_client.init(), not directly."""

    def __init__(self, config=None, name=None, project=None, environ=None, disabled=False, tags=None, notes=None,
                 group=None, job_type=None, id=None, resume=None):
        """`disabled`: record nothing and ignore the sweep (W&B's mode="disabled").

        `name`, `tags` (strings), `notes`, `group` and `job_type` are stored
        with the run as such (W&B's run fields); `project` files a run made
        outside a sweep (default: the working directory's name).

        `id` and `resume` ("allow", "must", "never"; see resume_mode): W&B's
        resume outside a sweep. A run that ended with this id is continued:
        `resumed` is True (when resume was asked), logging goes on after its
        last step, its config is merged under the new one (the new one wins,
        as in W&B), its summary, name, tags and notes are kept unless given.
        resume="must" with no such run, resume="never" with one, raise
        RecordRefused. Inside a sweep both are ignored (the sweep names the run).
        """
        environ = {} if disabled else (os.environ if environ is None else environ)
        defaults = as_plain_dict(config)
        sweep_params = _read_sweep_params(environ)
        fd = _channel.metrics_fd_from_env(environ)
        self.in_sweep = fd is not None
        record_run = None if self.in_sweep else environ.get(ENV_RECORD_RUN)
        self.sweep_id = environ.get(ENV_SWEEP_ID) if self.in_sweep or record_run else None
        self.id = environ.get(ENV_RUN_ID) if self.in_sweep else record_run
        self.resumed = False
        self._continued_step, self._continued_summary = 0, {}  # what a continued run takes over (_take_over)
        self._continued = False
        resume = resume_mode(resume)
        if (id or resume) and (self.in_sweep or record_run):
            warn_once("resume-in-sweep", "init(id=, resume=) is ignored inside a sweep: the sweep names the run")
            id = resume = None
        if resume == "auto":
            resume = "allow"  # sweep_client has no resume file: "auto" continues the run `id` names, if any
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
            self._channel, handshake = _channel.open_record_channel(
                stored_name, encode_json(merged), environ, project=project, run_id=record_run, chosen_id=id,
                resume=resume)
            if handshake is not None:
                self._in_store = True
                self.id = handshake["run_id"]
                self.dir = handshake.get("run_dir") or None
                self.project = handshake.get("project", project)
                if self.dir:
                    self._console = ConsoleCapture(self.dir)
                continued = handshake.get("continued")
                if isinstance(continued, dict):
                    merged = self._take_over(continued, merged, name=name, tags=tags, notes=notes,
                                             resumed=bool(handshake.get("resumed")))
        elif fd < 0:
            self._channel = _channel.NullChannel()
        else:
            self._channel = _channel.FdChannel(fd)
        self.id = self.id or id or uuid.uuid4().hex[:STANDALONE_ID_CHARS]
        self.config = Config(merged, locked_keys=sweep_params.keys(), on_change=self._send_config)
        self.summary = Summary(self._send)
        self.summary._values.update(self._continued_summary)
        self._next_step = self._continued_step
        self._finished = False
        self._finish_hooks = []
        self._exit_hooks = []
        # Tags given to a continued run replace its stored ones, as in W&B's resume.
        self._send_run_info(name=name, tags=tags and self.tags, notes=notes, group=group, job_type=job_type,
                            replace_tags=bool(tags) and self._continued)
        self._described = True
        if defaults or self.resumed:
            self._send_config(self.config.as_dict())

    def _take_over(self, continued, merged, name, tags, notes, resumed):
        """What a continued run keeps (W&B's resume): its step, its config under
        the new one, its summary, and its name, tags and notes unless given. Returns the merged config."""
        self.resumed = resumed
        self._continued = True
        if not resumed:
            warn_once("id-reused", "run %s already exists and resume is not set: continuing it after its last step "
                      "(W&B would overwrite its history; pass resume='allow' to resume it)" % self.id)
        step = continued.get("step")
        self._continued_step = step if isinstance(step, int) and step >= 0 else 0
        summary = continued.get("summary")
        self._continued_summary = summary if isinstance(summary, dict) else {}
        if not name and continued.get("name"):
            self.name = continued["name"]
        if not tags and isinstance(continued.get("tags"), list):
            self.tags = continued["tags"]
        if notes is None and continued.get("notes"):
            self.notes = continued["notes"]
        stored = continued.get("config")
        return deep_merge(stored, merged) if isinstance(stored, dict) else merged

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

    def log_input(self, path=None, name=None, context=None, digest=None, source=None):
        """Record a data version the run reads: a file's or folder's SHA-256 (see _inputs.py), size, file
        count and, for CSV/TSV, rows; `name` defaults to the file name, `context` says what for ("train").

        With `digest` (another tool's, e.g. an MLflow dataset's) nothing is read: the digest and `source`
        (or `path`) are recorded as given. Returns the message sent.
        """
        if digest is None:
            if path is None:
                raise TypeError("log_input needs a path (or a digest)")
            message = input_message(path, name=name, context=context)
        else:
            where = str(source or path or "")
            message = {"t": "input", "name": str(name or os.path.basename(where.rstrip("/")) or "dataset"),
                       "digest": str(digest), "path": where, "context": str(context or "")}
        self._send(message)
        return message

    def add_finish_hook(self, hook):
        """Call `hook()` at the start of finish() (the W&B shim flushes uncommitted data there)."""
        self._finish_hooks.append(hook)

    def add_exit_hook(self, hook):
        """Call `hook(exit_code)` once finish() has sent the finish message (the W&B shim's resume file)."""
        self._exit_hooks.append(hook)

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
        for hook in self._exit_hooks:
            hook(int(exit_code))
