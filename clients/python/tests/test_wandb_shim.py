"""The wandb drop-in: W&B semantics on top of the same protocol."""
import hashlib
import os
import tempfile
import textwrap
import unittest

from harness import REPO_ROOT, run_trial


def trial(code, **kwargs):
    return run_trial(textwrap.dedent(code), **kwargs)


class InitAndConfigTest(unittest.TestCase):
    def test_import_finds_the_shim_and_sweep_values_lock_defaults(self):
        result = trial("""
            import wandb
            assert wandb.__version__.endswith("sweep-shim") and wandb.__version__ >= "0.12"
            run = wandb.init(project="p", entity="e", name="n", config={"lr": 0.1, "layers": 2}, reinit=False)
            assert wandb.run is run and wandb.init() is run
            print(run.id, run.name, run.project, wandb.config.lr, wandb.config["layers"])
            wandb.config.update({"lr": 0.5, "layers": 3, "extra": "x"})
            wandb.config.lr = 0.7
            print(wandb.config.lr, wandb.config.layers, wandb.config.extra)
        """, params={"lr": 0.01})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), ["run-42 n p 0.01 2", "0.01 3 x"])
        configs = result.of_type("config")
        self.assertEqual(configs[0]["data"], {"lr": 0.01, "layers": 2})
        self.assertEqual(configs[-1]["data"], {"lr": 0.01, "layers": 3, "extra": "x"})
        self.assertEqual(result.stderr.count("'lr' was set by the sweep"), 1, result.stderr)

    def test_name_tags_notes_group_and_job_type_are_sent_as_such(self):
        result = trial("""
            import wandb
            run = wandb.init(name="resnet-a", tags=["baseline", "v2"], notes="first try", group="cv",
                             job_type="train")
            print(run.tags, run.notes, run.group, run.job_type)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.of_type("run"), [{"t": "run", "name": "resnet-a", "tags": ["baseline", "v2"],
                                                  "notes": "first try", "group": "cv", "job_type": "train"}])

    def test_log_before_init_raises_wandb_error(self):
        result = trial("""
            import wandb
            try:
                wandb.log({"a": 1})
            except wandb.Error as error:
                print("error:", error)
        """)
        self.assertIn("error: You must call wandb.init()", result.stdout)
        self.assertEqual(result.messages, [])

    def test_disabled_mode_records_nothing(self):
        result = trial("""
            import wandb
            wandb.init(mode="disabled", config={"a": 1})
            wandb.log({"x": 1})
            wandb.finish()
            print(wandb.config.a)
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "1")
        self.assertEqual(result.messages, [])
        self.assertNotIn("sweep_client:", result.stderr)  # not even a search for `sweep record`


class CommitSemanticsTest(unittest.TestCase):
    def test_commit_false_accumulates_into_the_next_commit(self):
        result = trial("""
            import wandb
            wandb.init()
            wandb.log({"a": 1}, commit=False)
            wandb.log({"b": 2}, commit=False)
            wandb.log({"c": 3})
            wandb.log({"d": 4})
            wandb.log({"e": 5}, commit=False)
            wandb.finish()   # flushes the uncommitted row
        """)
        logs = result.of_type("log")
        self.assertEqual([(m["step"], m["data"]) for m in logs],
                         [(0, {"a": 1, "b": 2, "c": 3}), (1, {"d": 4}), (2, {"e": 5})])
        self.assertEqual(result.messages[-1]["t"], "finish")

    def test_explicit_step_accumulates_until_the_step_grows(self):
        result = trial("""
            import wandb
            run = wandb.init()
            wandb.log({"a": 1}, step=5)
            wandb.log({"b": 2}, step=5)
            wandb.log({"c": 3}, step=7)
            wandb.log({"late": 9}, step=2)   # below the current step: dropped
            print(run.step)
        """)
        logs = result.of_type("log")
        self.assertEqual([(m["step"], m["data"]) for m in logs], [(5, {"a": 1, "b": 2}), (7, {"c": 3})])
        self.assertEqual(result.stdout.strip(), "6")
        self.assertIn("step 2 is below the current step", result.stderr)

    def test_summary_and_context_manager(self):
        result = trial("""
            import wandb
            with wandb.init() as run:
                run.summary["best"] = 0.25
                wandb.run.summary.update({"f1": 0.9})
            with wandb.init() as second:   # a new run once the first has finished
                raise ValueError("training diverged")
        """)
        self.assertEqual([m["t"] for m in result.messages], ["summary", "summary", "finish", "finish"])
        self.assertEqual(result.messages[0]["data"], {"best": 0.25})
        self.assertEqual(result.messages[2], {"t": "finish", "exit_code": 0})
        self.assertEqual(result.messages[3], {"t": "finish", "exit_code": 1})


