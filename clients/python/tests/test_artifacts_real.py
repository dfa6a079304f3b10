"""Versioned artifacts from the Python client and the wandb module, against the real binary
(SWEEP_BIN set by CTest's clients.python.artifacts): versions, W&B's no-new-version rule,
use_artifact's read-only folder and its consumer record, wandb.Artifact round trips."""
import json
import os
import subprocess
import tempfile
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, clean_env
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


if __name__ == "__main__":
    unittest.main()
