"""The seeds' MLflow training loop (examples/mlflow_sklearn_train.py: scikit-learn in place of
PyTorch) unchanged, against the real binary: standalone, inside a sweep, with its nested run; then
what `sweep runs`/`show` and mlflow.search_runs/get_run read back.

Needs SWEEP_BIN and scikit-learn: CTest's clients.python.mlflow runs it under Debian's python3
(python3-sklearn, python3-pandas); elsewhere it skips.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, REPO_ROOT, clean_env, run_trial

REAL_SWEEP_BIN = os.environ.get("SWEEP_BIN")
EXAMPLE = os.path.join(REPO_ROOT, "examples", "mlflow_sklearn_train.py")
EPOCHS = 3
# A sweep of two trials, each importing scikit-learn, on a loaded 2-core machine.
SWEEP_TIMEOUT_S = 300
EXPERIMENT = "classification-experiment"

try:
    import sklearn  # noqa: F401
    HAVE_SKLEARN = True
except ImportError:
    HAVE_SKLEARN = False


def _registry_available():
    if not (REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK)):
        return False
    done = subprocess.run([REAL_SWEEP_BIN, "--help"], capture_output=True, text=True)
    return any(line.split()[:1] == ["registry"] for line in done.stdout.splitlines())


needs_binary_and_sklearn = unittest.skipUnless(
    REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK) and HAVE_SKLEARN,
    "needs SWEEP_BIN=<build>/bin/sweep and scikit-learn (CTest test clients.python.mlflow)")


class _StoreFixture(unittest.TestCase):
    @classmethod
    def make_scratch(cls, prefix, store_folder=".sweep"):
        cls.scratch = os.path.realpath(tempfile.mkdtemp(prefix=prefix))
        cls.store = os.path.join(cls.scratch, store_folder, "sweep.db")
        shutil.copy(EXAMPLE, os.path.join(cls.scratch, "train.py"))
        cls.env = clean_env({"SWEEP_BIN": REAL_SWEEP_BIN, "SWEEP_STORE": cls.store})

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.scratch, ignore_errors=True)

    @classmethod
    def run_command(cls, argv, env=None, timeout=CHILD_TIMEOUT_S):
        done = subprocess.run(argv, cwd=cls.scratch, env=env or cls.env, capture_output=True, text=True,
                              timeout=timeout)
        return done

    @classmethod
    def sweep_json(cls, *args):
        done = cls.run_command([REAL_SWEEP_BIN] + list(args) + ["--json"])
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)

    def python(self, code):
        """Runs `code` with the mlflow module in this store's folder; returns its stdout lines."""
        done = self.run_command([sys.executable, "-c", textwrap.dedent(code)])
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done.stdout.splitlines()


