"""wandb.Api(): W&B's public read API over the Sweep store.

    api = wandb.Api()
    runs = api.runs("my-entity/vision", filters={"config.lr": {"$gt": 0.01}}, order="-summary_metrics.acc")
    run = api.run("vision/3f2a9c1b"); run.config, run.summary["loss"], run.history(keys=["loss"])
    sweep = api.sweep("my-entity/vision/ab12cd34"); sweep.best_run().name

Built on sweep_client.Api, which reads through the `sweep` binary's --json
commands ($SWEEP_BIN or `sweep` on PATH; the store is $SWEEP_STORE or
.sweep/sweep.db). Paths follow W&B ("entity/project/run_id", with an
optional "runs/" or "sweeps/" segment); the entity is ignored, there being
one store. Filters (W&B's MongoDB-style documents) and order are evaluated
in Python on the runs read (see _filters.py), per_page is accepted and has
no effect: every run is read at once.
"""
import datetime
import os

from sweep_client._api import Api as _StoreApi
from sweep_client._warn import warn_once
from sweep_client._api import SweepError  # noqa: F401  (raised for unknown runs and sweeps)

from ._filters import MISSING, FilterError, best_run_order, field_value, run_matches, sort_runs  # noqa: F401

# W&B's default order: oldest run first.
DEFAULT_ORDER = "+created_at"
# W&B's default number of history rows history() samples down to.
DEFAULT_HISTORY_SAMPLES = 500
# The method of the group the store files a project's standalone runs in.
STANDALONE_METHOD = "manual"
_GROUP_TAG = "group"
_JOB_TYPE_TAG = "job_type"


def _path_parts(path, segment):
    """"entity/project/runs/id" -> ["entity", "project", "id"] (the W&B segment "runs"/"sweeps" dropped)."""
    parts = [part for part in str(path).strip("/").split("/") if part]
    if len(parts) >= 2 and parts[-2] == segment:
        del parts[-2]
    if not parts:
        raise ValueError("empty path %r" % (path,))
    return parts


def _nested(flat):
    """{"optimizer.lr": 0.1} -> {"optimizer": {"lr": 0.1}}: W&B's run.config keeps the script's nesting."""
    nested = {}
    for key, value in flat.items():
        parts = str(key).split(".")
        current = nested
        for part in parts[:-1]:
            child = current.get(part)
            if not isinstance(child, dict):
                child = current[part] = {}
            current = child
        current[parts[-1]] = value
    return nested


