"""A drop-in `wandb` for scripts run by Sweep: same calls, no network.

Put clients/python/wandb_shim first on PYTHONPATH and `import wandb` finds
this module. Metrics, config, summaries and artifacts go through
sweep_client (see clients/PROTOCOL.md); calls that only matter to the W&B
service (watch, Table, Image, alert, login, ...) are accepted and do
nothing, with a one-time note on stderr.
"""
import json as _json
import os as _os
import sys as _sys

try:
    import sweep_client as _client
except ImportError:  # PYTHONPATH names only the shim: sweep_client sits two folders up.
    _sys.path.append(_os.path.dirname(_os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))))
    import sweep_client as _client
from sweep_client._config import Config as _Config
from sweep_client._run import resume_mode as _resume_mode
from sweep_client._warn import warn_once as _warn_once

# A W&B version, so that the gates real scripts have (`wandb.__version__ >=
# "0.12"`, packaging.version.parse(...) >= ...) pass; the suffix says which
# wandb this is.
__version__ = "0.17.0+sweep-shim"

run = None                # the active Run, as wandb.run
config = _Config()        # wandb.config; replaced by the run's config at init()
summary = None


from .errors import Error  # noqa: E402  W&B's wandb.Error: misuse, e.g. log() before init()


def _note_noop(what):
    _warn_once("noop:" + what, "wandb.%s is not supported under Sweep and does nothing" % what)


def termlog(message="", **_kwargs):
    _sys.stderr.write("wandb: %s\n" % message)


def termwarn(message="", **_kwargs):
    _sys.stderr.write("wandb: WARNING %s\n" % message)


def termerror(message="", **_kwargs):
    _sys.stderr.write("wandb: ERROR %s\n" % message)


from . import errors, tensorboard, util  # noqa: E402,F401
from ._agent import agent, controller, sweep  # noqa: E402,F401
from .artifacts import Artifact  # noqa: E402  (needs the helpers above)
from .apis.public import Api  # noqa: E402  W&B's public read API over the store
from .media import Audio, Histogram, Html, Image, Media, Object3D, Table, Video, plot  # noqa: E402,F401
from .wandb_run import Run  # noqa: E402
from . import sdk  # noqa: E402,F401  (after Run: wandb.sdk.wandb_run re-exports it)

MODE_DISABLED = "disabled"


_agent_run_id = None  # the run wandb.agent claimed for the function it is calling


def _config_from_yaml(path):
    """init(config="config.yaml"): W&B reads the file; `{key: {value: v}}` entries become `key: v`."""
    try:
        import yaml
    except ImportError:
        raise Error("init(config=%r) needs PyYAML to read the file" % path) from None
    with open(path, encoding="utf-8") as handle:
        loaded = yaml.safe_load(handle) or {}
    if not isinstance(loaded, dict):
        raise Error("init(config=%r): the file does not hold a mapping" % path)
    return {k: (v["value"] if isinstance(v, dict) and set(v) - {"desc"} == {"value"} else v)
            for k, v in loaded.items() if k != "wandb_version"}


# W&B's "auto" resume file, under the run's wandb/ folder: the id of the last run that did not finish cleanly.
RESUME_FILE_NAME = "wandb-resume.json"


def _resume_file(root):
    return _os.path.join(root or _os.getcwd(), "wandb", RESUME_FILE_NAME)


def _auto_resume_id(path, id):
    """W&B's "auto" resume: the id saved by a run that did not finish cleanly, unless `id` says otherwise."""
    try:
        with open(path, encoding="utf-8") as handle:
            saved = _json.load(handle)["run_id"]
    except (OSError, ValueError, KeyError, TypeError):
        return id
    if id is None:
        return saved
    if saved != id:
        termwarn("Tried to auto resume run with id %s but id %s is set." % (saved, id))
    return id


