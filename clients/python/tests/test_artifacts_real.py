"""Versioned artifacts from the Python client and the wandb module, against the real binary
(SWEEP_BIN set by CTest's clients.python.artifacts): versions, W&B's no-new-version rule,
use_artifact's read-only folder and its consumer record, wandb.Artifact round trips (new_file, add,
file:// references), data versions from dataset artifacts and mlflow.log_input."""
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, PYTHON_DIR, clean_env
from test_standalone import run_script

# Read before clean_env drops SWEEP_* variables.
REAL_SWEEP_BIN = os.environ.get("SWEEP_BIN")


@unittest.skipUnless(REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK),
                     "needs SWEEP_BIN=<build>/bin/sweep (CTest test clients.python.artifacts sets it)")
class RealArtifactTest(unittest.TestCase):
    def setUp(self):
        self.scratch = os.path.realpath(tempfile.mkdtemp(prefix="sweep_artifacts_real_"))
        self.store = os.path.join(self.scratch, ".sweep", "sweep.db")
        self.env = clean_env({"SWEEP_BIN": REAL_SWEEP_BIN, "SWEEP_STORE": self.store})

    def script(self, code):
        result = run_script(textwrap.dedent(code), self.scratch, self.env)
        self.assertEqual(result.returncode, 0, result.stderr)
        return result.stdout

    def sweep(self, *args):
        out = subprocess.run([REAL_SWEEP_BIN, *args, "--store", self.store, "--json"], cwd=self.scratch,
                             capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
        self.assertEqual(out.returncode, 0, out.stderr)
        return json.loads(out.stdout)

    def test_versions_identical_content_and_use(self):
        printed = self.script("""
            import json, os, sweep_client
            run = sweep_client.init(project="p", name="producer")
            os.makedirs("data/sub", exist_ok=True)
            open("data/a.csv", "w").write("1,2\\n")
            open("data/sub/b.csv", "w").write("3,4\\n")
            first = sweep_client.log_artifact("data", name="table", type="dataset", metadata={"rows": 2})
            again = sweep_client.log_artifact("data", name="table", type="dataset")
            open("data/a.csv", "w").write("5,6\\n")
            changed = sweep_client.log_artifact("data", name="table", type="dataset")
            print(json.dumps([first["ref"], again["ref"], again["created"], changed["ref"], run.id]))
        """)
        first, again, again_created, changed, producer = json.loads(printed)
        self.assertEqual((first, again, again_created, changed), ("table:v0", "table:v0", False, "table:v1"))
        printed = self.script("""
            import json, os, sweep_client
            run = sweep_client.init(project="p", name="consumer")
            path = sweep_client.use_artifact("table:v0")
            print(json.dumps([path, open(os.path.join(path, "a.csv")).read(), sorted(os.listdir(path)),
                              os.stat(os.path.join(path, "a.csv")).st_mode & 0o222, run.id]))
        """)
        path, text, listing, write_bits, consumer = json.loads(printed)
        self.assertEqual((text, listing, write_bits), ("1,2\n", ["a.csv", "sub"], 0))  # read-only, even for root
        shown = self.sweep("artifact", "show", "table:v0")
        self.assertEqual(shown["producer_run"], producer)
        self.assertEqual(shown["consumer_runs"], [consumer])
        self.assertEqual(shown["metadata"], {"rows": 2})
        self.assertEqual([f["path"] for f in shown["files"]], ["a.csv", "sub/b.csv"])

    def test_use_of_an_unknown_artifact_raises(self):
        result = run_script("import sweep_client\nsweep_client.init(project='p')\nsweep_client.use_artifact('nope:v0')\n",
                            self.scratch, self.env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("ArtifactError", result.stderr)
        self.assertIn("no artifact", result.stderr)

    def test_wandb_artifact_round_trip(self):
        printed = self.script("""
            import json, os, wandb
            open("model.pt", "w").write("weights")
            os.makedirs("extra", exist_ok=True)
            open("extra/cfg.json", "w").write("{}")
            run = wandb.init(project="w")
            art = wandb.Artifact("my-model", type="model", metadata={"acc": 0.9})
            art.add_file("model.pt")
            art.add_dir("extra", name="extra")
            logged = run.log_artifact(art)
            by_path = run.log_artifact("model.pt")
            print(json.dumps([logged.version, logged.name, sorted(logged.aliases), by_path.name, by_path.type,
                              run.id]))
            run.finish()
            run = wandb.init(project="w")
            used = run.use_artifact("my-model:latest")
            folder = used.download()
            single = wandb.use_artifact(by_path.name + ":v0").file()
            print(json.dumps([used.version, used.metadata, sorted(os.listdir(folder)), open(single).read()]))
        """)
        first, second = [json.loads(line) for line in printed.splitlines()]
        version, name, aliases, path_name, path_type, run_id = first
        self.assertEqual((version, name, aliases), ("v0", "my-model", ["latest"]))
        self.assertEqual((path_name, path_type), ("run-%s-model.pt" % run_id, "unspecified"))
        self.assertEqual(second, ["v0", {"acc": 0.9}, ["extra", "model.pt"], "weights"])


    def run_inputs(self, run_id):
        """The run's data versions, read back through the client's Api."""
        if PYTHON_DIR not in sys.path:
            sys.path.insert(0, PYTHON_DIR)
        from sweep_client import Api
        return Api(store=self.store, binary=REAL_SWEEP_BIN).run(run_id).inputs

    def test_wandb_new_file_add_table_and_file_reference(self):
        printed = self.script("""
            import json, os, wandb
            os.makedirs("refs/sub", exist_ok=True)
            open("refs/sub/x.txt", "w").write("x")
            open("one.txt", "w").write("one")
            run = wandb.init(project="w")
            art = wandb.Artifact("bundle", type="dataset")
            with art.new_file("notes/readme.txt") as handle:
                handle.write("written in place")
            art.add(wandb.Table(columns=["a", "b"], data=[[1, "x"], [2, "y"]]), "scores")
            art.add(wandb.Table(columns=["a"], data=[[9]]), "scores.table.json")  # taken: the first stays
            refused = 0
            try:
                with art.new_file("notes/readme.txt"):  # already added
                    pass
            except ValueError:
                refused += 1
            try:
                art.add(wandb.Histogram([1, 2]), "h")  # not a type W&B's add takes
            except ValueError:
                refused += 1
            art.add_reference("file://" + os.path.abspath("refs"), name="refs")
            art.add_reference("file://" + os.path.abspath("one.txt"))
            art.add_reference("s3://bucket/key")
            art.add_reference("s3://bucket/other")
            print(run.log_artifact(art).version, refused)
        """)
        self.assertEqual(printed.strip(), "v0 2")
        shown = self.sweep("artifact", "show", "bundle:v0")
        self.assertEqual(sorted(f["path"] for f in shown["files"]),
                         ["notes/readme.txt", "one.txt", "refs/sub/x.txt", "scores.table.json"])
        folder = self.script("""
            import wandb
            print(wandb.init(project="w").use_artifact("bundle:v0").download())
        """).strip()
        with open(os.path.join(folder, "notes", "readme.txt")) as handle:
            self.assertEqual(handle.read(), "written in place")
        with open(os.path.join(folder, "scores.table.json")) as handle:
            self.assertEqual(json.load(handle), {"columns": ["a", "b"], "data": [[1, "x"], [2, "y"]]})

    def test_unsupported_reference_schemes_are_noted_once_and_paths_refused(self):
        result = run_script(textwrap.dedent("""
            import wandb
            art = wandb.Artifact("remote", type="dataset")
            art.add_reference("s3://bucket/key")
            art.add_reference("gs://bucket/key")
            art.add_reference("s3://bucket/other")
            try:
                art.add_reference("data/train.csv")
            except ValueError as error:
                print(error)
        """), self.scratch, self.env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stderr.count("s3://"), 1, result.stderr)
        self.assertIn("use file://", result.stdout)  # a plain path is not a reference, as in W&B

    def test_using_a_dataset_artifact_records_its_version_as_a_data_version(self):
        printed = self.script("""
            import json, os, wandb
            run = wandb.init(project="w")
            open("train.csv", "w").write("a\\n1\\n")
            first = wandb.Artifact("train-set", type="dataset")
            first.add_file("train.csv")
            run.log_artifact(first)
            open("train.csv", "w").write("a\\n2\\n")
            second = wandb.Artifact("train-set", type="dataset")
            second.add_file("train.csv")
            run.log_artifact(second)
            model = wandb.Artifact("net", type="model")
            model.add_file("train.csv")
            run.log_artifact(model)
            run.finish()
            ids, digests = [], []
            for ref in ("train-set:v0", "train-set:v1"):
                run = wandb.init(project="w")
                digests.append(run.use_artifact(ref).digest)
                run.use_artifact("net:v0")
                ids.append(run.id)
                run.finish()
            print(json.dumps([ids, digests]))
        """)
        ids, digests = json.loads(printed)
        inputs = [self.run_inputs(run_id) for run_id in ids]
        self.assertEqual([sorted(i) for i in inputs], [["train-set"], ["train-set"]])  # not the model
        self.assertEqual([(i["train-set"]["digest"], i["train-set"]["path"]) for i in inputs],
                         [(digests[0], "train-set:v0"), (digests[1], "train-set:v1")])
        self.assertNotEqual(digests[0], digests[1])
        diff = subprocess.run([REAL_SWEEP_BIN, "diff", ids[0], ids[1], "--store", self.store], cwd=self.scratch,
                              capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
        self.assertEqual(diff.returncode, 0, diff.stderr)
        self.assertIn("data changed: train-set", diff.stdout)

    def test_mlflow_log_input_is_a_data_version_of_the_run(self):
        printed = self.script("""
            import mlflow
            with mlflow.start_run() as run:
                data = mlflow.data.Dataset("digits", "1234abcd", "sklearn.datasets.load_digits")
                mlflow.log_input(data, context="training", tags={"split": "train"})
                print(run.info.run_id)
        """)
        run_id = printed.strip()
        digits = self.run_inputs(run_id)["digits"]
        self.assertEqual((digits["digest"], digits["path"], digits["context"]),
                         ("1234abcd", "sklearn.datasets.load_digits", "training"))
        shown = self.sweep("show", run_id)
        self.assertIn("input.digits", shown["tags"])
        self.assertEqual(shown["tags"]["dataset.digits.split"], "train")
        read_back = self.script("""
            import mlflow
            run = mlflow.get_run("%s")
            (used,) = run.inputs.dataset_inputs
            print(used.dataset.name, used.dataset.digest, used.dataset.source, used.tags["mlflow.data.context"],
                  any(key.startswith("input.") for key in run.data.tags))
        """ % run_id)
        self.assertEqual(read_back.split(), ["digits", "1234abcd", "sklearn.datasets.load_digits", "training", "False"])

if __name__ == "__main__":
    unittest.main()