def _iso_utc(unix_seconds):
    """W&B's timestamp strings ("2024-05-01T12:30:00", UTC): created_at compares and parses as there."""
    if unix_seconds is None:
        return None
    moment = datetime.datetime.fromtimestamp(float(unix_seconds), tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S")


def _wants_pandas(pandas):
    if not pandas:
        return None
    try:
        import pandas as module  # noqa: PLC0415 (optional dependency)
    except ImportError:
        print("Unable to load pandas, call history with pandas=False")  # W&B's message, and a list
        return None
    return module


def _sample(rows, samples):
    """At most `samples` rows, evenly spaced, first and last kept (W&B samples on its server)."""
    if samples is None or len(rows) <= samples:
        return rows
    if samples <= 1:
        return rows[:max(samples, 0)]
    last = len(rows) - 1
    return [rows[round(i * last / (samples - 1))] for i in range(samples)]


class Run:
    """One run as W&B's public API shows it: id, name, state, config, summary, tags, notes, group,
    job_type, sweep, history(), scan_history(). `.store_run` is the sweep_client.Run behind it."""

    def __init__(self, store_run, api):
        self.store_run = store_run
        self._api = api
        self.id = store_run.id
        self.name = store_run.name or store_run.id
        self.display_name = self.name
        self.state = store_run.state
        self.config = _nested(store_run.params)
        self.summary = dict(store_run.summary)
        self.tags = list(store_run.tags)
        self.notes = store_run.notes or None
        self.group = store_run.metadata.get(_GROUP_TAG)
        self.job_type = store_run.metadata.get(_JOB_TYPE_TAG)
        self.sweep_id = store_run.sweep_id
        self.project = store_run.raw.get("project")
        self.entity = None
        self.created_at = _iso_utc(store_run.created_at)
        self.url = None  # no web service: `sweep show <id>` prints a run
        self.path = [self.entity or "local", self.project or "uncategorized", self.id]

    def update(self):
        """W&B's Run.update(): stores a changed name, tags (added and removed) and notes, through
        `sweep rename`, `sweep tag` and `sweep note`. Config and summary of a stored run stay as recorded."""
        stored = self._api._store.run(self.id)
        store = self._api._store
        if self.name != (stored.name or stored.id):
            store._run(["rename", self.id, str(self.name)])
        tags = [str(t) for t in self.tags]
        changes = ["+" + t for t in tags if t not in stored.tags] + ["-" + t for t in stored.tags if t not in tags]
        if changes:
            store._run(["tag", self.id] + changes)
        if (self.notes or "") != stored.notes:
            store._run(["note", self.id, self.notes or ""])
        if self.config != _nested(stored.params) or self.summary != stored.summary:
            warn_once("api-update", "wandb.Api: Run.update() stores name, tags and notes; config and summary "
                      "changes of a recorded run are not stored")

    @property
    def summary_metrics(self):
        return self.summary

    @property
    def sweep(self):
        """The Sweep this run belongs to, None for a run made outside a sweep."""
        if not self.sweep_id:
            return None
        sweep = self._api.sweep(self.sweep_id)
        # Standalone runs are filed in a per-project group of method "manual": no sweep in W&B's sense.
        return None if sweep.config["method"] == STANDALONE_METHOD else sweep

    @property
    def lastHistoryStep(self):  # noqa: N802 (W&B's name)
        rows = self._rows()
        return rows[-1]["_step"] if rows else -1

    def _rows(self):
        """Every history row, by step: {"_step", "_timestamp", "_runtime", metric: value, ...}."""
        rows = {}
        for point in self._api._store._history_points(self.id):
            step = point["step"]
            row = rows.setdefault(step, {"_step": step})
            row[point["key"]] = point["value"]
            row["_timestamp"] = max(row.get("_timestamp", point["time"]), point["time"])
        started = self.store_run.started_at
        if started is not None:
            for row in rows.values():
                row["_runtime"] = max(0.0, row["_timestamp"] - float(started))  # seconds since the run started
        return [rows[step] for step in sorted(rows)]

    def history(self, samples=DEFAULT_HISTORY_SAMPLES, keys=None, x_axis="_step", pandas=True, stream="default"):
        """Sampled history: a pandas DataFrame when pandas=True and pandas is installed, else a list of
        dicts. With `keys`: only rows that have every key, holding those keys and `x_axis`."""
        if keys is not None and not isinstance(keys, list):
            raise ValueError("keys must be specified in a list")
        if stream != "default":
            return []  # W&B's "system" stream: no machine metrics are recorded per run here
        rows = self._rows()
        if keys:
            wanted = [x_axis] + [k for k in keys if k != x_axis]  # W&B asks its server for [x_axis] + keys
            rows = [{k: row[k] for k in wanted} for row in rows if all(k in row for k in wanted)]
        rows = _sample(rows, samples)
        module = _wants_pandas(pandas)
        return module.DataFrame.from_records(rows) if module is not None else rows

    def scan_history(self, keys=None, page_size=1000, min_step=None, max_step=None):
        """Every history row (dicts) with min_step <= _step < max_step; with `keys`, only rows having
        all of them, holding those keys."""
        if keys is not None and not isinstance(keys, list):
            raise ValueError("keys must be specified in a list")
        for row in self._rows():
            if min_step is not None and row["_step"] < min_step:
                continue
            if max_step is not None and row["_step"] >= max_step:
                break
            if keys:
                if not all(k in row for k in keys):
                    continue
                row = {k: row[k] for k in keys}
            yield row

    def __repr__(self):
        return "<Run %s (%s)>" % ("/".join(self.path), self.state)


class Runs(list):
    """The runs api.runs() found, in order (W&B's paginated Runs; here all are read at once)."""

    def __init__(self, runs, path=None, filters=None, order=None):
        super().__init__(runs)
        self.path = path
        self.filters = filters
        self.order = order

    def histories(self, samples=DEFAULT_HISTORY_SAMPLES, keys=None, x_axis="_step", format="default"):  # noqa: A002
        """Every run's history as one list of dicts (W&B's format="default"), each row with its run_id."""
        rows = []
        for run in self:
            for row in run.history(samples=samples, keys=keys, x_axis=x_axis, pandas=False):
                rows.append(dict(row, run_id=run.id))
        if format == "pandas":
            module = _wants_pandas(True)
            if module is not None:
                return module.DataFrame.from_records(rows)
        return rows


class Sweep:
    """A sweep: id, name, state, config (method and metric; the spec's parameters are not in the
    store's JSON), runs, best_run(order=)."""

    def __init__(self, store_sweep, api):
        self._store_sweep = store_sweep
        self._api = api
        self.id = store_sweep.id
        self.name = store_sweep.name or store_sweep.id
        self.state = store_sweep.state
        self.project = store_sweep.project
        self.entity = None
        self.url = None
        self.config = {"method": store_sweep.method}
        if store_sweep.name:
            self.config["name"] = store_sweep.name
        if store_sweep.metric:
            self.config["metric"] = {"name": store_sweep.metric, "goal": store_sweep.goal or "minimize"}
        self._runs = None

    @property
    def runs(self):
        if self._runs is None:
            self._runs = Runs((Run(r, self._api) for r in self._api._store.runs(self.id)), path=self.id)
        return self._runs

    @property
    def order(self):
        """W&B's order for best_run: the sweep metric, best first ("-summary_metrics.acc" to maximize)."""
        metric = self.config.get("metric")
        if not metric:
            return None
        sign = "-" if metric.get("goal") == "maximize" else "+"
        return sign + "summary_metrics." + metric["name"]

    def best_run(self, order=None):
        """The run with the best sweep metric, or the first by `order` ("loss" means
        "-summary_metrics.loss", as in W&B); without either the newest run. None when no run has it."""
        order = best_run_order(order) if order else self.order  # None: W&B warns and takes the newest
        if order is None:
            return sort_runs(self.runs, "-created_at")[0] if self.runs else None
        key = order.lstrip("+-")
        ranked = [r for r in sort_runs(self.runs, order) if field_value(r, key) not in (MISSING, None)]
        return ranked[0] if ranked else None

    def __repr__(self):
        return "<Sweep %s (%s)>" % (self.id, self.state)


class Project:
    """A project: `.name`, `.sweeps()` (its sweeps; standalone runs' groups left out), `.runs_count`."""

    def __init__(self, store_project, api):
        self._api = api
        self.name = store_project.name
        self.entity = None
        self.runs_count = store_project.runs
        self.url = None

    def sweeps(self):
        return [Sweep(s, self._api) for s in self._api._store.sweeps(project=self.name)
                if s.method != STANDALONE_METHOD]

    def __repr__(self):
        return "<Project %s>" % self.name


class Api:
    """W&B's wandb.Api(overrides=, timeout=, api_key=): the arguments are accepted and, apart from
    overrides' "project" (the default for runs()), ignored. `store` and `binary` select the store and
    the `sweep` executable (sweep_client.Api's arguments)."""

    def __init__(self, overrides=None, timeout=None, api_key=None, store=None, binary=None):
        self.settings = dict(overrides or {})
        self._store = _StoreApi(store=store, binary=binary)

    @property
    def default_project(self):
        return self.settings.get("project") or os.environ.get("WANDB_PROJECT")

    def runs(self, path=None, filters=None, order=DEFAULT_ORDER, per_page=50, include_sweeps=True):
        """The runs of a project ("entity/project" or "project"), or of a sweep id, that match
        `filters`, ordered by `order` ("+created_at", "-summary_metrics.loss", "+config.lr")."""
        if path is None:
            path = self.default_project
            if not path:
                raise ValueError("api.runs() needs a path (\"entity/project\"), or WANDB_PROJECT set")
        target = _path_parts(path, "runs")[-1]
        found = [Run(r, self) for r in self._store.runs(target)]
        if not include_sweeps:  # only runs made outside a sweep (filed in their project's "manual" group)
            groups = {s.id for s in self._store.sweeps() if s.method == STANDALONE_METHOD}
            found = [r for r in found if not r.sweep_id or r.sweep_id in groups]
        matching = [r for r in found if run_matches(r, filters)]
        return Runs(sort_runs(matching, order), path=path, filters=filters, order=order)

    def run(self, path):
        """One run: "entity/project/run_id", "project/run_id", "entity/project/runs/run_id" or the id."""
        return Run(self._store.run(_path_parts(path, "runs")[-1]), self)

    def sweep(self, path):
        """One sweep: "entity/project/sweep_id", "project/sweep_id" or the id (or a unique prefix)."""
        wanted = _path_parts(path, "sweeps")[-1]
        sweeps = self._store.sweeps()
        exact = [s for s in sweeps if s.id == wanted]
        matches = exact or [s for s in sweeps if s.id.startswith(wanted)]
        if len(matches) != 1:
            raise SweepError("no sweep %r" % (wanted,) if not matches else "sweep %r is ambiguous" % (wanted,))
        return Sweep(matches[0], self)

    def projects(self, entity=None, per_page=200):
        return [Project(p, self) for p in self._store.projects()]

    def project(self, name, entity=None):
        """The project `name` ("entity/project" accepted); SweepError when the store has none of that name."""
        wanted = _path_parts(name, "projects")[-1]
        for project in self._store.projects():
            if project.name == wanted:
                return Project(project, self)
        raise SweepError("no project %r" % (wanted,))

    def flush(self):
        """W&B clears its cache; every call here reads the store afresh."""
