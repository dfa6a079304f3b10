"""JSON-lines encoding of protocol messages (see clients/PROTOCOL.md).

NaN and infinities are written as the literals NaN, Infinity, -Infinity
(Python's json module does this with allow_nan=True): a diverging loss is
information the sweep must see, not a reason to drop the point.
"""
import json

from ._warn import warn_once


def _fallback(value):
    """Make numpy/torch-like values and other objects serializable."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "__float__"):
        try:
            return float(value)
        except (TypeError, ValueError):
            pass
    return str(value)


def encode_json(value):
    """Compact JSON text of `value`, NaN/Infinity as literals, odd objects made serializable."""
    return json.dumps(value, allow_nan=True, separators=(",", ":"), default=_fallback)


def encode_line(message):
    """One message as one line of JSON, newline included."""
    return encode_json(message) + "\n"


def as_metric(value):
    """A loggable number for `value`, or None when it is not numeric.

    bool becomes 0/1 (it is an int subclass, but say so explicitly); anything
    exposing __float__ (numpy scalars, one-element tensors) is converted.
    """
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (str, bytes)) or not hasattr(value, "__float__"):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number


def metric_data(data, prefix=""):
    """The numeric entries of a log() dict; nested dicts flatten to "a/b" keys.

    Non-numeric values are skipped with a one-time warning per key.
    """
    numbers = {}
    for key, value in data.items():
        name = prefix + str(key)
        if isinstance(value, dict):
            numbers.update(metric_data(value, name + "/"))
            continue
        number = as_metric(value)
        if number is None:
            warn_once("skip:" + name, "log(): skipping non-numeric value for %r (%s)" % (name, type(value).__name__))
            continue
        numbers[name] = number
    return numbers

