"""What stands in for the parts of MLflow this module lacks: no-ops with a one-time note.

`mlflow.anything` (module __getattr__) and `import mlflow.anything.else` (a finder placed last on
sys.meta_path, so real files win) give NoOp objects: every attribute is another NoOp, and calling
one notes once on stderr that it does nothing under Sweep and returns None. A script that calls
`mlflow.xgboost.autolog()` or `mlflow.set_experiment_tag(...)` keeps running.
"""
import importlib.abc
import importlib.machinery
import sys
import types

from sweep_client._warn import warn_once

_PACKAGE = __name__.rsplit(".", 1)[0]


class NoOp:
    def __init__(self, name):
        self._name = name

    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return NoOp(self._name + "." + attribute)

    def __call__(self, *args, **kwargs):
        warn_once("mlflow-noop:" + self._name, "%s is not supported under Sweep and does nothing" % self._name)
        return None

    def __repr__(self):
        return "<%s: not supported under Sweep>" % self._name


class _NoOpModule(types.ModuleType):
    def __getattr__(self, attribute):
        if attribute.startswith("__"):
            raise AttributeError(attribute)
        return NoOp(self.__name__ + "." + attribute)


class _NoOpFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds `mlflow.<x>` submodules no file provides; each becomes a _NoOpModule."""

    def find_spec(self, fullname, path=None, target=None):
        if not fullname.startswith(_PACKAGE + "."):
            return None
        return importlib.machinery.ModuleSpec(fullname, self, is_package=True)

    def create_module(self, spec):
        module = _NoOpModule(spec.name)
        module.__path__ = []
        return module

    def exec_module(self, module):
        pass


if not any(isinstance(finder, _NoOpFinder) for finder in sys.meta_path):
    sys.meta_path.append(_NoOpFinder())
