"""wandb.Run on top of sweep_client.Run: W&B's commit/step semantics and artifacts."""
import glob
import os

from sweep_client._warn import warn_once

from . import _note_noop
from .artifacts import Artifact
from .media import Media


class Run:
    def __init__(self, core, entity=None, tags=None, notes=None, group=None, job_type=None):
        self._core = core
        self.entity = entity
        self.tags = tuple(tags or ())
        self.notes = notes
        self.group = group
        self.job_type = job_type
        self.url = None  # no web UI: runs are inspected with `sweep` commands
        # Data logged with commit=False waits here until the next commit (W&B semantics).
        self._pending = {}
        self._pending_step = None
        core.add_finish_hook(self._commit_pending)

    # Identity and state
    id = property(lambda self: self._core.id)
    # Assignments reach the store (sweep_client.Run's setters), as W&B's run.name = ... does.
    name = property(lambda self: self._core.name, lambda self, value: setattr(self._core, "name", value))
    project = property(lambda self: self._core.project)
    sweep_id = property(lambda self: self._core.sweep_id)
    config = property(lambda self: self._core.config)
    tags = property(lambda self: self._core.tags, lambda self, value: setattr(self._core, "tags", value))
    notes = property(lambda self: self._core.notes, lambda self, value: setattr(self._core, "notes", value))
    summary = property(lambda self: self._core.summary)
    dir = property(lambda self: self._core.dir or os.getcwd())

    @property
    def step(self):
        return self._core.step

    # Logging
    def log(self, data, step=None, commit=None, sync=None):
        """W&B's rules: commit=False accumulates into the next commit; with an
        explicit step (and commit unset) data accumulates until the step grows;
        a step below the current one is dropped with a warning."""
        if step is not None:
            step = int(step)
            if step < self._core.step:
                warn_once("step-backwards", "wandb.log: step %d is below the current step %d; data dropped"
                          % (step, self._core.step))
                return
            if self._pending and step > self._pending_step:
                self._commit_pending()
        target_step = self._core.step if step is None else step
        self._pending.update({k: v for k, v in data.items() if not isinstance(v, Media)})
        self._pending_step = target_step
        if commit is None:
            commit = step is None
        if commit:
            self._commit_pending()

    def _commit_pending(self):
        if self._pending_step is None:
            return
        data, step = self._pending, self._pending_step
        self._pending, self._pending_step = {}, None
        self._core.log(data, step=step)

    def finish(self, exit_code=None, quiet=None):
        self._core.finish(0 if exit_code is None else exit_code)

    # Files
    def log_artifact(self, artifact_or_path, name=None, type=None, aliases=None):
        """Copy every file of the artifact into the run's artifacts folder as <artifact>/<entry>."""
        artifact = artifact_or_path
        if not isinstance(artifact, Artifact):
            path = str(artifact_or_path)
            artifact = Artifact(name or os.path.basename(path), type or "file")
            artifact.add_file(path)
        for entry_name, path in artifact.entries():
            self._core.log_artifact(path, name="%s/%s" % (artifact.name, entry_name))
        return artifact

    def save(self, glob_str, base_path=None, policy="live"):
        """Store the files matching `glob_str` now (W&B's policies all mean "at some point")."""
        glob_str = str(glob_str)
        saved = []
        for path in sorted(glob.glob(glob_str, recursive=True)):
            if not os.path.isfile(path):
                continue
            relative = os.path.relpath(path, base_path) if base_path else os.path.basename(path)
            self._core.log_artifact(path, name=relative)
            saved.append(path)
        return saved

    # Service-only features
    def define_metric(self, *args, **kwargs):
        _note_noop("define_metric")

    def watch(self, *args, **kwargs):
        _note_noop("watch")

    def alert(self, *args, **kwargs):
        _note_noop("alert")

    def log_code(self, *args, **kwargs):
        _note_noop("log_code")

    # `with wandb.init() as run:` finishes the run, failed if an exception escaped.
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        self.finish(exit_code=0 if kind is None else 1)
        return False
