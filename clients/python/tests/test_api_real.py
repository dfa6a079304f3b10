"""sweep_client.Api against the real binary (SWEEP_BIN set by CTest's clients.python.api):
a sweep and two standalone runs in one project, read back as objects, histories and DataFrames."""
import os
import subprocess
import sys
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, PYTHON_DIR, clean_env, populate_store

REAL_SWEEP_BIN = os.environ.get("SWEEP_BIN")

SPEC = textwrap.dedent("""
    name: grid
    project: vision
    program: train.py
    method: grid
    metric: {name: loss, goal: minimize}
    parameters:
      lr: {values: [0.1, 0.2]}
""")

TRAIN = textwrap.dedent("""
    import argparse
    p = argparse.ArgumentParser()
    p.add_argument("--lr", type=float)
    a = p.parse_args()
    for step in range(3):
        print(f"step={step} loss={a.lr * (3 - step)}", flush=True)
""")

STANDALONE = textwrap.dedent("""
    import sweep_client
    run = sweep_client.init(project="vision", name="baseline", config={"lr": 0.05}, tags=["baseline"],
                            notes="reference")
    for step in range(4):
        run.log({"loss": 1.0 / (step + 1), "acc": step / 4})
    run.summary["best_acc"] = 0.75
    run.log_input("train.py", name="code-as-data", context="train")
    run.finish()
""")

try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False


@unittest.skipUnless(REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK),
                     "needs SWEEP_BIN=<build>/bin/sweep (CTest test clients.python.api sets it)")
class ApiTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.scratch, cls.store, _ = populate_store(
            "sweep_api_", {"spec.yaml": SPEC, "train.py": TRAIN, "standalone.py": STANDALONE}, REAL_SWEEP_BIN)
        sys.path.insert(0, PYTHON_DIR)
        from sweep_client import Api
        cls.api = Api(store=cls.store, binary=REAL_SWEEP_BIN)

    def test_projects_and_sweeps(self):
        (project,) = self.api.projects()
        self.assertEqual((project.name, project.runs, project.standalone_runs), ("vision", 3, 1))
        methods = sorted(s.method for s in self.api.sweeps(project="vision"))
        self.assertEqual(methods, ["grid", "manual"])
        self.assertEqual(self.api.sweeps(project="nothing"), [])

    def test_runs_of_a_project_filtered_and_ordered(self):
        runs = self.api.runs("vision", order="-param.lr")
        self.assertEqual([r.params["lr"] for r in runs], [0.2, 0.1, 0.05])
        (baseline,) = self.api.runs("vision", filter="tag = baseline")
        self.assertEqual((baseline.name, baseline.state, baseline.tags, baseline.notes),
                         ("baseline", "finished", ["baseline"], "reference"))
        self.assertEqual(baseline.summary["loss"], 0.25)
        self.assertEqual(baseline.summary["best_acc"], 0.75)  # set by the script, not logged
        self.assertIn("env.python", baseline.env)
        self.assertEqual((baseline.inputs["code-as-data"]["files"], baseline.inputs["code-as-data"]["context"]),
                         (1, "train"))
        self.assertEqual(self.api.run("vision/baseline").id, baseline.id)

    def test_history_is_a_wide_table(self):
        baseline = self.api.run("baseline")
        history = baseline.history()
        self.assertEqual([row["step"] for row in history], [0, 1, 2, 3])
        self.assertEqual(history[1], {"step": 1, "loss": 0.5, "acc": 0.25})
        self.assertEqual(list(baseline.history(keys=["acc"])[3]), ["step", "acc"])

    def test_errors_name_the_problem(self):
        from sweep_client import SweepError
        with self.assertRaises(SweepError) as caught:
            self.api.runs("vision", filter="metric.loss <")
        self.assertIn("filter", str(caught.exception))

    @unittest.skipUnless(HAVE_PANDAS, "pandas is not installed")
    def test_to_pandas(self):
        frame = self.api.runs("vision").to_pandas()
        self.assertEqual(len(frame), 3)
        self.assertIn("param.lr", frame.columns)
        self.assertIn("metric.loss", frame.columns)
        self.assertEqual(frame.loc[self.api.run("baseline").id, "tags"], "baseline")
        wide = self.api.run("baseline").history().to_pandas()
        self.assertEqual(list(wide.index), [0, 1, 2, 3])
        self.assertEqual(sorted(wide.columns), ["acc", "loss"])

    def test_without_pandas_the_message_says_what_to_install(self):
        code = textwrap.dedent("""
            import sys
            sys.modules["pandas"] = None  # as if not installed
            from sweep_client import Api
            runs = Api(store=%r, binary=%r).runs("vision")
            print(len(runs), runs[0].state)
            try:
                runs.to_pandas()
            except ImportError as error:
                print("ImportError:", error)
        """ % (self.store, REAL_SWEEP_BIN))
        done = subprocess.run([sys.executable, "-c", code], env=clean_env(), capture_output=True, text=True,
                              timeout=CHILD_TIMEOUT_S)
        self.assertEqual(done.returncode, 0, done.stderr)
        self.assertIn("3 finished", done.stdout)
        self.assertIn("needs pandas", done.stdout)


if __name__ == "__main__":
    unittest.main()
