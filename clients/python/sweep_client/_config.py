"""The run's configuration: defaults from init(config=...) under the sweep's values.

Keys the sweep supplied are locked: the sweep chose them, so a script that
later assigns its own default (`config.lr = 0.1`) must not silently run a
different trial than the one recorded. Such assignments are ignored with a
one-time warning, which is what W&B does too.
"""
import copy

from ._mapping import ReadOnlyMapping
from ._warn import warn_once


def deep_merge(base, override):
    """A copy of `base` with `override` merged in; nested dicts merge key by key."""
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


def as_plain_dict(config):
    """Accept a dict, an argparse.Namespace or any object with __dict__ (as W&B does)."""
    if config is None:
        return {}
    if isinstance(config, dict):
        return dict(config)
    if isinstance(config, Config):
        return config.as_dict()
    if hasattr(config, "__dict__"):
        return {k: v for k, v in vars(config).items() if not k.startswith("_")}
    raise TypeError("config must be a dict or an object with attributes, not %s" % type(config).__name__)


class Config(ReadOnlyMapping):
    """Attribute and item access over a nested dict; sweep keys are read-only.

    `on_change(full_dict)` is called after every effective change, so the
    run can report the new configuration.
    """

    def __init__(self, values=None, locked_keys=(), on_change=None):
        object.__setattr__(self, "_values", dict(values or {}))
        # W&B's Config keeps its values in `_items`, and real scripts read
        # vars(wandb.config)["_items"] (YOLOv5's sweep): the same dict.
        object.__setattr__(self, "_items", self._values)
        object.__setattr__(self, "_locked", frozenset(locked_keys))
        object.__setattr__(self, "_on_change", on_change)

    # Reading
    def __getattr__(self, key):
        try:
            return self._values[key]
        except KeyError:
            raise AttributeError("config has no key %r" % key) from None

    def as_dict(self):
        return copy.deepcopy(self._values)

    def is_locked(self, key):
        return key in self._locked

    def __repr__(self):
        return "Config(%r)" % (self._values,)

    # Writing
    def __setattr__(self, key, value):
        self.update({key: value})

    def __setitem__(self, key, value):
        self.update({key: value})

    def update(self, values, allow_val_change=True):
        """Set non-locked keys; locked ones keep the sweep's value (warned once per key).

        allow_val_change is accepted for W&B compatibility; values may always change.
        """
        changed = False
        for key, value in as_plain_dict(values).items():
            if key in self._locked:
                if self._values.get(key) != value:
                    warn_once("locked:" + str(key), "config key %r was set by the sweep; ignoring the new value %r"
                              % (key, value))
                continue
            if key not in self._values or self._values[key] != value:
                self._values[key] = copy.deepcopy(value)
                changed = True
        if changed and self._on_change is not None:
            self._on_change(self.as_dict())

    def setdefaults(self, values):
        """Set only the keys not present yet."""
        self.update({k: v for k, v in as_plain_dict(values).items() if k not in self._values})