@needs_binary_and_sklearn
class StandaloneTest(_StoreFixture):
    @classmethod
    def setUpClass(cls):
        cls.make_scratch("mlflow_standalone_")
        cls.done = cls.run_command([sys.executable, "train.py", "--epochs", str(EPOCHS)])
        runs = cls.sweep_json("runs", EXPERIMENT)
        cls.by_name = {r["name"]: r for r in runs}

    def test_the_script_runs_unchanged_and_prints_its_result(self):
        self.assertEqual(self.done.returncode, 0, self.done.stderr)
        self.assertIn("Final accuracy:", self.done.stdout)

    def test_the_run_has_params_per_epoch_metrics_and_artifacts(self):
        run = self.sweep_json("show", self.by_name["sgd-baseline"]["id"])
        self.assertEqual(run["state"], "finished")
        self.assertEqual(run["params"], {"lr": 0.001, "batch_size": 64, "epochs": EPOCHS,
                                         "architecture": "SGD-logistic", "alpha": 0.0001, "optimizer": "SGD"})
        self.assertEqual(run["summary"]["train_loss"]["count"], EPOCHS)
        self.assertEqual(run["summary"]["val_accuracy"]["count"], EPOCHS)
        self.assertEqual(run["summary"]["final_accuracy"]["count"], 1)
        for artifact in ("model.pkl", "model/model.pkl", "model/MLmodel"):
            self.assertIn("artifact." + artifact, run["tags"])
        self.assertTrue(os.path.isfile(os.path.join(run["run_dir"], "artifacts", "model", "model.pkl")))
        self.assertEqual(run["tags"]["mlflow.runName"], "sgd-baseline")
        data_version = json.loads(run["tags"]["input.synthetic-3class"])  # mlflow.log_input's dataset
        self.assertEqual((data_version["context"], data_version["path"]),
                         ("training", "make_classification(random_state=42)"))
        self.assertRegex(data_version["digest"], "^[0-9a-f]{8}$")

    def test_the_nested_run_is_a_run_of_the_project_linked_to_its_parent(self):
        parent, child = self.by_name["sgd-baseline"], self.by_name["per-class-eval"]
        shown = self.sweep_json("show", child["id"])
        self.assertEqual(shown["tags"]["mlflow.parentRunId"], parent["id"])
        self.assertEqual(shown["state"], "finished")
        self.assertEqual(set(k for k in shown["summary"] if k.startswith("recall_class_")),
                         {"recall_class_0", "recall_class_1", "recall_class_2"})
        self.assertIn("artifact.confusion_matrix.json", shown["tags"])

    def test_mlflow_reads_the_runs_back(self):
        parent = self.by_name["sgd-baseline"]["id"]
        lines = self.python("""
            import mlflow, mlflow.sklearn
            run = mlflow.get_run(%r)
            print(run.info.status, run.data.params["lr"], run.data.params["epochs"], sorted(run.data.metrics))
            mlflow.set_experiment(%r)
            children = mlflow.search_runs(filter_string="tags.mlflow.parentRunId = '%s'")
            print(list(children["tags.mlflow.runName"]))
            everything = mlflow.search_runs(order_by=["metrics.final_accuracy DESC"])
            print(len(everything), everything.iloc[0]["run_id"] == %r, "params.lr" in everything.columns)
            as_list = mlflow.MlflowClient().search_runs([%r], "params.optimizer = 'SGD' and metrics.val_accuracy > 0")
            print([r.info.run_id for r in as_list] == [%r])
            model = mlflow.sklearn.load_model("runs:/%s/model")
            print(model.predict([[0.0] * 20]).shape)
        """ % (parent, EXPERIMENT, parent, parent, EXPERIMENT, parent, parent))
        self.assertEqual(lines[0], "FINISHED 0.001 %d ['final_accuracy', 'train_loss', 'val_accuracy']" % EPOCHS)
        self.assertEqual(lines[1], "['per-class-eval']")
        self.assertEqual(lines[2], "2 True True")
        self.assertEqual(lines[3:], ["True", "(1,)"])


SPEC = textwrap.dedent("""
    name: sgd-grid
    project: mlflow-grid
    program: train.py
    method: grid
    metric: {name: val_accuracy, goal: maximize}
    command:
      - ${env}
      - ${interpreter}
      - ${program}
      - ${args}
    parameters:
      lr: {values: [0.001, 0.01]}
      epochs: {value: %d}
""" % EPOCHS)

# The script's own defaults, not the sweep's values: its log_params contradicts the sweep.
SPEC_IGNORING_ARGS = textwrap.dedent("""
    name: ignores-args
    project: mlflow-grid
    program: train.py
    method: grid
    command:
      - ${env}
      - ${interpreter}
      - ${program}
      - --epochs=1
    parameters:
      lr: {values: [0.05]}
""")


