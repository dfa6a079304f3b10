"""Reading results back: projects, sweeps, runs and metric histories.

    from sweep_client import Api
    api = Api()                                   # the default store (.sweep/sweep.db or $SWEEP_STORE)
    runs = api.runs("vision", filter="metric.loss < 0.5", order="-metric.acc")
    best = runs[0]
    best.id, best.name, best.state, best.params, best.summary, best.tags, best.notes, best.env
    runs.to_pandas()                              # one row per run: param.*, metric.* columns
    best.history(keys=["loss"]).to_pandas()       # rows = steps, one column per metric

Everything is read through the `sweep` binary's JSON commands (`sweep
projects/sweeps/runs/show --json`, `sweep history --format jsonl`), so the
same code reads a SQLite file or a PostgreSQL store and never depends on
the store's schema. Standard library only; `to_pandas()` imports pandas
when called and says so when it is not installed.
"""
import json
import os
import subprocess

from ._channel import ENV_SWEEP_BIN, find_sweep_binary

# A read of a large store on a busy machine; far above what a read takes.
READ_TIMEOUT_S = 300.0
# Key/value tag prefixes of the captured environment (README "Using it").
_ENV_PREFIXES = ("env.", "gpu.")
_SUMMARY_PREFIX = "summary."
_INPUT_PREFIX = "input."  # data versions (run.log_input, a spec's inputs:)


class SweepError(RuntimeError):
    """A `sweep` command failed: unknown sweep or run, bad filter, unreadable store."""


def _pandas(what):
    try:
        import pandas  # noqa: PLC0415 (optional dependency, imported on use)
    except ImportError as error:
        raise ImportError("%s.to_pandas() needs pandas (pip install pandas, or Debian's python3-pandas)"
                          % what) from error
    return pandas


def _tag_value(text):
    """A summary tag as the program set it: a number when it reads as one."""
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        return text


class Project:
    """A project: `.name`, `.sweeps` and `.runs` (counts), `.standalone_runs`, `.updated_at`."""

    def __init__(self, doc):
        self.name = doc["name"]
        self.sweeps = doc["sweeps"]
        self.runs = doc["runs"]
        self.standalone_runs = doc["standalone_runs"]
        self.updated_at = doc["updated_at"]

    def __repr__(self):
        return "<Project %s: %d sweeps, %d runs>" % (self.name, self.sweeps, self.runs)


class Sweep:
    """A sweep: `.id .name .project .method .state .metric .goal .best_run .best_value .run_count`."""

    def __init__(self, doc):
        self.raw = doc
        for key in ("id", "name", "project", "method", "state", "metric", "goal", "best_run", "best_value",
                    "run_count", "runs_by_state", "created_at", "updated_at"):
            setattr(self, key, doc.get(key))

    def __repr__(self):
        return "<Sweep %s %s (%s, %s)>" % (self.id, self.name, self.method, self.state)


class History(list):
    """A run's metrics as a wide table: one dict per x value (step or time), one key per metric."""

    def __init__(self, rows, x):
        super().__init__(rows)
        self.x = x

    def to_pandas(self):
        pandas = _pandas("History")
        frame = pandas.DataFrame(list(self))
        return frame.set_index(self.x) if len(frame) else frame


