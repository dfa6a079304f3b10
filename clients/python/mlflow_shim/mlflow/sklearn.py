"""mlflow.sklearn: log_model / save_model / load_model with pickle (see _flavor.py)."""
import pickle

from ._flavor import Flavor


def _save(model, path):
    with open(path, "wb") as handle:
        pickle.dump(model, handle)


def _load(path):
    with open(path, "rb") as handle:
        return pickle.load(handle)  # a model this user's own run logged


_FLAVOR = Flavor("sklearn", "model.pkl", _save, _load)
log_model, save_model, load_model, autolog = _FLAVOR.log_model, _FLAVOR.save_model, _FLAVOR.load_model, _FLAVOR.autolog
