"""Keras callbacks: WandbCallback and WandbMetricsLogger log the metrics Keras reports.

They subclass keras.callbacks.Callback when Keras (or tf.keras) is installed,
so model.fit accepts them; without Keras they are plain classes with the same
methods. Model checkpoints and gradient/weight histograms are W&B service
features: WandbModelCheckpoint and the callback's save_model, log_weights,
log_gradients and training/validation data options are accepted and do
nothing (a one-time note says so).
"""


def _callback_base():
    for module in ("keras", "tensorflow.keras", "tf_keras"):
        try:
            return __import__(module, fromlist=["callbacks"]).callbacks.Callback
        except (ImportError, AttributeError):
            continue

    class Callback:
        def __init__(self):
            self.model = None
            self.params = {}

        def set_model(self, model):
            self.model = model

        def set_params(self, params):
            self.params = params

    return Callback


_Base = _callback_base()


def _numbers(logs):
    return {k: float(v) for k, v in (logs or {}).items() if isinstance(v, (int, float)) or hasattr(v, "__float__")}


class WandbMetricsLogger(_Base):
    """Logs "epoch/<metric>" each epoch (log_freq="epoch") or "batch/<metric>" every log_freq batches."""

    def __init__(self, log_freq="epoch", initial_global_step=0, *args, **kwargs):
        super().__init__()
        self.log_freq = log_freq
        self._batches = 0

    def on_epoch_end(self, epoch, logs=None):
        import wandb
        data = {"epoch/" + k: v for k, v in _numbers(logs).items()}
        data["epoch/epoch"] = epoch
        wandb.log(data)

    def on_train_batch_end(self, batch, logs=None):
        if self.log_freq == "epoch" or not isinstance(self.log_freq, int):
            return
        self._batches += 1
        if self._batches % self.log_freq == 0:
            import wandb
            wandb.log({"batch/" + k: v for k, v in _numbers(logs).items()})


class WandbCallback(_Base):
    """W&B's legacy callback: logs the epoch's metrics (and "epoch") at each epoch end, and
    sets summary["best_<monitor>"] when `monitor` improves."""

    def __init__(self, monitor="val_loss", mode="auto", save_model=True, log_weights=False, log_gradients=False,
                 *args, **kwargs):
        super().__init__()
        from ... import _note_noop
        if save_model or log_weights or log_gradients:
            _note_noop("keras.WandbCallback model saving and weight/gradient logging")
        self.monitor = monitor
        self.minimize = mode == "min" or (mode == "auto" and "acc" not in monitor)
        self.best = None

    def on_epoch_end(self, epoch, logs=None):
        import wandb
        numbers = _numbers(logs)
        wandb.log(dict(numbers, epoch=epoch))
        value = numbers.get(self.monitor)
        if value is not None and (self.best is None or (value < self.best if self.minimize else value > self.best)):
            self.best = value
            wandb.run.summary["best_" + self.monitor] = value
            wandb.run.summary["best_epoch"] = epoch


class WandbModelCheckpoint(_Base):
    def __init__(self, *args, **kwargs):
        super().__init__()
        from ... import _note_noop
        _note_noop("keras.WandbModelCheckpoint")