def _keep_resume_file(core, path):
    """Save the run's id for the next "auto" resume; drop it when the run finishes with exit code 0 (W&B)."""
    try:
        _os.makedirs(_os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8") as handle:
            _json.dump({"run_id": core.id}, handle)
    except OSError as error:
        _warn_once("resume-file", "could not write %s (%s); resume='auto' will not find this run" % (path, error))
        return

    def forget(exit_code):
        if exit_code == 0 and _os.path.exists(path):
            _os.remove(path)
    core.add_exit_hook(forget)


def _start_core(config, name, project, mode, tags, notes, group, job_type, id, resume, dir):
    """sweep_client's Run for init(), with W&B's id/resume rules (WANDB_RUN_ID, WANDB_RESUME, "auto")."""
    id = id or _os.environ.get("WANDB_RUN_ID") or None
    try:
        resume = _resume_mode(resume if resume is not None else _os.environ.get("WANDB_RESUME"))
    except ValueError as error:
        raise errors.UsageError(str(error)) from None
    resume_path = _resume_file(dir) if resume == "auto" else None
    if resume_path:
        id = _auto_resume_id(resume_path, id)
        resume = "allow"
    try:
        core = _client.Run(config=config, name=name, project=project, disabled=mode == MODE_DISABLED, tags=tags,
                           notes=notes, group=group, job_type=job_type, id=id, resume=resume)
    except _client.RecordRefused as error:
        raise errors.UsageError(str(error)) from None
    if resume_path and not core.in_sweep and mode != MODE_DISABLED:
        _keep_resume_file(core, resume_path)
    return core


def init(project=None, entity=None, name=None, config=None, reinit=None, mode=None, tags=None,
         notes=None, group=None, job_type=None, sync_tensorboard=None, dir=None, id=None, resume=None, **_ignored):
    """Start a run; sweep parameters override and lock the `config` defaults.

    Returns the active run unless reinit is true (then it is finished first).
    mode="disabled" gives a run that records nothing, as in W&B. `id` and
    `resume` (True/"auto", "allow", "must", "never"; or WANDB_RUN_ID and
    WANDB_RESUME) continue an ended standalone run as W&B's resume does
    (sweep_client.Run); a refusal raises wandb.errors.UsageError.
    """
    global run, summary
    if run is not None and not run._core.finished:
        if not reinit and (_agent_run_id is None or run.id == _agent_run_id):
            return run
        run.finish()
    if isinstance(config, str):
        config = _config_from_yaml(config)
    core = _start_core(config, name, project, mode, tags, notes, group, job_type, id, resume, dir)
    run = Run(core, entity=entity, tags=tags, notes=notes, group=group, job_type=job_type)
    run._files_root = dir  # W&B's dir=: where the local wandb/ folder (media files) goes
    if sync_tensorboard and not tensorboard.is_patched():
        tensorboard.patch()
    if tensorboard.is_patched():
        tensorboard.start_live_sync(core)
        core.add_finish_hook(lambda: tensorboard.sync_into(core))
    globals()["config"] = run.config  # the parameter shadows the module attribute
    summary = run.summary
    _client.run, _client.config, _client.summary = core, core.config, core.summary
    return run


def _active(call):
    if run is None:
        raise Error("You must call wandb.init() before wandb.%s()" % call)
    return run


def log(data, step=None, commit=None, sync=None):
    _active("log").log(data, step=step, commit=commit)


def finish(exit_code=None, quiet=None):
    if run is not None:
        run.finish(exit_code=exit_code)


def save(glob_str=None, base_path=None, policy="live"):
    return _active("save").save(glob_str, base_path=base_path, policy=policy)


def log_artifact(artifact_or_path, name=None, type=None, aliases=None):
    return _active("log_artifact").log_artifact(artifact_or_path, name=name, type=type, aliases=aliases)


def define_metric(name, step_metric=None, step_sync=None, hidden=None, summary=None, goal=None, overwrite=None,
                  **_ignored):
    """W&B's summary rule for `name`: "min", "max", "mean", "last", "best" (with goal); other options ignored."""
    return _active("define_metric").define_metric(name, step_metric=step_metric, summary=summary, goal=goal)


def join(exit_code=None):
    """W&B's old name for finish()."""
    finish(exit_code=exit_code)


def watch(*args, **kwargs):
    _note_noop("watch")


def unwatch(*args, **kwargs):
    _note_noop("unwatch")


def alert(*args, **kwargs):
    _note_noop("alert")


def login(*args, **kwargs):
    _note_noop("login")
    return True


def use_artifact(artifact_or_name, type=None, aliases=None, use_as=None):  # noqa: A002 (W&B's name)
    return _active("use_artifact").use_artifact(artifact_or_name, type=type, aliases=aliases, use_as=use_as)


class Settings:
    """Accepts any W&B setting and ignores it."""

    def __init__(self, **kwargs):
        _note_noop("Settings")
        self.__dict__.update(kwargs)


def setup(*args, **kwargs):
    _note_noop("setup")

