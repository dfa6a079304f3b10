"""wandb.sdk.wandb_setup: W&B's cross-validation example calls _setup(_reset=True) between runs.

There is no service process to reset here; the call is accepted and does nothing.
"""


def _setup(settings=None, _reset=None, **_ignored):
    return None


def setup(settings=None):
    return None
