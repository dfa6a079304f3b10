"""Versioned artifacts through the `sweep` binary.

log_artifact and use_artifact run `sweep artifact log` / `sweep artifact use`
synchronously, against the store the environment names ($SWEEP_STORE, else
.sweep/sweep.db; inside a sweep the agent sets it, with $SWEEP_BIN and
$SWEEP_ARTIFACT_DIR), so the caller has the version, or the local path,
before it goes on. The binary hashes the files into the content store
(.sweep/artifacts/<sha256>, one copy per content) and records the version,
its producer and its consumers.
"""
import json
import os
import subprocess

from ._channel import ENV_SWEEP_BIN, find_sweep_binary

# Hashing and copying a large checkpoint on a busy machine; far above what it takes.
ARTIFACT_TIMEOUT_S = 600.0


class ArtifactError(RuntimeError):
    """`sweep artifact` refused or failed (unknown artifact, bad name, unreadable store)."""


def _binary(environ):
    binary = find_sweep_binary(environ)
    if binary is None:
        raise ArtifactError("no `sweep` binary: set $%s or put `sweep` on PATH" % ENV_SWEEP_BIN)
    return binary


def _run(argv, environ):
    done = subprocess.run(argv, capture_output=True, text=True, timeout=ARTIFACT_TIMEOUT_S, env=dict(environ))
    if done.returncode != 0:
        message = done.stderr.strip() or "`%s` exited with %d" % (" ".join(argv), done.returncode)
        raise ArtifactError(message.replace("sweep: error: ", "", 1))
    return json.loads(done.stdout)


def can_reach_store(environ):
    """True when a `sweep` binary is there to run (the store itself is checked by the call)."""
    return find_sweep_binary(environ) is not None


def log_version(path, run_id, name=None, type=None, metadata=None, aliases=None, environ=None):  # noqa: A002
    """Store `path` (a file or folder) as the next version of artifact `name` produced by `run_id`.

    Returns the version as `sweep artifact log --json` prints it: "ref"
    ("model:v3"), "version", "digest", "files", "created" (False when the
    files were identical to the latest version, which is then returned).
    """
    environ = os.environ if environ is None else environ
    path = os.path.abspath(str(path))
    if not os.path.exists(path):
        raise FileNotFoundError("log_artifact: no such file or folder: %s" % path)
    argv = [_binary(environ), "artifact", "log", path, "--run", run_id, "--json"]
    if name:
        argv += ["--name", str(name)]
    if type:
        argv += ["--type", str(type)]
    if metadata:
        argv += ["--metadata", json.dumps(metadata, default=str)]
    for alias in aliases or ():
        argv += ["--alias", str(alias)]
    return _run(argv, environ)


def use_version(ref, run_id=None, project=None, environ=None):
    """The version `ref` names ("name", "name:v3", "name:alias"), with "path": a local read-only
    folder holding its files. With `run_id`, the run is recorded as a consumer."""
    environ = os.environ if environ is None else environ
    argv = [_binary(environ), "artifact", "use", str(ref), "--json"]
    if run_id:
        argv += ["--run", run_id]
    if project:
        argv += ["--project", project]
    return _run(argv, environ)
