"""wandb.tensorboard.patch() and wandb.init(sync_tensorboard=True): TensorBoard scalars become metrics.

W&B patches TensorBoard's writers and uploads what they write. Here the event
files themselves are read while the run runs (a background thread every
LIVE_POLL_INTERVAL_S, so the dashboard and `sweep watch` see the curves grow)
and once more when it finishes: every scalar a script wrote to a TensorBoard
event file (tf.summary.scalar, torch.utils.tensorboard's add_scalar,
tensorboardX) under the watched folder since the run started is logged as
the metric named by its tag, at its step, once (each file is read on from
where the last read stopped). Reading needs neither TensorFlow nor protobuf:
the file is a TFRecord stream of `Event` protocol buffers, decoded by
_events.py.
"""
import os
import threading
import time

from ._events import read_scalars_from

# Seconds between two reads of the event files while the run runs: often
# enough for live curves, rare enough that walking the folder costs nothing.
# SWEEP_TENSORBOARD_POLL_S overrides it (tests use a short one).
LIVE_POLL_INTERVAL_S = 5.0
ENV_POLL_INTERVAL = "SWEEP_TENSORBOARD_POLL_S"
# How long finish waits for the background reader to stop.
STOP_TIMEOUT_S = 30.0

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


_read_lock = threading.Lock()  # one reader at a time: the live thread or finish
_offsets = {}  # event file -> (bytes read so far, its tags' plugins)
_live = {"thread": None, "stop": None}


def _sync_new(run_core):
    """Log the scalars written to the watched event files since the last read; returns the steps logged."""
    with _read_lock:
        if not is_patched():
            return 0
        by_step = {}
        for path in _event_files(_patched["root"], _patched["since"]):
            offset, plugins = _offsets.get(path, (0, {}))
            try:
                scalars, offset = read_scalars_from(path, offset, plugins)
            except OSError:
                continue  # deleted or unreadable meanwhile: tried again next time
            _offsets[path] = (offset, plugins)
            for step, tag, value in scalars:
                by_step.setdefault(step, {})[tag] = value
        for step in sorted(by_step):
            run_core.log(by_step[step], step=step)
        return len(by_step)


def _poll_interval():
    try:
        return max(0.01, float(os.environ.get(ENV_POLL_INTERVAL, LIVE_POLL_INTERVAL_S)))
    except ValueError:
        return LIVE_POLL_INTERVAL_S


def start_live_sync(run_core):
    """Read the watched event files into `run_core` every poll interval until sync_into (finish) stops it."""
    _stop_live_sync()
    stop = threading.Event()
    interval = _poll_interval()

    def poll():
        while not stop.wait(interval):
            _sync_new(run_core)

    thread = threading.Thread(target=poll, name="sweep-tensorboard-sync", daemon=True)
    _live["thread"], _live["stop"] = thread, stop
    thread.start()


def _stop_live_sync():
    thread, stop = _live["thread"], _live["stop"]
    _live["thread"] = _live["stop"] = None
    if thread is not None:
        stop.set()
        thread.join(STOP_TIMEOUT_S)


def sync_into(run_core):
    """Stop the live reader and log what the watched event files got since its last read (at finish)."""
    _stop_live_sync()
    return _sync_new(run_core)
