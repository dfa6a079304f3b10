"""mlflow.pytorch: log_model / save_model / load_model with torch.save (see _flavor.py); torch is
imported when a model is saved or loaded, not before."""
from ._flavor import Flavor


def _save(model, path):
    import torch
    torch.save(model, path)


def _load(path):
    import torch
    return torch.load(path, weights_only=False)  # a whole module this user's own run logged


_FLAVOR = Flavor("pytorch", "model.pth", _save, _load)
log_model, save_model, load_model, autolog = _FLAVOR.log_model, _FLAVOR.save_model, _FLAVOR.load_model, _FLAVOR.autolog