class ArtifactAndNoopTest(unittest.TestCase):
    def test_artifact_files_and_save_are_copied_with_checksums(self):
        scratch = tempfile.mkdtemp(prefix="wandb_shim_test_")
        os.makedirs(os.path.join(scratch, "out"))
        for name, body in (("model.pt", b"model"), ("out/a.txt", b"aa"), ("out/b.txt", b"bbb")):
            with open(os.path.join(scratch, name), "wb") as handle:
                handle.write(body)
        result = trial("""
            import wandb
            run = wandb.init()
            artifact = wandb.Artifact("my-model", type="model")
            artifact.add_file("model.pt")
            run.log_artifact(artifact)
            wandb.save("out/*.txt")
        """, scratch=scratch)
        self.assertEqual(result.returncode, 0, result.stderr)
        artifacts = result.of_type("artifact")
        self.assertEqual([m["name"] for m in artifacts], ["my-model/model.pt", "a.txt", "b.txt"])
        model = artifacts[0]
        self.assertEqual(model["path"], os.path.join(result.run_dir, "artifacts", "my-model", "model.pt"))
        self.assertEqual(model["sha256"], hashlib.sha256(b"model").hexdigest())
        self.assertEqual(model["size"], 5)
        self.assertTrue(os.path.isfile(model["path"]))

    def test_service_only_calls_are_noops_with_one_note_each(self):
        result = trial("""
            import wandb
            wandb.login(key="x")
            run = wandb.init(settings=wandb.Settings(start_method="thread"))
            wandb.define_metric("loss", summary="min")
            wandb.define_metric("acc", summary="max")
            wandb.watch(object())
            wandb.alert(title="t", text="x")
            table = wandb.Table(columns=["a"])
            table.add_data(1)
            wandb.log({"loss": 1.0, "table": table, "img": wandb.Image(None), "chart": wandb.plot.line(table, "a", "a")})
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.of_type("log")[0]["data"], {"loss": 1.0})
        for call in ("login", "Settings", "watch", "alert"):
            self.assertEqual(result.stderr.count("wandb.%s is not supported" % call), 1, result.stderr)
        # Tables and images are stored now (MediaTest); an image of nothing is refused with a warning.
        self.assertIn("could not store Image 'img'", result.stderr)
        self.assertEqual([m["name"] for m in result.of_type("artifact")],
                         ["media/table_0_0.table.json", "media/table_0_0.csv"])
        self.assertNotIn("skipping non-numeric", result.stderr)


class ExampleScriptTest(unittest.TestCase):
    def test_wandb_example_runs_unchanged_under_the_shim(self):
        script = os.path.join(REPO_ROOT, "examples", "wandb_train.py")
        result = run_trial(script=script, params={"lr": 0.003, "epochs": 4, "optimizer": "sgd"})
        self.assertEqual(result.returncode, 0, result.stderr)
        config = result.of_type("config")[0]["data"]
        self.assertEqual(config, {"lr": 0.003, "batch_size": 32, "optimizer": "sgd", "dropout": 0.1, "epochs": 4})
        logs = result.of_type("log")
        self.assertEqual([m["step"] for m in logs], [0, 1, 2, 3])
        self.assertEqual([m["data"]["epoch"] for m in logs], [1, 2, 3, 4])
        losses = [m["data"]["val_loss"] for m in logs]
        self.assertLess(losses[-1], losses[0])  # the synthetic loss decreases
        best = result.of_type("summary")[0]["data"]["best_val_loss"]
        self.assertAlmostEqual(best, min(losses))
        self.assertEqual(result.messages[-1], {"t": "finish", "exit_code": 0})

    def test_client_example_runs_in_a_sweep(self):
        script = os.path.join(REPO_ROOT, "examples", "client_train.py")
        result = run_trial(script=script, params={"lr": 0.01, "epochs": 3})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual([m["step"] for m in result.of_type("log")], [1, 2, 3])
        artifact = result.of_type("artifact")[0]
        self.assertEqual(artifact["name"], "checkpoint.json")
        with open(artifact["path"], "rb") as handle:
            self.assertEqual(hashlib.sha256(handle.read()).hexdigest(), artifact["sha256"])


if __name__ == "__main__":
    unittest.main()
