"""The mlflow drop-in as a sweep's trial: MLflow's fluent semantics on top of the same protocol.

Each test runs a small MLflow script as a trial (harness.run_trial: a real pipe, the agent's
environment) and checks the protocol lines it wrote. No `sweep` binary is involved: runs of their
own (nested runs) find none ($SWEEP_BIN names a missing file) and record nothing, which is
checked too. test_mlflow_real.py runs the same module against the real binary.
"""
import os
import sys
import textwrap
import unittest

from harness import MLFLOW_SHIM_DIR, PYTHON_DIR, run_trial

NO_BINARY = {"SWEEP_BIN": os.path.join(os.path.dirname(os.path.abspath(__file__)), "no-such-sweep-binary")}


def trial(code, **kwargs):
    kwargs.setdefault("extra_env", NO_BINARY)
    return run_trial(textwrap.dedent(code), **kwargs)


class RunsInASweepTest(unittest.TestCase):
    def test_the_first_run_is_the_trials_run_with_params_metrics_and_tags(self):
        result = trial("""
            import mlflow
            mlflow.set_experiment("classification-experiment")
            with mlflow.start_run(run_name="mlp", tags={"model_type": "sgd"}, description="first") as run:
                print(run.info.run_id, run.info.status, mlflow.active_run() is run)
                mlflow.log_params({"lr": 0.001, "epochs": 3, "architecture": "MLP-64-32"})
                for epoch in range(3):
                    mlflow.log_metric("train_loss", 1.0 / (epoch + 1), step=epoch)
                mlflow.log_metric("final_accuracy", 0.9)             # step defaults to 0, as in MLflow
                mlflow.log_metrics({"a": 1, "b": 2.5}, step=7)
                mlflow.log_metric("at", 1.0, step=1, timestamp=1700000000123)
                mlflow.set_tag("stage", "dev")
            print(mlflow.active_run(), mlflow.get_run(run.info.run_id).info.status)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), ["run-42 RUNNING True", "None FINISHED"])
        runs = result.of_type("run")
        self.assertEqual(runs[0], {"t": "run", "name": "mlp", "notes": "first"})
        tags = runs[1]["set_tags"]
        self.assertEqual((tags["model_type"], tags["mlflow.runName"], tags["mlflow.note.content"]),
                         ("sgd", "mlp", "first"))
        self.assertNotIn("mlflow.parentRunId", tags)
        self.assertEqual(runs[-1], {"t": "run", "set_tags": {"stage": "dev"}})
        self.assertEqual(result.of_type("config")[-1]["data"],
                         {"lr": 0.001, "epochs": 3, "architecture": "MLP-64-32"})
        logs = [(m["step"], m["data"]) for m in result.of_type("log")]
        self.assertEqual(logs, [(0, {"train_loss": 1.0}), (1, {"train_loss": 0.5}), (2, {"train_loss": 1 / 3}),
                                (0, {"final_accuracy": 0.9}), (7, {"a": 1.0, "b": 2.5}), (1, {"at": 1.0})])
        self.assertEqual(result.of_type("log")[-1]["time"], 1700000000.123)
        self.assertEqual(result.messages[-1], {"t": "finish", "exit_code": 0})

    def test_a_swept_param_logged_with_the_sweeps_value_is_accepted_and_another_is_an_error(self):
        result = trial("""
            import mlflow
            run = mlflow.start_run()
            print(sorted(run.data.params.items()))
            mlflow.log_param("lr", 0.01)        # the sweep's value
            mlflow.log_param("batch", 64.0)     # the same number
            try:
                mlflow.log_param("lr", 0.001)
            except mlflow.MlflowException as error:
                print(error.error_code, error)
            mlflow.log_param("seed", 1)
            mlflow.log_param("seed", "1")       # MLflow compares the text: the same
            try:
                mlflow.log_param("seed", 2)
            except mlflow.MlflowException as error:
                print(error.error_code, error)
        """, params={"lr": 0.01, "batch": 64})
        self.assertEqual(result.returncode, 0, result.stderr)
        lines = result.stdout.splitlines()
        self.assertEqual(lines[0], "[('batch', '64'), ('lr', '0.01')]")
        self.assertEqual(lines[1], "INVALID_PARAMETER_VALUE Changing param values is not allowed. Param with "
                         "key='lr' was set by the sweep to value='0.01' for run ID='run-42'. Attempted logging new "
                         "value '0.001'. (A script run by a sweep must use the sweep's values, e.g. from ${args} on "
                         "its command line.)")
        self.assertEqual(lines[2], "INVALID_PARAMETER_VALUE Changing param values is not allowed. Param with "
                         "key='seed' was already logged with value='1' for run ID='run-42'. Attempted logging new "
                         "value '2'.")
        self.assertEqual(result.of_type("config")[-1]["data"], {"lr": 0.01, "batch": 64, "seed": 1})

    def test_an_exception_in_the_with_block_fails_the_run_and_propagates(self):
        result = trial("""
            import mlflow
            with mlflow.start_run():
                mlflow.log_metric("loss", 1.0)
                raise ValueError("diverged")
        """)
        self.assertEqual(result.returncode, 1)
        self.assertIn("ValueError: diverged", result.stderr)
        finishes = result.of_type("finish")
        self.assertEqual(finishes, [{"t": "finish", "exit_code": 1, "reason": "ValueError: diverged"}])

    def test_end_run_status_and_the_run_started_by_a_log_call(self):
        result = trial("""
            import mlflow
            mlflow.log_metric("loss", 2.0)        # starts a run, as MLflow does
            run = mlflow.active_run()
            mlflow.end_run(status="KILLED")
            print(run.info.run_id, mlflow.last_active_run().info.status)
            try:
                mlflow.end_run(status="BOGUS") if False else mlflow.entities.RunStatus.from_string("BOGUS")
            except ValueError as error:
                print("bad status")
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), ["run-42 KILLED", "bad status"])
        self.assertEqual(result.of_type("finish"),
                         [{"t": "finish", "exit_code": 1, "reason": "mlflow.end_run(status='KILLED')"}])

    def test_a_second_top_level_run_needs_end_run_first(self):
        result = trial("""
            import mlflow
            mlflow.start_run()
            try:
                mlflow.start_run()
            except Exception as error:
                print(str(error).split(".")[0])
        """)
        self.assertEqual(result.stdout.strip(), "Run with UUID run-42 is already active")

    def test_a_nested_run_is_a_run_of_its_own_linked_to_its_parent(self):
        result = trial("""
            import mlflow
            with mlflow.start_run(run_name="parent") as parent:
                with mlflow.start_run(run_name="child", nested=True) as child:
                    mlflow.log_metric("inner", 1.0)
                    print(child.info.run_id != parent.info.run_id, child.data.tags["mlflow.parentRunId"])
                    print(mlflow.active_run() is child)
                print(mlflow.active_run() is parent, mlflow.get_parent_run(child.info.run_id).info.run_id)
                mlflow.log_metric("outer", 2.0)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), ["True run-42", "True", "True run-42"])
        # The child wrote nothing into the trial's pipe (it has a recorder of its own; none here).
        self.assertEqual([m["data"] for m in result.of_type("log")], [{"outer": 2.0}])
        self.assertIn("no `sweep` binary found", result.stderr)

    def test_a_later_top_level_run_is_a_run_of_its_own_too(self):
        result = trial("""
            import mlflow
            with mlflow.start_run(run_name="first"):
                mlflow.log_metric("a", 1.0)
            with mlflow.start_run(run_name="second") as second:
                mlflow.log_metric("b", 2.0)
                print(second.info.run_id != "run-42", "mlflow.parentRunId" in second.data.tags)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "True False")
        self.assertEqual([m["data"] for m in result.of_type("log")], [{"a": 1.0}])
        self.assertEqual(result.messages[-1], {"t": "finish", "exit_code": 0})

    def test_bad_names_and_values_raise_as_in_mlflow(self):
        result = trial("""
            import mlflow
            mlflow.start_run()
            for call in (lambda: mlflow.log_metric("loss", "high"), lambda: mlflow.log_param("a|b", 1),
                         lambda: mlflow.log_metric("x", 1.0, step=1.5), lambda: mlflow.set_tag("env.host", "x"),
                         lambda: mlflow.log_param("long", "x" * 6001)):
                try:
                    call()
                    print("accepted")
                except mlflow.exceptions.MlflowException as error:
                    print(error.error_code)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.split(), ["INVALID_PARAMETER_VALUE"] * 5)
        self.assertEqual(result.of_type("log"), [])

    def test_artifacts_land_under_mlflows_artifact_paths(self):
        result = trial("""
            import os, mlflow
            with open("model.pkl", "wb") as f:
                f.write(b"weights")
            os.makedirs("plots/sub")
            with open("plots/a.txt", "w") as f:
                f.write("a")
            with open("plots/sub/b.txt", "w") as f:
                f.write("b")
            with mlflow.start_run():
                mlflow.log_artifact("model.pkl")
                mlflow.log_artifact("model.pkl", artifact_path="checkpoints")
                mlflow.log_artifacts("plots", artifact_path="figures")
                mlflow.log_dict({"lr": 0.1}, "config/params.json")
                mlflow.log_text("hello", "notes.txt")
                print(mlflow.get_artifact_uri())
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        names = [m["name"] for m in result.of_type("artifact")]
        self.assertEqual(names, ["model.pkl", "checkpoints/model.pkl", "figures/a.txt", "figures/sub/b.txt",
                                 "config/params.json", "notes.txt"])
        artifacts = os.path.join(result.run_dir, "artifacts")
        self.assertEqual(result.stdout.strip(), "file://" + artifacts)
        with open(os.path.join(artifacts, "config", "params.json")) as handle:
            self.assertIn('"lr": 0.1', handle.read())
        with open(os.path.join(artifacts, "figures", "sub", "b.txt")) as handle:
            self.assertEqual(handle.read(), "b")

    def test_unsupported_calls_are_noted_once_and_never_crash(self):
        result = trial("""
            import mlflow
            import mlflow.xgboost
            from mlflow.models.signature import infer_signature
            mlflow.autolog()
            mlflow.autolog()
            mlflow.xgboost.autolog(log_models=False)
            mlflow.set_tracking_uri("http://localhost:5000")
            print(infer_signature([1], [2]), mlflow.get_tracking_uri())
            with mlflow.start_run():
                mlflow.set_experiment_tag("a", "b")
                mlflow.delete_tag("x")
                mlflow.MlflowClient().create_run("0")
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "None http://localhost:5000")
        for note in ("mlflow.autolog is not supported", "mlflow.xgboost.autolog is not supported",
                     "mlflow.models.signature.infer_signature is not supported", "mlflow.set_tracking_uri",
                     "mlflow.set_experiment_tag is not supported", "MlflowClient.create_run is not supported"):
            self.assertEqual(result.stderr.count(note), 1, note + " in:\n" + result.stderr)

    def test_log_figure_saves_what_savefig_writes_and_log_image_needs_pillow(self):
        result = trial("""
            import mlflow
            class Figure:  # what mlflow.log_figure calls on a matplotlib figure
                def savefig(self, path, **kwargs):
                    with open(path, "w") as f:
                        f.write("png:%s" % sorted(kwargs))
            try:
                import PIL
                print("has PIL")
            except ImportError:
                pass
            with mlflow.start_run():
                mlflow.log_figure(Figure(), "plots/curve.png", save_kwargs={"dpi": 50})
                mlflow.log_image([[0.0, 1.0], [1.0, 0.0]], "images/a.png")
                mlflow.log_image([[0.0]], "images/b.png")
                try:
                    mlflow.log_figure(object(), "x.png")
                except TypeError as error:
                    print("TypeError")
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        names = [m["name"] for m in result.of_type("artifact")]
        self.assertEqual(names[0], "plots/curve.png")
        with open(os.path.join(result.run_dir, "artifacts", "plots", "curve.png")) as handle:
            self.assertEqual(handle.read(), "png:['dpi']")
        if "has PIL" in result.stdout:  # Debian's python3 with python3-pil
            self.assertEqual(names[1:], ["images/a.png", "images/b.png"])
        else:
            self.assertEqual(names[1:], [])
            self.assertEqual(result.stderr.count("mlflow.log_image needs Pillow"), 1, result.stderr)
        self.assertTrue(result.stdout.endswith("TypeError\n"))

    def test_log_input_records_the_dataset_as_a_data_version_and_its_tags_as_run_tags(self):
        result = trial("""
            import mlflow
            with mlflow.start_run():
                data = mlflow.data.Dataset("digits", "1234abcd", "sklearn.datasets.load_digits")
                mlflow.log_input(data, context="training", tags={"split": "train"})
                print(mlflow.get_run(mlflow.active_run().info.run_id).inputs.dataset_inputs[0].dataset.name)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "digits")
        self.assertEqual(result.of_type("input"), [{"t": "input", "name": "digits", "digest": "1234abcd",
                                                    "path": "sklearn.datasets.load_digits", "context": "training"}])
        self.assertEqual(result.of_type("run")[-1]["set_tags"], {"dataset.digits.split": "train"})

    def test_log_input_keeps_the_dataset_as_tags_with_a_sweep_client_without_log_input(self):
        result = trial("""
            import mlflow, sweep_client
            del sweep_client.Run.log_input  # a sweep_client from before data versions
            with mlflow.start_run():
                mlflow.log_input(mlflow.data.Dataset("digits", "1234abcd", "load_digits"), context="training")
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.of_type("input"), [])
        self.assertEqual(result.of_type("run")[-1]["set_tags"],
                         {"dataset.digits.digest": "1234abcd", "dataset.digits.source": "load_digits",
                          "dataset.digits.context": "training"})

    def test_an_uncaught_exception_outside_a_with_block_fails_the_run_at_exit(self):
        result = trial("""
            import mlflow
            mlflow.start_run()
            raise RuntimeError("boom")
        """)
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.of_type("finish"), [{"t": "finish", "exit_code": 1, "reason": "RuntimeError: boom"}])


class SearchLanguageTest(unittest.TestCase):
    """MLflow's filter strings and order_by, on Run objects built in memory."""

    @classmethod
    def setUpClass(cls):
        for path in (MLFLOW_SHIM_DIR, PYTHON_DIR):
            if path not in sys.path:
                sys.path.insert(0, path)
        from mlflow.entities import Run, RunData, RunInfo
        from mlflow.tracking import _search
        cls.search = _search

        def run(run_id, start, metrics, params, tags, status="FINISHED"):
            return Run(RunInfo(run_id=run_id, run_name=run_id, status=status, start_time=start),
                       RunData(metrics=metrics, params=params, tags=tags))
        cls.runs = [run("a", 1, {"acc": 0.9}, {"lr": "0.01", "opt": "sgd"}, {"mlflow.parentRunId": "p"}),
                    run("b", 2, {"acc": 0.7, "val acc": 0.5}, {"lr": "0.1", "opt": "Adam"}, {}),
                    run("c", 3, {}, {"lr": "0.001"}, {"mlflow.parentRunId": "p"}, status="FAILED")]

    def ids(self, filter_string, order_by=None):
        return [r.info.run_id for r in self.search.ordered(self.search.matching(self.runs, filter_string), order_by)]

    def test_filters(self):
        self.assertEqual(self.ids("metrics.acc > 0.8"), ["a"])
        self.assertEqual(self.ids("metrics.acc >= 0.7 and params.opt = 'Adam'"), ["b"])
        self.assertEqual(self.ids("tags.mlflow.parentRunId = 'p'"), ["c", "a"])  # newest first by default
        self.assertEqual(self.ids("params.opt LIKE 's%'"), ["a"])
        self.assertEqual(self.ids("params.opt ILIKE 'ADA_'"), ["b"])
        self.assertEqual(self.ids("attributes.status IN ('FAILED')"), ["c"])
        self.assertEqual(self.ids("status = 'FINISHED' AND metrics.`val acc` < 1"), ["b"])
        self.assertEqual(self.ids("tags.mlflow.parentRunId IS NULL"), ["b"])
        self.assertEqual(self.ids(""), ["c", "b", "a"])

    def test_order_by_puts_runs_without_the_value_last(self):
        self.assertEqual(self.ids("", ["metrics.acc DESC"]), ["a", "b", "c"])
        self.assertEqual(self.ids("", ["metrics.acc"]), ["b", "a", "c"])
        self.assertEqual(self.ids("", ["params.lr ASC"]), ["c", "a", "b"])

    def test_what_mlflow_refuses(self):
        from mlflow.exceptions import MlflowException
        for bad in ("metrics.acc > 'high'", "params.lr > '0.1'", "metrics.acc = 1 or metrics.acc = 2",
                    "foo.x = 1", "metrics.acc", "params.lr = 0.1"):
            with self.assertRaises(MlflowException, msg=bad):
                self.search.parse_filter(bad)


if __name__ == "__main__":
    unittest.main()
