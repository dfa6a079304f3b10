"""wandb.Api() (W&B's public read API) against the real binary (SWEEP_BIN set by CTest's
clients.python.wandb_api): a grid sweep of W&B scripts that rename and tag their runs while
running, and a standalone wandb run, read back with W&B's paths, filters, order and history."""
import os
import subprocess
import sys
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, PYTHON_DIR, SHIM_DIR, populate_store, run_trial

REAL_SWEEP_BIN = os.environ.get("SWEEP_BIN")

SPEC = textwrap.dedent("""
    name: grid
    project: vision
    program: train.py
    method: grid
    metric: {name: loss, goal: minimize}
    parameters:
      lr: {values: [0.01, 0.1]}
""")

# W&B's run setters after init: the stored run must end up with these values.
TRAIN = textwrap.dedent("""
    import wandb
    run = wandb.init(tags=["grid"])
    run.name = "lr-%g" % wandb.config.lr
    run.tags = run.tags + ("late",)
    run.notes = "renamed while running"
    for step in range(3):
        wandb.log({"loss": wandb.config.lr * (3 - step)})
        if step == 1:
            wandb.log({"acc": 0.5}, commit=False)
    wandb.finish()
""")

STANDALONE = textwrap.dedent("""
    import wandb
    run = wandb.init(project="vision", name="baseline", tags=["baseline"], notes="reference", group="cv",
                     job_type="train", config={"lr": 0.05, "opt": {"beta": 0.9}})
    for step in range(4):
        wandb.log({"loss": 1.0 / (step + 1), "acc": step / 4})
    run.summary["best_acc"] = 0.75
    run.finish()
""")

try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False


@unittest.skipUnless(REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK),
                     "needs SWEEP_BIN=<build>/bin/sweep (CTest test clients.python.wandb_api sets it)")
class WandbApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # The trials import this checkout's clients, whichever checkout the binary was built from.
        cls.scratch, cls.store, cls.env = populate_store(
            "sweep_wandb_api_", {"spec.yaml": SPEC, "train.py": TRAIN, "standalone.py": STANDALONE}, REAL_SWEEP_BIN,
            {"SWEEP_PYTHON_CLIENTS": PYTHON_DIR})
        for folder in (SHIM_DIR, PYTHON_DIR):
            if folder not in sys.path:
                sys.path.insert(0, folder)
        import wandb
        cls.api = wandb.Api(store=cls.store, binary=REAL_SWEEP_BIN)
        (cls.sweep_id,) = [s.id for s in cls.api._store.sweeps() if s.method == "grid"]

    def names(self, runs):
        return [r.name for r in runs]

    def test_names_tags_and_notes_set_while_running_are_stored(self):
        runs = self.api.runs("vision", filters={"sweep": self.sweep_id}, order="+config.lr")
        self.assertEqual(self.names(runs), ["lr-0.01", "lr-0.1"])
        for run in runs:
            self.assertEqual(sorted(run.tags), ["grid", "late"])
            self.assertEqual(run.notes, "renamed while running")

    def test_standalone_run_fields(self):
        run = self.api.run("my-entity/vision/" + self.api.runs("vision", filters={"display_name": "baseline"})[0].id)
        self.assertEqual((run.name, run.state, run.tags, run.notes), ("baseline", "finished", ["baseline"], "reference"))
        self.assertEqual((run.group, run.job_type), ("cv", "train"))
        self.assertEqual(run.config, {"lr": 0.05, "opt": {"beta": 0.9}})
        self.assertEqual(run.summary["loss"], 0.25)
        self.assertEqual(run.summary_metrics["best_acc"], 0.75)  # set by the script, never logged
        self.assertIsNone(run.sweep)
        self.assertEqual(self.names(self.api.runs("vision", include_sweeps=False)), ["baseline"])
        self.assertRegex(run.created_at, r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")  # W&B's form, UTC
        # The standalone run came last (runs made within the same second compare equal).
        self.assertEqual(len(self.api.runs("vision", filters={"createdAt": {"$lte": run.created_at}})), 3)
        self.assertEqual(len(self.api.runs("vision", filters={"createdAt": {"$gt": run.created_at}})), 0)
        for path in (run.id, "vision/" + run.id, "e/vision/runs/" + run.id):
            self.assertEqual(self.api.run(path).id, run.id)

    def test_filters_in_wandb_form(self):
        def found(filters):
            return sorted(self.names(self.api.runs("my-entity/vision", filters=filters)))

        self.assertEqual(found({"config.lr": {"$gt": 0.02}}), ["baseline", "lr-0.1"])
        self.assertEqual(found({"config.opt.beta": 0.9}), ["baseline"])
        self.assertEqual(found({"state": "finished"}), ["baseline", "lr-0.01", "lr-0.1"])
        self.assertEqual(found({"summary_metrics.loss": {"$lt": 0.1}}), ["lr-0.01"])  # last values 0.01 and 0.1
        self.assertEqual(found({"tags": {"$in": ["baseline", "nothing"]}}), ["baseline"])
        self.assertEqual(found({"tags": "late"}), ["lr-0.01", "lr-0.1"])
        self.assertEqual(found({"tags": {"$nin": ["late"]}}), ["baseline"])
        self.assertEqual(found({"$or": [{"config.lr": 0.01}, {"group": "cv"}]}), ["baseline", "lr-0.01"])
        self.assertEqual(found({"$and": [{"config.lr": {"$gte": 0.05}}, {"summary_metrics.acc": {"$exists": True}}]}),
                         ["baseline", "lr-0.1"])
        self.assertEqual(found({"summary_metrics.best_acc": {"$exists": False}}), ["lr-0.01", "lr-0.1"])
        self.assertEqual(found({"display_name": {"$regex": "^lr-"}}), ["lr-0.01", "lr-0.1"])
        self.assertEqual(found({"group": {"$ne": "cv"}}), ["lr-0.01", "lr-0.1"])  # MongoDB: $ne matches a missing field
        self.assertEqual(found({"$nor": [{"group": "cv"}, {"config.lr": 0.1}]}), ["lr-0.01"])
        self.assertEqual(found({"config.lr": {"$not": {"$gt": 0.02}}}), ["lr-0.01"])
        self.assertEqual(found({"config.lr.value": {"$lte": 0.05}}), ["baseline", "lr-0.01"])  # W&B's stored form
        from wandb.apis.public import FilterError
        with self.assertRaises(FilterError):
            self.api.runs("vision", filters={"config.lr": {"$near": 1}})

    def test_order(self):
        self.assertEqual(self.names(self.api.runs("vision", order="-summary_metrics.loss")),
                         ["baseline", "lr-0.1", "lr-0.01"])
        self.assertEqual(self.names(self.api.runs("vision", order="+config.lr")), ["lr-0.01", "baseline", "lr-0.1"])
        self.assertEqual(self.names(self.api.runs("vision", order="config.lr")), ["lr-0.1", "baseline", "lr-0.01"])
        # Runs without the key come last, whichever the direction.
        self.assertEqual(self.names(self.api.runs("vision", order="-summary_metrics.best_acc"))[0], "baseline")
        self.assertEqual(self.names(self.api.runs("vision", order="+summary_metrics.best_acc"))[0], "baseline")

    def test_sweep_paths_runs_and_best_run(self):
        for path in ("me/vision/" + self.sweep_id, "vision/" + self.sweep_id, self.sweep_id[:6],
                     "me/vision/sweeps/" + self.sweep_id):
            sweep = self.api.sweep(path)
            self.assertEqual(sweep.id, self.sweep_id)
        self.assertEqual(sweep.name, "grid")
        self.assertEqual(sweep.config["metric"], {"name": "loss", "goal": "minimize"})
        self.assertEqual(sorted(self.names(sweep.runs)), ["lr-0.01", "lr-0.1"])
        self.assertEqual(sweep.best_run().name, "lr-0.01")
        self.assertEqual(sweep.best_run(order="-summary_metrics.loss").name, "lr-0.1")
        self.assertEqual(sweep.best_run(order="loss").name, "lr-0.1")   # W&B: bare = descending summary metric
        self.assertEqual(sweep.best_run(order="+loss").name, "lr-0.01")
        self.assertEqual(sweep.runs[0].sweep.id, self.sweep_id)
        project = self.api.project("me/vision")
        self.assertEqual([s.id for s in project.sweeps()], [self.sweep_id])  # standalone runs' group left out
        self.assertEqual([p.name for p in self.api.projects()], ["vision"])
        from wandb.apis.public import SweepError
        with self.assertRaises(SweepError):
            self.api.sweep("e/vision/zzzzzz")

    def test_history_and_scan_history(self):
        run = self.api.runs("vision", filters={"display_name": "lr-0.1"})[0]
        rows = run.history(pandas=False)
        self.assertEqual([r["_step"] for r in rows], [0, 1, 2])
        self.assertAlmostEqual(rows[2]["loss"], 0.1)
        self.assertIn("_timestamp", rows[0])
        self.assertGreaterEqual(rows[2]["_runtime"], rows[0]["_runtime"])
        # keys: only rows holding every key, with the x axis. acc, logged with commit=False after
        # step 1 was committed, joins step 2 (W&B's rule).
        self.assertEqual(run.history(keys=["acc", "loss"], pandas=False), [{"_step": 2, "acc": 0.5, "loss": 0.1}])
        self.assertEqual(len(run.history(samples=2, pandas=False)), 2)
        self.assertEqual([r["loss"] for r in run.scan_history(keys=["loss"])], [0.30000000000000004, 0.2, 0.1])
        self.assertEqual([r["_step"] for r in run.scan_history(min_step=1, max_step=2)], [1])
        self.assertEqual(run.lastHistoryStep, 2)
        with self.assertRaises(ValueError):
            run.history(keys="loss")

    @unittest.skipUnless(HAVE_PANDAS, "pandas is not installed")
    def test_history_as_a_dataframe(self):
        run = self.api.runs("vision", filters={"display_name": "baseline"})[0]
        frame = run.history()
        self.assertEqual(list(frame["_step"]), [0, 1, 2, 3])
        self.assertEqual(list(frame["acc"]), [0, 0.25, 0.5, 0.75])
        self.assertEqual(list(run.history(keys=["loss"]).columns), ["_step", "loss"])

    def test_without_pandas_history_is_a_list(self):
        code = textwrap.dedent("""
            import sys
            sys.modules["pandas"] = None  # as if not installed
            import wandb
            run = wandb.Api(store=%r, binary=%r).runs("vision", filters={"display_name": "baseline"})[0]
            rows = run.history()
            print(type(rows).__name__, len(rows))
        """ % (self.store, REAL_SWEEP_BIN))
        done = subprocess.run([sys.executable, "-c", code], env=self.env, capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT_S)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("call history with pandas=False", done.stdout)
        self.assertIn("list 4", done.stdout)


    def test_update_stores_name_tags_and_notes(self):
        run = self.api.runs("vision", filters={"display_name": "lr-0.01"})[0]
        run.name, run.notes = "lr-small", "edited later"
        run.tags = [t for t in run.tags if t != "late"] + ["small"]
        run.update()
        again = self.api.run(run.id)
        self.assertEqual((again.name, sorted(again.tags), again.notes), ("lr-small", ["grid", "small"], "edited later"))
        again.name, again.tags, again.notes = "lr-0.01", ["grid", "late"], "renamed while running"
        again.update()  # as it was, for the other tests
        self.assertEqual(self.api.run(run.id).name, "lr-0.01")


class RunSettersTest(unittest.TestCase):
    """W&B's run.name / run.tags / run.notes setters send the change on the channel (no binary needed)."""

    def test_assignments_send_run_messages(self):
        result = run_trial(code=textwrap.dedent("""
            import wandb
            run = wandb.init(tags=["a"], notes="first")
            run.name = "renamed"
            run.name = "renamed"          # unchanged: nothing sent
            run.tags = ("a", "b")
            run.tags = ["b"]              # removing a tag: warned, nothing to add
            run.notes = "second"
            print(run.name, run.tags, run.notes)
            wandb.finish()
        """))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.of_type("run"), [
            {"t": "run", "tags": ["a"], "notes": "first"},
            {"t": "run", "name": "renamed"},
            {"t": "run", "tags": ["b"]},
            {"t": "run", "notes": "second"},
        ])
        self.assertIn("renamed ('b',) second", result.stdout)
        self.assertIn("removing a tag from a run is not recorded", result.stderr)


if __name__ == "__main__":
    unittest.main()
