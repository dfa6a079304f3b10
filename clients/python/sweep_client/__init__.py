"""sweep_client: report metrics, summaries and artifacts of a run to Sweep.

    import sweep_client
    run = sweep_client.init(config={"lr": 1e-3, "epochs": 10})
    for epoch in range(run.config.epochs):
        run.log({"loss": train(run.config.lr)})
    run.summary["best_loss"] = best
    run.log_artifact("model.pt")
    run.finish()

Reading results back: `sweep_client.Api` (see _api.py).

Inside a sweep (SWEEP_METRICS_FD set) messages go to the agent's pipe;
outside, to a `sweep record` process (standalone tracking). See
clients/PROTOCOL.md. Standard library only.
"""
import atexit
import sys
import traceback

from ._api import Api, SweepError
from ._artifact_store import ArtifactError
from ._config import Config
from ._run import Run, Summary

__all__ = ["init", "log", "log_artifact", "use_artifact", "finish", "Run", "Config", "Summary", "run", "config",
           "summary", "Api", "SweepError", "ArtifactError"]
# Exit code reported by the atexit finish when the script dies of an uncaught exception.
UNCAUGHT_EXCEPTION_EXIT_CODE = 1

run = None      # the active Run, set by init()
config = None   # run.config of the active run
summary = None  # run.summary of the active run
_uncaught_exception = None  # the last line of the uncaught exception's traceback, once one escaped


def init(config=None, name=None, project=None, tags=None, notes=None):
    """Start a run (or return the active one: one run at a time, as in W&B).

    `name`, `tags` (a list of strings) and `notes` describe the run;
    `project` files a run made outside a sweep (default: the working
    directory's name).
    """
    global run, summary
    if run is not None and not run.finished:
        return run
    run = Run(config=config, name=name, project=project, tags=tags, notes=notes)
    globals()["config"] = run.config
    summary = run.summary
    return run


def _active_run(call):
    if run is None:
        raise RuntimeError("sweep_client.%s() called before sweep_client.init()" % call)
    return run


def log(data, step=None):
    _active_run("log").log(data, step=step)


def log_artifact(path, name=None, type=None, metadata=None, aliases=None):  # noqa: A002 (W&B's name)
    """Store a file or folder as the next version of a named artifact; returns the version (a dict)."""
    return _active_run("log_artifact").log_artifact(path, name=name, type=type, metadata=metadata, aliases=aliases)


def use_artifact(ref):
    """A local read-only path holding artifact version `ref` ("name:latest", "name:v3", "name:ALIAS");
    the active run is recorded as its consumer."""
    return _active_run("use_artifact").use_artifact(ref)


def finish(exit_code=0, reason=None):
    if run is not None:
        run.finish(exit_code, reason=reason)


def _record_uncaught_exception(kind, value, tb):
    global _uncaught_exception
    lines = traceback.format_exception_only(kind, value)
    _uncaught_exception = lines[-1].strip() if lines else kind.__name__
    _previous_excepthook(kind, value, tb)


def _finish_at_exit():
    # The agent knows the real exit status; this only makes the stream end
    # with a finish message and says "failed", and why, when an exception escaped.
    if _uncaught_exception is not None:
        finish(UNCAUGHT_EXCEPTION_EXIT_CODE, reason=_uncaught_exception)
    else:
        finish(0)


_previous_excepthook = sys.excepthook
sys.excepthook = _record_uncaught_exception
atexit.register(_finish_at_exit)
