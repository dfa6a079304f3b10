"""wandb.errors: the exception names scripts catch (W&B's wandb/errors)."""


class Error(Exception):
    """Base of W&B's errors (wandb.Error is this class)."""

    def __init__(self, message="", context=None):
        super().__init__(message)
        self.message = message
        self.context = context


class CommError(Error):
    """W&B: talking to the service failed. Never raised here (there is no service)."""


class UsageError(Error):
    """The API was called wrongly."""


class AuthenticationError(CommError):
    pass


class UnsupportedError(UsageError):
    pass


class WandbCoreNotAvailableError(Error):
    pass
