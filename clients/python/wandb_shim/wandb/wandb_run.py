"""wandb.Run on top of sweep_client.Run: W&B's commit/step semantics and artifacts."""
import glob
import os
import shutil

from sweep_client import _artifact_store
from sweep_client._warn import warn_once

from . import _note_noop
from .artifacts import Artifact, staged_folder
from .errors import Error
from .media import Media, safe_file_part

# define_metric(summary=...) rules W&B applies to a metric's summary value.
_SUMMARY_RULES = ("min", "max", "mean", "last", "best", "copy", "none")
# The artifact type W&B's docs and examples give data sets; using one also records a data version.
_DATASET_TYPE = "dataset"


class Run:
    def __init__(self, core, entity=None, tags=None, notes=None, group=None, job_type=None):
        self._core = core
        self.entity = entity
        # tags and notes live on `core` (init gave them to it; a resumed run keeps its own when none are given).
        self.group = group
        self.job_type = job_type
        self.url = None  # no web UI: runs are inspected with `sweep` commands
        # Data logged with commit=False waits here until the next commit (W&B semantics).
        self._pending = {}
        self._pending_step = None
        self._summary_rules = {}   # metric -> (rule, goal) from define_metric
        self._summary_state = {}   # metric -> (count, running value)
        self._media_dir = None
        self._media_count = 0      # numbers the media files of this run
        self._files_root = None    # init(dir=...): the folder holding wandb/ (default: the working folder)
        core.add_finish_hook(self._commit_pending)

    # Identity and state
    id = property(lambda self: self._core.id)
    resumed = property(lambda self: self._core.resumed)  # init(id=, resume=) continued an ended run
    offline = False
    project = property(lambda self: self._core.project)
    sweep_id = property(lambda self: self._core.sweep_id)
    config = property(lambda self: self._core.config)
    tags = property(lambda self: self._core.tags, lambda self, value: setattr(self._core, "tags", value))
    notes = property(lambda self: self._core.notes, lambda self, value: setattr(self._core, "notes", value))
    summary = property(lambda self: self._core.summary)
    dir = property(lambda self: self._core.dir or os.getcwd())

    @property
    def name(self):
        return self._core.name

    @name.setter
    def name(self, value):
        # sweep_client.Run's setter sends the new name to the store, as
        # W&B's run.name = ... renames the run.
        self._core.name = str(value)

    display_name = name

    @property
    def path(self):
        """W&B's "entity/project/run_id"."""
        return "/".join(str(part) for part in (self.entity or "local", self.project or "uncategorized", self.id))

    def get_url(self):
        return None

    def get_project_url(self):
        """No web UI: None (W&B returns None too when offline)."""
        return None

    def get_sweep_url(self):
        return None

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
        media = {k: v for k, v in data.items() if isinstance(v, Media)}
        if media:
            self._store_media(media, target_step)
        numbers = {k: v for k, v in data.items() if not isinstance(v, Media)}
        self._pending.update(numbers)
        self._apply_summary_rules(numbers)
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

    join = finish

    # Summary rules (define_metric)
    def define_metric(self, name, step_metric=None, step_sync=None, hidden=None, summary=None, goal=None,
                      overwrite=None, **_ignored):
        """summary="max" makes the run's summary of `name` its largest logged value (W&B), so a
        sweep over it ranks runs by that value. Comma lists ("min,max") use the first rule;
        step_metric and glob names are accepted and ignored."""
        rule = (summary or "").split(",")[0].strip().lower()
        if rule and rule not in _SUMMARY_RULES:
            raise ValueError("define_metric: summary must be one of %s, got %r" % (", ".join(_SUMMARY_RULES), summary))
        if rule == "best" and goal not in ("minimize", "maximize"):
            raise ValueError("define_metric: summary='best' needs goal='minimize' or 'maximize'")
        if rule:
            self._summary_rules[name] = (rule, goal)

    def _apply_summary_rules(self, numbers):
        changed = {}
        for key, (rule, goal) in self._summary_rules.items():
            value = numbers.get(key)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or rule in ("last", "copy", "none"):
                continue
            count, current = self._summary_state.get(key, (0, None))
            if rule == "best":
                rule = "min" if goal == "minimize" else "max"
            if current is None:
                new = value
            elif rule == "min":
                new = min(current, value)
            elif rule == "max":
                new = max(current, value)
            else:  # mean
                new = current + (value - current) / (count + 1)
            self._summary_state[key] = (count + 1, new)
            changed[key] = new
        if changed:
            self._core.summary.update(changed)

    # Media
    def _store_media(self, media, step):
        """Write each media value into the run's media folder and record it as an artifact."""
        folder = self._media_folder()
        for key, value in media.items():
            if not value.stored:
                continue
            stem = os.path.join(folder, "%s_%d_%d" % (safe_file_part(key), step, self._media_count))
            self._media_count += 1
            try:
                paths = value._write(stem)
            except (OSError, ValueError) as error:
                warn_once("media:" + str(key), "wandb.log: could not store %s %r: %s" % (type(value).__name__, key,
                                                                                         error))
                continue
            for path in paths:
                self._core.save_file(path, name="media/" + os.path.basename(path))

    def _media_folder(self):
        if self._media_dir is None:
            # W&B keeps media under wandb/run-<id>/files/media; inside a sweep
            # the run folder already is the run's own.
            root = self._files_root or os.getcwd()
            base = self._core.dir or os.path.join(root, "wandb", "run-%s" % self.id, "files")
            self._media_dir = os.path.join(base, "media")
            os.makedirs(self._media_dir, exist_ok=True)
        return self._media_dir

    # Files
    def log_artifact(self, artifact_or_path, name=None, type=None, aliases=None):  # noqa: A002
        """Store the artifact (or a file or folder path) as the next version of its name in this
        run's project; as in W&B a path is named run-<id>-<basename>, of type "unspecified"."""
        artifact = artifact_or_path
        if not isinstance(artifact, Artifact):
            path = str(artifact_or_path)
            artifact = Artifact(name or "run-%s-%s" % (self.id, os.path.basename(os.path.normpath(path))),
                                type or "unspecified")
            if os.path.isdir(path):
                artifact.add_dir(path)
            elif os.path.isfile(path):
                artifact.add_file(path)
            else:
                raise ValueError("path must be a file or directory: %s" % path)
        if not self._core._in_store or not _artifact_store.can_reach_store(self._core._environ):
            # No store to version into (a test harness): the files go to the run folder.
            for entry_name, path in artifact.entries():
                self._core.save_file(path, name="%s/%s" % (artifact.name, entry_name))
            return artifact
        folder = staged_folder(artifact)
        try:
            doc = self._core.log_artifact(folder, name=artifact.name, type=artifact.type,
                                          metadata=artifact.metadata, aliases=aliases)
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        artifact._set_version(doc, run_id=self.id)
        return artifact

    def use_artifact(self, artifact_or_name, type=None, aliases=None, use_as=None):  # noqa: A002
        """The artifact version named "name", "name:v3", "name:alias" (an "entity/project/" prefix
        names the project); this run is recorded as its consumer."""
        if isinstance(artifact_or_name, Artifact):
            artifact_or_name = artifact_or_name.qualified_name
        ref = str(artifact_or_name)
        parts = ref.split("/")
        project = parts[-2] if len(parts) >= 2 else None
        if not self._core._in_store:
            raise Error("use_artifact needs a run recorded in a store (inside a sweep, or with `sweep` on PATH)")
        try:
            doc = _artifact_store.use_version(parts[-1], run_id=self.id, project=project, environ=self._core._environ)
        except _artifact_store.ArtifactError as error:
            raise Error(str(error)) from None
        if type is not None and doc["type"] != type:
            raise ValueError("artifact %s is of type %s, not %s" % (parts[-1], doc["type"], type))
        artifact = Artifact(doc["name"], doc["type"])
        artifact._set_version(doc, run_id=self.id)
        if artifact.type == _DATASET_TYPE and hasattr(self._core, "log_input"):
            # A data version too, so `sweep diff` tells runs that read different versions apart.
            self._core.log_input(name=artifact.name, digest=artifact.digest, source=artifact.qualified_name)
        return artifact

    def save(self, glob_str=None, base_path=None, policy="live"):
        """Store the files matching `glob_str` now (W&B's policies all mean "at some point").

        Without a glob (W&B's cross-validation example calls run.save()) there is nothing to store.
        """
        if glob_str is None:
            return []
        glob_str = str(glob_str)
        saved = []
        for path in sorted(glob.glob(glob_str, recursive=True)):
            if not os.path.isfile(path):
                continue
            relative = os.path.relpath(path, base_path) if base_path else os.path.basename(path)
            self._core.save_file(path, name=relative)
            saved.append(path)
        return saved

    # Service-only features
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
