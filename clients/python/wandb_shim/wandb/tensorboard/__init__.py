"""wandb.tensorboard.patch() and wandb.init(sync_tensorboard=True): TensorBoard scalars become metrics.

W&B patches TensorBoard's writers and uploads what they write. Here the event
files themselves are read when the run finishes: every scalar a script wrote
to a TensorBoard event file (tf.summary.scalar, torch.utils.tensorboard's
add_scalar, tensorboardX) under the watched folder since the run started is
logged as the metric named by its tag, at its step. Reading needs neither
TensorFlow nor protobuf: the file is a TFRecord stream of `Event` protocol
buffers, decoded by _events.py.
"""
import os
import time

from ._events import read_scalars

# Event files carry this in their name (events.out.tfevents.<time>.<host>...).
EVENT_FILE_MARKER = "tfevents"
# A folder tree deeper than this is not a TensorBoard log folder worth walking.
MAX_WALK_DEPTH = 8

_patched = {"root": None, "since": None}


def patch(root_logdir=None, pytorch=None, tensorboard_x=None, save=True):
    """Watch `root_logdir` (default: the working folder) for event files written from now on."""
    _patched["root"] = os.path.abspath(root_logdir or os.getcwd())
    _patched["since"] = time.time()


def unpatch():
    _patched["root"] = None
    _patched["since"] = None


def is_patched():
    return _patched["root"] is not None


def _event_files(root, since):
    root_depth = root.rstrip(os.sep).count(os.sep)
    for folder, subfolders, files in os.walk(root):
        if folder.count(os.sep) - root_depth >= MAX_WALK_DEPTH:
            subfolders[:] = []
        subfolders[:] = [d for d in subfolders if not d.startswith(".") and d != "wandb"]
        for name in sorted(files):
            path = os.path.join(folder, name)
            if EVENT_FILE_MARKER in name and os.path.getmtime(path) >= since - 1:
                yield path


def sync_into(run_core):
    """Log every scalar of the watched event files into `run_core` (a sweep_client.Run)."""
    if not is_patched():
        return 0
    by_step = {}
    for path in _event_files(_patched["root"], _patched["since"]):
        for step, tag, value in read_scalars(path):
            by_step.setdefault(step, {})[tag] = value
    for step in sorted(by_step):
        run_core.log(by_step[step], step=step)
    return len(by_step)
