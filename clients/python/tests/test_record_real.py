"""Outside a sweep, against the real `sweep record` (SWEEP_BIN set by CTest's clients.python.record).

test_standalone.py checks what the client sends, against a stand-in binary;
this checks that the real recorder stores it: the run, its metrics, summary,
config and the artifact stored as a version in the content store.
"""
import hashlib
import json
import os
import subprocess
import tempfile
import unittest

from harness import CHILD_TIMEOUT_S, clean_env
from test_standalone import SCRIPT, run_script

# Read before clean_env drops SWEEP_* variables.
REAL_SWEEP_BIN = os.environ.get("SWEEP_BIN")


@unittest.skipUnless(REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK),
                     "needs SWEEP_BIN=<build>/bin/sweep (CTest test clients.python.record sets it)")
class RealRecordTest(unittest.TestCase):
    def test_standalone_run_is_stored(self):
        scratch = os.path.realpath(tempfile.mkdtemp(prefix="sweep_record_real_"))
        with open(os.path.join(scratch, "notes.txt"), "w") as handle:
            handle.write("hello")
        store = os.path.join(scratch, ".sweep", "sweep.db")
        env = clean_env({"SWEEP_BIN": REAL_SWEEP_BIN, "SWEEP_STORE": store})
        result = run_script(SCRIPT, scratch, env)
        self.assertEqual(result.returncode, 0, result.stderr)
        printed_id = result.stdout.splitlines()[0].split()[1]
        self.assertEqual(result.stdout.splitlines()[1], "done 0.1")

        def sweep(*args):
            out = subprocess.run([REAL_SWEEP_BIN, *args, "--store", store, "--json"], cwd=scratch,
                                 capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
            self.assertEqual(out.returncode, 0, out.stderr)
            doc = json.loads(out.stdout)
            return doc if isinstance(doc, list) else [doc]

        (project,) = sweep("sweeps")
        # No project given: the working directory's name; the run's group is the project's manual sweep.
        self.assertEqual((project["project"], project["method"], project["state"]),
                         (os.path.basename(scratch), "manual", "finished"))
        (run,) = sweep("runs", project["id"])
        self.assertEqual(run["id"], printed_id)  # one id everywhere
        self.assertEqual(run["state"], "finished", run)
        self.assertEqual((run["name"], run["labels"], run["notes"]), ("local-try", ["baseline"], "n"))
        self.assertEqual(run["params"], {"lr": 0.1})
        self.assertEqual(run["summary"]["loss"]["last"], 1.5)
        tags = run["tags"]
        self.assertEqual(tags["summary.best"], "1.5")
        self.assertEqual(json.loads(tags["config"]), {"lr": 0.1})
        # log_artifact made version v0 of artifact "notes.txt", its bytes in the content store.
        (artifact,) = sweep("artifact", "show", "notes.txt")
        self.assertEqual((artifact["ref"], artifact["producer_run"]), ("notes.txt:v0", printed_id))
        (stored,) = artifact["files"]
        self.assertEqual((stored["path"], stored["size"]), ("notes.txt", 5))
        self.assertEqual(stored["sha256"], hashlib.sha256(b"hello").hexdigest())
        with open(os.path.join(scratch, ".sweep", "artifacts", stored["sha256"])) as handle:
            self.assertEqual(handle.read(), "hello")
        self.assertEqual(tags["artifact.notes.txt"].split(" ")[2], "notes.txt:v0")
        with open(os.path.join(run["run_dir"], "stdout.log")) as handle:
            self.assertEqual(handle.read(), "id %s\n" % printed_id)  # the console output, kept

    def test_an_uncaught_exception_fails_the_run_with_the_traceback_line(self):
        scratch = os.path.realpath(tempfile.mkdtemp(prefix="sweep_record_crash_"))
        store = os.path.join(scratch, ".sweep", "sweep.db")
        env = clean_env({"SWEEP_BIN": REAL_SWEEP_BIN, "SWEEP_STORE": store})
        code = "import sweep_client\nsweep_client.init(project='p')\nraise KeyError('missing column')\n"
        result = run_script(code, scratch, env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("KeyError", result.stderr)  # still shown on the console
        out = subprocess.run([REAL_SWEEP_BIN, "runs", "p", "--store", store, "--json"], capture_output=True, text=True,
                             timeout=CHILD_TIMEOUT_S)
        (run,) = json.loads(out.stdout)
        self.assertEqual((run["state"], run["failure_reason"]), ("failed", "KeyError: 'missing column'"))
        with open(os.path.join(run["run_dir"], "stderr.log")) as handle:
            self.assertIn("Traceback", handle.read())

    def recorded_run(self, code, project):
        """Runs `code` standalone into a fresh store; returns (the process result, the run as stored)."""
        scratch = os.path.realpath(tempfile.mkdtemp(prefix="sweep_record_exit_"))
        store = os.path.join(scratch, ".sweep", "sweep.db")
        result = run_script(code, scratch, clean_env({"SWEEP_BIN": REAL_SWEEP_BIN, "SWEEP_STORE": store}))
        out = subprocess.run([REAL_SWEEP_BIN, "runs", project, "--store", store, "--json"], capture_output=True,
                             text=True, timeout=CHILD_TIMEOUT_S)
        self.assertEqual(out.returncode, 0, out.stderr)
        (run,) = json.loads(out.stdout)
        return result, run

    def test_sys_exit_with_a_nonzero_status_fails_the_run_naming_the_code(self):
        # W&B's exit hook reads sys.exit(n) as the run's exit code; a trial exiting 3 fails, so does this run.
        for call, status, reason in (("sys.exit(3)", 3, "exited with code 3 (sys.exit(3))"),
                                     ("exit(4)", 4, "exited with code 4 (sys.exit(4))"),
                                     ("sys.exit('bad input')", 1, "exited with code 1: bad input")):
            with self.subTest(call=call):
                code = "import sys, sweep_client\nsweep_client.init(project='p')\n%s\n" % call
                result, run = self.recorded_run(code, "p")
                self.assertEqual(result.returncode, status, result.stderr)
                self.assertEqual((run["state"], run["exit_code"], run["failure_reason"]), ("failed", status, reason))

    def test_sys_exit_zero_finishes_the_run(self):
        for call in ("sys.exit(0)", "sys.exit()", "sys.exit(None)"):
            with self.subTest(call=call):
                code = "import sys, sweep_client\nsweep_client.init(project='p')\n%s\n" % call
                result, run = self.recorded_run(code, "p")
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertEqual((run["state"], run["exit_code"], run["failure_reason"]), ("finished", 0, None))

    def test_the_wandb_module_records_sys_exit_too(self):
        code = "import sys, wandb\nwandb.init(project='w')\nwandb.log({'a': 1})\nsys.exit(2)\n"
        result, run = self.recorded_run(code, "w")
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual((run["state"], run["exit_code"]), ("failed", 2))


if __name__ == "__main__":
    unittest.main()
