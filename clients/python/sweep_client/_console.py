"""Keeping a standalone run's console output in its folder (stdout.log, stderr.log).

Inside a sweep the agent captures the trial's output itself. Outside one,
the client wraps sys.stdout and sys.stderr: everything printed still reaches
the console and is also appended to the run's files, tracebacks included
(Python prints them through sys.stderr). Output written straight to file
descriptors 1 and 2 (child processes, C extensions) is not captured: that
would need the descriptors redirected through a pipe and a thread, which can
lose the last lines when the interpreter dies.
"""
import os
import sys

STDOUT_LOG = "stdout.log"
STDERR_LOG = "stderr.log"


class _Tee:
    """A text stream that writes to `stream` and to a log file; the stream's answer is what counts."""

    def __init__(self, stream, log):
        self._stream = stream
        self._log = log

    def write(self, text):
        written = self._stream.write(text)
        if self._log is not None:
            try:
                self._log.write(text)
            except (OSError, ValueError):  # disk full, closed: the console still works
                self._log = None
        return written

    def flush(self):
        self._stream.flush()
        if self._log is not None:
            try:
                self._log.flush()
            except (OSError, ValueError):
                self._log = None

    def __getattr__(self, name):  # encoding, isatty, fileno, ... of the real stream
        return getattr(self._stream, name)


class ConsoleCapture:
    """Tees sys.stdout/sys.stderr into run_dir until stop()."""

    def __init__(self, run_dir):
        self._saved = (sys.stdout, sys.stderr)
        self._logs = []
        try:
            out = open(os.path.join(run_dir, STDOUT_LOG), "a", encoding="utf-8", errors="replace")
            err = open(os.path.join(run_dir, STDERR_LOG), "a", encoding="utf-8", errors="replace")
        except OSError:
            return  # no capture, never a failure of the script
        self._logs = [out, err]
        sys.stdout = _Tee(sys.stdout, out)
        sys.stderr = _Tee(sys.stderr, err)

    def stop(self):
        if not self._logs:
            return
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        sys.stdout, sys.stderr = self._saved
        for log in self._logs:
            try:
                log.close()
            except OSError:
                pass
        self._logs = []
