"""sweep_client: report metrics, summaries and artifacts of a run to Sweep.

    import sweep_client
    run = sweep_client.init(config={"lr": 1e-3, "epochs": 10})
    for epoch in range(run.config.epochs):
        run.log({"loss": train(run.config.lr)})
    run.summary["best_loss"] = best
    run.log_artifact("model.pt")
    run.log_input("data/train.csv", context="train")  # the data version: SHA-256, size, rows
    run.finish()

Reading results back: `sweep_client.Api` (see _api.py).

Inside a sweep (SWEEP_METRICS_FD set) messages go to the agent's pipe;
outside, to a `sweep record` process (standalone tracking). See
clients/PROTOCOL.md. Standard library only.
"""
import atexit
import builtins
import sys
import traceback

from ._api import Api, SweepError
from ._artifact_store import ArtifactError
from ._channel import RecordRefused
from ._config import Config
from ._run import Run, Summary

__all__ = ["init", "log", "log_artifact", "use_artifact", "log_input", "finish", "Run", "Config", "Summary", "run",
           "config", "summary", "Api", "SweepError", "RecordRefused", "ArtifactError"]
# Exit code reported by the atexit finish when the script dies of an uncaught exception.
UNCAUGHT_EXCEPTION_EXIT_CODE = 1

run = None      # the active Run, set by init()
config = None   # run.config of the active run
summary = None  # run.summary of the active run
_uncaught_exception = None  # the last line of the uncaught exception's traceback, once one escaped
_exit_request = None  # (exit code, reason) of the script's sys.exit()/exit() call, once it made one


def init(config=None, name=None, project=None, tags=None, notes=None, id=None, resume=None):
    """Start a run (or return the active one: one run at a time, as in W&B).

    `name`, `tags` (a list of strings) and `notes` describe the run;
    `project` files a run made outside a sweep (default: the working
    directory's name). `id` and `resume` ("allow", "must", "never"):
    continue the run with that id, as W&B's resume does (see Run).
    """
    global run, summary
    if run is not None and not run.finished:
        return run
    run = Run(config=config, name=name, project=project, tags=tags, notes=notes, id=id, resume=resume)
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


def log_input(path=None, name=None, context=None, digest=None, source=None):
    return _active_run("log_input").log_input(path, name=name, context=context, digest=digest, source=source)


def finish(exit_code=0, reason=None):
    if run is not None:
        run.finish(exit_code, reason=reason)


def _record_uncaught_exception(kind, value, tb):
    global _uncaught_exception
    lines = traceback.format_exception_only(kind, value)
    _uncaught_exception = lines[-1].strip() if lines else kind.__name__
    _previous_excepthook(kind, value, tb)


def exit_status(code):
    """The process exit status and failure reason of sys.exit(code), as W&B's exit hook reads it.

    None is 0; an int is itself; anything else (a message) is 1, the status
    Python exits with after printing it. The reason is None for status 0.
    """
    if code is None:
        return 0, None
    if not isinstance(code, int):
        return 1, "exited with code 1: %s" % code
    status = int(code)  # sys.exit(True) is 1
    return status, (None if status == 0 else "exited with code %d (sys.exit(%d))" % (status, status))


def _exit_hook(original):
    """`original` (sys.exit, or site's exit/quit) that first notes the status for the finish at exit."""
    def hooked(code=None):
        global _exit_request
        _exit_request = exit_status(code)
        original(code)
    hooked.__wrapped__ = original
    hooked.__doc__ = getattr(original, "__doc__", None)
    return hooked


def _finish_at_exit():
    # Inside a sweep the agent knows the real exit status; standalone, this
    # message is all `sweep record` learns: "failed" and why when an exception
    # escaped or the script exited with a non-zero status (sys.exit(n), exit(n)).
    # A bare `raise SystemExit(n)` bypasses both hooks and reads as 0, as in W&B.
    if _uncaught_exception is not None:
        finish(UNCAUGHT_EXCEPTION_EXIT_CODE, reason=_uncaught_exception)
    elif _exit_request is not None:
        finish(_exit_request[0], reason=_exit_request[1])
    else:
        finish(0)


def _install_exit_hooks():
    """W&B's ExitHooks: sys.excepthook and sys.exit, plus the REPL's exit()/quit() that scripts call too."""
    global _previous_excepthook
    _previous_excepthook = sys.excepthook
    sys.excepthook = _record_uncaught_exception
    sys.exit = _exit_hook(sys.exit)
    for name in ("exit", "quit"):
        original = getattr(builtins, name, None)
        if original is not None:
            setattr(builtins, name, _exit_hook(original))
    atexit.register(_finish_at_exit)


_previous_excepthook = None  # set by _install_exit_hooks
_install_exit_hooks()
