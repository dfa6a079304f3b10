"""MLflow's rules for names and values (mlflow/utils/validation.py), checked before anything is sent,
so a script that MLflow would stop is stopped here with the same MlflowException."""
import numbers
import re

from .exceptions import INVALID_PARAMETER_VALUE, MlflowException

# MLflow's limits: every backend stores keys up to 250 characters, param values up to 6000 and tag
# values up to 8000 (validation.py MAX_ENTITY_KEY_LENGTH, MAX_PARAM_VAL_LENGTH, MAX_TAG_VAL_LENGTH).
MAX_KEY_LENGTH = 250
MAX_PARAM_VALUE_LENGTH = 6000
MAX_TAG_VALUE_LENGTH = 8000
# Alphanumerics, underscores, dashes, periods, spaces and slashes (validation.py _VALID_PARAM_AND_METRIC_NAMES).
_VALID_NAME = re.compile(r"^[/\w.\- ]*$")

# Key/value tags Sweep writes itself; the recorder refuses them from a script (PROTOCOL.md, "run").
_SWEEP_TAG_PREFIXES = ("env.", "gpu.", "sweep.", "summary.", "artifact.", "input.")
_SWEEP_TAG_NAMES = ("config", "retry_of", "attempt")


def is_sweep_tag(key):
    """A key/value tag that is Sweep's record of the run (environment, summaries, ...), not a script's."""
    return key.startswith(_SWEEP_TAG_PREFIXES) or key in _SWEEP_TAG_NAMES


def validate_key(kind, key):
    """`kind` is "param", "metric" or "tag"; raises MlflowException for a name MLflow refuses."""
    if key is None or not isinstance(key, str):
        raise MlflowException("Invalid %s name: %r. Names must be strings." % (kind, key), INVALID_PARAMETER_VALUE)
    if not _VALID_NAME.match(key):
        raise MlflowException(
            "Invalid %s name: '%s'. Names may only contain alphanumerics, underscores (_), dashes (-), "
            "periods (.), spaces ( ), and slashes (/)." % (kind, key), INVALID_PARAMETER_VALUE)
    if len(key) > MAX_KEY_LENGTH:
        raise MlflowException("'%s' exceeds the maximum length of %d characters" % (key, MAX_KEY_LENGTH),
                              INVALID_PARAMETER_VALUE)
    parts = key.split("/")
    if key.startswith("/") or ".." in parts or "." in parts:
        raise MlflowException("Invalid %s name: '%s'. Names cannot be absolute paths or contain '.' or '..' "
                              "path components." % (kind, key), INVALID_PARAMETER_VALUE)


def param_text(key, value):
    """The string MLflow stores for a param value (str(value)), within its length limit."""
    text = str(value)
    if len(text) > MAX_PARAM_VALUE_LENGTH:
        raise MlflowException("Param value '%s...' had length %d, which exceeded length limit of %d"
                              % (text[:50], len(text), MAX_PARAM_VALUE_LENGTH), INVALID_PARAMETER_VALUE)
    return text


def tag_text(key, value):
    text = str(value)
    if len(text) > MAX_TAG_VALUE_LENGTH:
        raise MlflowException("Tag value '%s...' had length %d, which exceeded length limit of %d"
                              % (text[:50], len(text), MAX_TAG_VALUE_LENGTH), INVALID_PARAMETER_VALUE)
    if is_sweep_tag(key):
        raise MlflowException("Tag '%s' is written by Sweep itself (the captured environment, summaries, artifacts, "
                              "the configuration); choose another name" % key, INVALID_PARAMETER_VALUE)
    return text


def metric_value(key, value, step):
    """A float, as MLflow accepts it: numbers, numpy and torch scalars (.item()); else MlflowException."""
    if hasattr(value, "item") and not isinstance(value, numbers.Number):
        try:
            value = value.item()
        except (TypeError, ValueError):
            pass
    if not isinstance(value, numbers.Number):
        raise MlflowException("Got invalid value %s for metric '%s' (step=%s). Please specify value as a valid "
                              "double (64-bit floating point)" % (value, key, step), INVALID_PARAMETER_VALUE)
    return float(value)


def step_value(step):
    if step is None:
        return 0  # MLflow: "Defaults to zero if unspecified"
    if isinstance(step, bool) or not isinstance(step, numbers.Integral):
        raise MlflowException("Got invalid step %r. Steps must be integers." % (step,), INVALID_PARAMETER_VALUE)
    return int(step)
