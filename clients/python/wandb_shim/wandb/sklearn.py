"""wandb.sklearn: W&B's plot_* charts need the W&B service; here each is a no-op with a one-time note."""


def __getattr__(name):
    if name.startswith("plot_"):
        def plot(*args, **kwargs):
            from . import _note_noop
            _note_noop("sklearn." + name)
        return plot
    raise AttributeError("module 'wandb.sklearn' has no attribute %r" % name)