@needs_binary_and_sklearn
class InASweepTest(_StoreFixture):
    @classmethod
    def setUpClass(cls):
        # Not the default .sweep/: a trial's nested run finds the store only if the agent says where.
        cls.make_scratch("mlflow_sweep_", store_folder="elsewhere")
        for name, text in (("spec.yaml", SPEC), ("ignores.yaml", SPEC_IGNORING_ARGS)):
            with open(os.path.join(cls.scratch, name), "w") as handle:
                handle.write(text)
        # No PYTHONPATH, $SWEEP_STORE or $SWEEP_BIN of ours: the agent puts the mlflow module on the
        # trials' path and tells them its store (--store) and binary, where nested runs are recorded.
        cls.agent_env = {k: v for k, v in cls.env.items() if k not in ("PYTHONPATH", "SWEEP_STORE", "SWEEP_BIN")}
        cls.done = cls.run_agent("spec.yaml")

    @classmethod
    def run_agent(cls, spec, *flags):
        return cls.run_command([REAL_SWEEP_BIN, "run", spec, "--store", cls.store, "--interpreter", sys.executable]
                               + list(flags), env=cls.agent_env, timeout=SWEEP_TIMEOUT_S)

    def test_each_trial_is_the_scripts_run_with_the_sweeps_values(self):
        self.assertEqual(self.done.returncode, 0, self.done.stdout + self.done.stderr)
        runs = self.sweep_json("runs", "sgd-grid")
        self.assertEqual(sorted(r["params"]["lr"] for r in runs), [0.001, 0.01])
        for run in runs:
            shown = self.sweep_json("show", run["id"])
            self.assertEqual(shown["state"], "finished", shown.get("failure_reason"))
            self.assertEqual(shown["params"]["epochs"], EPOCHS)
            self.assertEqual(shown["summary"]["train_loss"]["count"], EPOCHS)
            self.assertEqual(shown["summary"]["val_accuracy"]["count"], EPOCHS)
            self.assertIn("artifact.model/model.pkl", shown["tags"])
            self.assertEqual(json.loads(shown["tags"]["config"])["architecture"], "SGD-logistic")

    def test_nested_runs_go_to_the_sweeps_project_linked_to_their_trial(self):
        trials = {r["id"] for r in self.sweep_json("runs", "sgd-grid")}
        nested = [r for r in self.sweep_json("runs", "mlflow-grid") if r["name"] == "per-class-eval"]
        self.assertEqual(len(nested), 2)
        parents = {self.sweep_json("show", r["id"])["tags"]["mlflow.parentRunId"] for r in nested}
        self.assertEqual(parents, trials)

    def test_no_mlflow_shim_leaves_the_callers_mlflow(self):
        fake = os.path.join(self.scratch, "fake")
        os.makedirs(fake, exist_ok=True)
        with open(os.path.join(fake, "mlflow.py"), "w") as handle:
            handle.write("# not the shim\n")
        with open(os.path.join(self.scratch, "which.py"), "w") as handle:
            handle.write("import mlflow\nprint('mlflow_file=' + mlflow.__file__)\nprint('x=1')\n")
        with open(os.path.join(self.scratch, "which.yaml"), "w") as handle:
            handle.write("name: which\nprogram: which.py\nmethod: grid\nparameters:\n  y: {value: 1}\n")
        env = dict(self.agent_env, PYTHONPATH=fake)
        found = {}
        for flags in ([], ["--no-mlflow-shim"]):
            done = self.run_command([REAL_SWEEP_BIN, "run", "which.yaml", "--store", self.store, "--interpreter",
                                     sys.executable] + flags, env=env, timeout=SWEEP_TIMEOUT_S)
            self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
            newest = self.sweep_json("runs", "which")[-1]
            with open(os.path.join(self.sweep_json("show", newest["id"])["run_dir"], "stdout.log")) as handle:
                found[bool(flags)] = handle.read().split("mlflow_file=")[1].split()[0]
        self.assertIn("mlflow_shim", found[False])
        self.assertEqual(found[True], os.path.join(fake, "mlflow.py"))

    def test_a_script_that_ignores_the_sweeps_values_fails_with_mlflows_error(self):
        done = self.run_agent("ignores.yaml")
        runs = self.sweep_json("runs", "ignores-args")
        self.assertEqual([r["state"] for r in runs], ["failed"], done.stdout + done.stderr)
        reason = self.sweep_json("show", runs[0]["id"])["failure_reason"]
        self.assertIn("Changing param values is not allowed. Param with key='lr' was set by the sweep", reason)


@unittest.skipUnless(HAVE_SKLEARN, "needs scikit-learn and numpy (Debian's python3)")
class ImagesWithPillowTest(unittest.TestCase):
    """log_image of numpy arrays as PNG files (Pillow, python3-pil), in a trial's pipe."""

    def test_arrays_become_pngs_under_mlflows_paths(self):
        try:
            import PIL  # noqa: F401
        except ImportError:
            self.skipTest("Pillow is not installed (python3-pil)")
        result = run_trial(textwrap.dedent("""
            import mlflow, numpy
            with mlflow.start_run():
                mlflow.log_image(numpy.zeros((4, 5, 3)), "images/black.png")
                mlflow.log_image(numpy.full((2, 2), 255, dtype=numpy.uint8), key="mask", step=3)
        """))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([m["name"] for m in result.of_type("artifact")], ["images/black.png",
                                                                           "images/mask/step_3.png"])
        from PIL import Image
        with Image.open(os.path.join(result.run_dir, "artifacts", "images", "black.png")) as image:
            self.assertEqual(image.size, (5, 4))