class Run:
    """One run as `sweep show --json` describes it.

    `.id .name .state .params` (flat names) `.summary` (metric -> last value,
    overridden by values the program set itself) `.tags` (the run's tags)
    `.notes .env` (captured environment) `.inputs` (data versions: name -> {"digest", "size", "files",
    "rows", "path", "context"}) `.metadata` (every key/value tag)
    `.sweep_id .argv .failure_reason .run_dir .created_at .started_at
    .ended_at`, and `.raw`, the whole JSON object.
    """

    def __init__(self, doc, api):
        self.raw = doc
        self._api = api
        self.id = doc["id"]
        self.name = doc.get("name") or ""
        self.state = doc["state"]
        self.sweep_id = doc.get("sweep_id")
        self.params = dict(doc.get("params") or {})
        self.tags = list(doc.get("labels") or [])
        self.notes = doc.get("notes") or ""
        self.metadata = dict(doc.get("tags") or {})
        self.env = {k: v for k, v in self.metadata.items() if k.startswith(_ENV_PREFIXES)}
        self.inputs = {}
        for key, value in self.metadata.items():
            if key.startswith(_INPUT_PREFIX):
                try:
                    self.inputs[key[len(_INPUT_PREFIX):]] = json.loads(value)
                except ValueError:
                    pass
        self.summary = {k: s["last"] for k, s in (doc.get("summary") or {}).items()}
        for key, value in self.metadata.items():
            if key.startswith(_SUMMARY_PREFIX):
                self.summary[key[len(_SUMMARY_PREFIX):]] = _tag_value(value)
        for key in ("argv", "failure_reason", "run_dir", "created_at", "started_at", "ended_at", "exit_code",
                    "objective"):
            setattr(self, key, doc.get(key))

    @property
    def config(self):
        """W&B's name for the parameters."""
        return self.params

    def history(self, keys=None, x="step"):
        """The metric series as a History: rows by `x` ("step" or "time"), a column per key (`keys`: only these)."""
        if x not in ("step", "time"):
            raise ValueError("x must be 'step' or 'time', not %r" % (x,))
        wanted = None if keys is None else set([keys] if isinstance(keys, str) else keys)
        rows = {}
        for point in self._api._history_points(self.id):
            if wanted is not None and point["key"] not in wanted:
                continue
            at = point[x]
            row = rows.setdefault(at, {x: at})
            row[point["key"]] = point["value"]  # a later point at the same x wins, as in the summary
        return History([rows[at] for at in sorted(rows)], x)

    def __repr__(self):
        return "<Run %s %s (%s)>" % (self.id, self.name or "-", self.state)


class Runs(list):
    """Runs in the order asked for; `to_pandas()` gives one row per run."""

    def to_pandas(self):
        pandas = _pandas("Runs")
        records = []
        for run in self:
            record = {"id": run.id, "name": run.name, "state": run.state, "sweep_id": run.sweep_id,
                      "tags": ",".join(run.tags), "created_at": run.created_at}
            record.update({"param." + k: v for k, v in run.params.items()})
            record.update({"metric." + k: v for k, v in run.summary.items()})
            records.append(record)
        return pandas.DataFrame.from_records(records, index="id") if records else pandas.DataFrame()


class Api:
    """Read access to a store. `store`: a path or postgresql:// URL (default: $SWEEP_STORE, else
    .sweep/sweep.db); `binary`: the `sweep` executable (default: $SWEEP_BIN, else `sweep` on PATH)."""

    def __init__(self, store=None, binary=None, environ=None):
        environ = os.environ if environ is None else environ
        self.store = store
        self.binary = binary or find_sweep_binary(environ)
        if self.binary is None:
            raise SweepError("no `sweep` binary: set $%s or put `sweep` on PATH" % ENV_SWEEP_BIN)

    def _run(self, args):
        argv = [self.binary] + list(args)
        if self.store:
            argv += ["--store", self.store]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=READ_TIMEOUT_S)
        if done.returncode != 0:
            raise SweepError(done.stderr.strip() or "`%s` exited with %d" % (" ".join(argv), done.returncode))
        return done.stdout

    def _json(self, *args):
        return json.loads(self._run(list(args) + ["--json"]))

    def _history_points(self, run_id):
        text = self._run(["history", run_id, "--format", "jsonl"])
        return [json.loads(line) for line in text.splitlines() if line]

    def projects(self):
        return [Project(doc) for doc in self._json("projects")]

    def sweeps(self, project=None):
        """Every sweep, or the sweeps of `project`; standalone groups (method "manual") included."""
        found = [Sweep(doc) for doc in self._json("sweeps")]
        return [s for s in found if project is None or s.project == project]

    def runs(self, sweep_or_project, filter=None, order=None):  # noqa: A002 (W&B's argument names)
        """The runs of a sweep (id, prefix, name) or a project: `filter` in `sweep runs --filter`'s
        language ("metric.loss < 0.5 and tag = baseline"), `order` as --sort ("-metric.acc,param.lr")."""
        args = ["runs", sweep_or_project]
        if filter:
            args += ["--filter", filter]
        if order:
            args += ["--sort", order]
        return Runs(Run(doc, self) for doc in self._json(*args))

    def run(self, reference):
        """One run by id, id prefix, "project/name" or a unique name."""
        return Run(self._json("show", reference), self)
