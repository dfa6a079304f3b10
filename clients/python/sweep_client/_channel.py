"""Where protocol lines go: the sweep's pipe, a `sweep record` process, or nowhere.

Every channel has the same two calls, send(message) and close(). A channel
never raises into the training script: if the reader goes away (the agent
died, `sweep record` crashed) it warns once and becomes a no-op, because a
lost metric stream must not kill a training run.
"""
import json
import os
import select
import shutil
import subprocess
import sys
import threading

from ._encode import encode_line
from ._warn import warn_once

ENV_METRICS_FD = "SWEEP_METRICS_FD"
ENV_SWEEP_BIN = "SWEEP_BIN"
DEFAULT_SWEEP_BIN = "sweep"
# How long finish() waits for `sweep record` to store the stream and exit.
RECORD_EXIT_TIMEOUT_S = 60.0
# How long init() waits for `sweep record` to create the run and print its
# id: opening a store and capturing git facts takes well under a second, but
# a store shared over the network or a loaded machine may take longer.
RECORD_START_TIMEOUT_S = 60.0
# The handshake is one short JSON line; anything longer is not one.
RECORD_HANDSHAKE_MAX_BYTES = 64 * 1024


class RecordRefused(RuntimeError):
    """`sweep record` refused to start the run (W&B's resume rules: resume='must' and no such run,
    resume='never' and the id is taken, an invalid id, a run still being recorded)."""


class NullChannel:
    """Drops everything (no sweep, no `sweep` binary, or a broken stream)."""

    def send(self, message):
        pass

    def close(self):
        pass


class _StreamChannel:
    """Writes lines to a text stream, flushing after each message.

    A lock keeps lines whole when several threads log (a data-loader thread
    and the training loop, say).
    """

    def __init__(self, stream, description):
        self._stream = stream
        self._description = description
        self._broken = False
        self._lock = threading.Lock()

    def send(self, message):
        line = encode_line(message)
        with self._lock:
            self._write(line)

    def _write(self, line):
        if self._broken:
            return
        try:
            self._stream.write(line)
            self._stream.flush()
        except (OSError, ValueError) as error:  # ValueError: write to a closed file
            self._broken = True
            warn_once("broken:" + self._description,
                      "%s is gone (%s); metrics are no longer recorded" % (self._description, error))

    def close(self):
        if self._broken:
            return
        try:
            self._stream.flush()
        except (OSError, ValueError):
            pass


class FdChannel(_StreamChannel):
    """The inherited pipe named by SWEEP_METRICS_FD.

    The descriptor is not closed by us (closefd=False): it belongs to the
    process, and a later init() in the same process writes to it again.
    """

    def __init__(self, fd):
        stream = os.fdopen(fd, "w", encoding="utf-8", closefd=False)
        super().__init__(stream, "the sweep metrics pipe (fd %d)" % fd)


class RecordChannel(_StreamChannel):
    """Standalone tracking: a `sweep record` child process reading our lines on stdin."""

    def __init__(self, process, binary):
        super().__init__(process.stdin, "`%s record`" % binary)
        self._process = process
        self._binary = binary

    def close(self):
        try:
            self._process.stdin.close()
        except OSError:
            pass
        try:
            code = self._process.wait(timeout=RECORD_EXIT_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            warn_once("record-timeout", "`%s record` did not exit within %.0f s; leaving it running"
                      % (self._binary, RECORD_EXIT_TIMEOUT_S))
            return
        if code != 0:
            warn_once("record-exit", "`%s record` exited with status %d; the run may be incomplete"
                      % (self._binary, code))


def metrics_fd_from_env(environ):
    """The SWEEP_METRICS_FD descriptor if set and usable, else None (with a warning when unusable)."""
    raw = environ.get(ENV_METRICS_FD)
    if raw is None or raw == "":
        return None
    try:
        fd = int(raw)
        os.fstat(fd)
    except (ValueError, OSError) as error:
        warn_once("bad-fd", "%s=%r is not an open file descriptor (%s); metrics are not recorded"
                  % (ENV_METRICS_FD, raw, error))
        return -1
    return fd


def find_sweep_binary(environ):
    """Path of the `sweep` executable: $SWEEP_BIN, else `sweep` on PATH; None if neither."""
    explicit = environ.get(ENV_SWEEP_BIN)
    if explicit:
        return shutil.which(explicit)
    return shutil.which(DEFAULT_SWEEP_BIN, path=environ.get("PATH"))


def script_command():
    """The command line that started this interpreter, as the shell gave it."""
    orig = getattr(sys, "orig_argv", None)  # Python 3.10+
    if orig:
        return list(orig)
    return [sys.executable] + list(sys.argv)


def _read_handshake(process, binary):
    """The {"run_id", "run_dir", "project"} line `sweep record` prints once the run exists, or None.

    A run it continued (resume) adds "resumed" and "continued" (what the run
    takes over: step, config, summary, name, tags, notes). When it refuses to
    start the run the line is {"error": why}, raised as RecordRefused.
    """
    ready, _, _ = select.select([process.stdout], [], [], RECORD_START_TIMEOUT_S)
    line = process.stdout.readline(RECORD_HANDSHAKE_MAX_BYTES) if ready else ""
    try:
        info = json.loads(line) if line else None
    except ValueError:
        info = None
    if isinstance(info, dict) and isinstance(info.get("error"), str):
        try:
            process.stdin.close()
            process.wait(timeout=RECORD_EXIT_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired):
            pass
        raise RecordRefused(info["error"])
    if not isinstance(info, dict) or not isinstance(info.get("run_id"), str):
        warn_once("record-handshake", "`%s record` did not report its run id; the run may not be recorded" % binary)
        return None
    return info


def open_record_channel(name, config_json, environ, project=None, run_id=None, chosen_id=None, resume=None):
    """Start `sweep record` for this script; returns (channel, handshake or None).

    `run_id`: record into this open run of a sweep (`sweep record --run ID`)
    instead of a new standalone run. `chosen_id` and `resume` ("allow",
    "must", "never"): W&B's init(id=, resume=), `--id`/`--resume`; raises
    RecordRefused when the recorder refuses them.

    The handshake holds the run's id and folder as the store made them.
    NullChannel (warned once) when no binary can be started.
    """
    binary = find_sweep_binary(environ)
    if binary is None:
        warn_once("no-binary",
                  "not running inside a sweep and no `sweep` binary found ($%s or PATH); "
                  "logging is disabled for this run" % ENV_SWEEP_BIN)
        return NullChannel(), None
    argv = [binary, "record", "--name", name, "--config-json", config_json,
            "--command-json", json.dumps(script_command()), "--pid", str(os.getpid())]
    if project:
        argv += ["--project", project]
    if run_id:
        argv += ["--run", run_id]
    if chosen_id:
        argv += ["--id", chosen_id]
    if resume:
        argv += ["--resume", resume]
    try:
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, encoding="utf-8")
    except OSError as error:
        warn_once("no-binary", "could not start `%s record` (%s); logging is disabled for this run"
                  % (binary, error))
        return NullChannel(), None
    return RecordChannel(process, binary), _read_handshake(process, binary)