@unittest.skipUnless(HAVE_SKLEARN and _registry_available(),
                     "needs SWEEP_BIN with `sweep registry` (helper art's model registry) and scikit-learn")
class RegistryTest(_StoreFixture):
    """DEPENDS ON the model registry (`sweep registry`, branch art): skipped until it is merged."""

    @classmethod
    def setUpClass(cls):
        cls.make_scratch("mlflow_registry_")
        done = cls.run_command([sys.executable, "train.py", "--epochs", "1"])
        assert done.returncode == 0, done.stderr
        cls.parent = [r for r in cls.sweep_json("runs", EXPERIMENT) if r["name"] == "sgd-baseline"][0]["id"]

    def test_register_promote_alias_and_load_by_stage(self):
        lines = self.python("""
            import mlflow, mlflow.sklearn
            version = mlflow.register_model("runs:/%s/model", "digits-clf")
            print(version.version, version.run_id)
            client = mlflow.MlflowClient()
            client.transition_model_version_stage("digits-clf", version.version, "Production")
            print([(v.version, v.current_stage) for v in client.get_latest_versions("digits-clf", ["Production"])])
            client.set_registered_model_alias("digits-clf", "champion", version.version)
            print(client.get_model_version_by_alias("digits-clf", "champion").version)
            model = mlflow.sklearn.load_model("models:/digits-clf/Production")
            print(model.predict([[0.0] * 20]).shape)
        """ % self.parent)
        self.assertEqual(lines, ["1 " + self.parent, "[('1', 'Production')]", "1", "(1,)"])


try:
    import pandas  # noqa: F401
    HAVE_PANDAS = True
except ImportError:
    HAVE_PANDAS = False


@unittest.skipUnless(HAVE_PANDAS, "needs pandas (Debian's python3-pandas)")
class DatasetDigestTest(unittest.TestCase):
    """mlflow.data's digests follow MLflow's rule (mlflow/data/digest_utils.py): a sample of the first
    10,000 rows or elements, string and number columns only, plus length, column names or shape."""

    def digests(self, code):
        done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              env=clean_env({"SWEEP_BIN": "/nonexistent"}), timeout=CHILD_TIMEOUT_S)
        self.assertEqual(done.returncode, 0, done.stderr)
        return done.stdout.split()

    def test_pandas_digest_samples_rows_and_ignores_other_column_types(self):
        base, late_row, other_type, renamed, longer = self.digests("""
            import mlflow, pandas
            def frame(last=0, tag=None, name="x", rows=10001):
                values = list(range(rows - 1)) + [last]
                return pandas.DataFrame({name: values, "s": ["a"] * rows, "obj": [[tag]] * rows})
            for df in (frame(), frame(last=7), frame(tag=1), frame(name="y"), frame(rows=10002)):
                print(mlflow.data.from_pandas(df).digest)
        """)
        self.assertRegex(base, "^[0-9a-f]{8}$")
        self.assertEqual((late_row, other_type), (base, base))  # row 10,001 and list cells are not hashed
        self.assertNotEqual(renamed, base)
        self.assertNotEqual(longer, base)

    def test_numpy_digest_samples_elements_and_hashes_the_shape(self):
        base, late_element, reshaped, with_targets = self.digests("""
            import mlflow, numpy
            values = numpy.arange(20000, dtype=numpy.int64)
            changed = values.copy()
            changed[-1] = -1
            for features, targets in ((values, None), (changed, None), (values.reshape(2, 10000), None),
                                      (values, numpy.zeros(3))):
                print(mlflow.data.from_numpy(features, targets=targets).digest)
        """)
        self.assertEqual(late_element, base)
        self.assertNotEqual(reshaped, base)
        self.assertNotEqual(with_targets, base)


if __name__ == "__main__":
    unittest.main()
