"""One-time warnings on stderr.

Training loops call log() thousands of times; a problem worth a warning
(a skipped value, a missing binary) must be said once, not once per step.
"""
import sys

_PREFIX = "sweep_client: "
_already_said = set()


def warn_once(key, message):
    """Print `message` on stderr the first time `key` is seen in this process."""
    if key in _already_said:
        return
    _already_said.add(key)
    sys.stderr.write(_PREFIX + message + "\n")
    sys.stderr.flush()

