"""wandb.sweep(config) and wandb.agent(sweep_id, function=train, count=N), in-process.

W&B's notebook pattern: the sweep is created from a dict, then `agent` calls
`train()` once per configuration in this process, each call a run whose
`wandb.init()` sees the sweep's values in `wandb.config`. Here the sweep lives
in the Sweep store: `sweep create` registers it, `sweep ask` claims each
configuration (the optimizer runs in the binary, exactly as for `sweep
agent`), and the call's `wandb.init()` records into that claimed run through
`sweep record --run ID`. A call that raises fails its run with the exception
as the failure reason; the agent then goes on, as W&B's does.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import traceback

from sweep_client import _channel
from sweep_client._run import ENV_PARAMS_FILE, ENV_RECORD_RUN, ENV_RUN_ID, ENV_SWEEP_ID

# W&B's agent stops when this many runs in a row fail at the start
# (WANDB_AGENT_MAX_INITIAL_FAILURES, default 3 in wandb/agents/pyagent.py).
ENV_MAX_INITIAL_FAILURES = "WANDB_AGENT_MAX_INITIAL_FAILURES"
DEFAULT_MAX_INITIAL_FAILURES = 3
# `sweep create` / `sweep ask` are quick store operations; more is a hang.
COMMAND_TIMEOUT_S = 120
# What `sweep ask` says on stderr when the sweep has no configuration left.
_NOTHING_LEFT = re.compile(r"nothing left to ask|sweep \S+ is (finished|stopped|cancelled|failed)")
# Variables that would send the function's runs somewhere else.
_SHADOWED_ENV = ("SWEEP_METRICS_FD", "SWEEP_RUN_DIR")


class AgentError(Exception):
    """The sweep could not be created or asked (W&B raises wandb.errors.UsageError-like errors)."""


def _binary():
    binary = _channel.find_sweep_binary(os.environ)
    if binary is None:
        raise AgentError("wandb.sweep/wandb.agent need the `sweep` binary ($%s or PATH)" % _channel.ENV_SWEEP_BIN)
    return binary


def _run_binary(args):
    process = subprocess.run([_binary()] + args, capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)
    return process.returncode, process.stdout, process.stderr


def sweep(sweep, entity=None, project=None, prior_runs=None):
    """Create a sweep from a W&B sweep config (a dict, or a callable returning one); returns its id."""
    config = sweep() if callable(sweep) else sweep
    if not isinstance(config, dict):
        raise AgentError("wandb.sweep needs the sweep config as a dict, got %s" % type(config).__name__)
    config = dict(config)
    if project and "project" not in config:
        config["project"] = project
    # JSON is YAML: the spec parser reads it, and the store keeps the text.
    handle, path = tempfile.mkstemp(prefix="wandb_sweep_", suffix=".yaml")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(config, out, indent=1)
        code, stdout, stderr = _run_binary(["create", path])
    finally:
        os.unlink(path)
    if code != 0:
        raise AgentError("the sweep config was refused:\n" + stderr.strip())
    sweep_id = stdout.strip()
    sys.stderr.write("wandb: Created sweep with ID: %s\n" % sweep_id)
    return sweep_id


def _ask(sweep_id):
    """The next claimed run as {"run_id", "config", ...}, or None when the sweep has nothing left."""
    code, stdout, stderr = _run_binary(["ask", sweep_id])
    if code != 0:
        if _NOTHING_LEFT.search(stderr):
            return None
        raise AgentError("`sweep ask %s` failed:\n%s" % (sweep_id, stderr.strip()))
    return json.loads(stdout.strip().splitlines()[-1])


class _RunEnvironment:
    """os.environ as the function's wandb.init() must see it for one claimed run."""

    def __init__(self, claimed):
        handle, self._params_path = tempfile.mkstemp(prefix="wandb_agent_params_", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(claimed["config"], out)
        self._values = {ENV_RECORD_RUN: claimed["run_id"], ENV_RUN_ID: claimed["run_id"],
                        ENV_SWEEP_ID: claimed["sweep_id"], ENV_PARAMS_FILE: self._params_path}
        self._saved = {}

    def __enter__(self):
        for key in list(self._values) + list(_SHADOWED_ENV):
            self._saved[key] = os.environ.get(key)
        for key in _SHADOWED_ENV:
            os.environ.pop(key, None)
        os.environ.update(self._values)
        return self

    def __exit__(self, *exc):
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        os.unlink(self._params_path)
        return False


def _finish_unstarted(claimed, reason):
    """Close a claimed run the function never init()-ed, as failed with `reason`."""
    import sweep_client
    with _RunEnvironment(claimed):
        core = sweep_client.Run(name=claimed["run_id"])
        core.finish(1, reason=reason)


def _call(wandb, function, claimed):
    """Runs one call of `function` for the claimed run; True when it succeeded."""
    error = None
    with _RunEnvironment(claimed):
        wandb._agent_run_id = claimed["run_id"]
        try:
            function()
        except Exception as exc:  # the function's failure is the run's, not the agent's
            error = "%s: %s" % (type(exc).__name__, exc)
            traceback.print_exc()
        finally:
            wandb._agent_run_id = None
        run = wandb.run
        started = run is not None and run.id == claimed["run_id"]
        if started and not run._core.finished:
            run._core.finish(1 if error else 0, reason=error)
    if not started:
        _finish_unstarted(claimed, error or "the function returned without calling wandb.init()")
        return False
    return error is None


def agent(sweep_id, function=None, entity=None, project=None, count=None):
    """Run `function` once per configuration of sweep `sweep_id` until `count` runs or the sweep ends."""
    import wandb
    if function is None:
        raise AgentError("wandb.agent runs a function in this process: pass function=...; "
                         "to launch the spec's program use `sweep agent %s`" % sweep_id)
    sweep_id = str(sweep_id).split("/")[-1]  # "entity/project/id" -> "id"
    max_initial_failures = int(os.environ.get(ENV_MAX_INITIAL_FAILURES, DEFAULT_MAX_INITIAL_FAILURES))
    done = 0
    failures_in_a_row = 0
    while count is None or done < int(count):
        claimed = _ask(sweep_id)
        if claimed is None:
            break
        sys.stderr.write("wandb: Agent Starting Run: %s with config: %s\n" % (claimed["run_id"], claimed["config"]))
        ok = _call(wandb, function, claimed)
        done += 1
        failures_in_a_row = 0 if ok else failures_in_a_row + 1
        if failures_in_a_row >= max_initial_failures and failures_in_a_row == done:
            sys.stderr.write("wandb: ERROR Detected %d failed runs in a row at start, killing sweep.\n"
                             "wandb: To change this value set %s=val\n" % (failures_in_a_row, ENV_MAX_INITIAL_FAILURES))
            break


def controller(sweep_id=None, entity=None, project=None):
    """W&B's local controller: Sweep's optimizer already runs in `sweep ask`."""
    from . import _note_noop
    _note_noop("controller (the sweep's optimizer runs in the `sweep` binary)")
