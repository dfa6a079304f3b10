"""Outside a sweep: the client streams to `sweep record`, or warns once and runs on."""
import json
import os
import stat
import subprocess
import sys
import tempfile
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, clean_env

# A stand-in for the real binary: reports a run as `sweep record` does, then
# saves its argv and its stdin next to itself; `artifact log` saves its argv.
FAKE_SWEEP = """#!{python}
import json, os, sys
here = os.path.dirname(os.path.abspath(__file__))
if sys.argv[1] == "artifact":  # `sweep artifact log ... --json`: answer as the real one does
    with open(os.path.join(here, "artifact_argv.json"), "w") as f:
        json.dump(sys.argv[1:], f)
    print(json.dumps({{"ref": "notes.txt:v0", "version": "v0", "created": True}}))
    sys.exit(0)
run_dir = os.path.join(here, "run")
os.makedirs(run_dir, exist_ok=True)
print(json.dumps({{"run_id": "fake0001", "run_dir": run_dir, "project": "p"}}), flush=True)
with open(os.path.join(here, "argv.json"), "w") as f:
    json.dump(sys.argv[1:], f)
with open(os.path.join(here, "stdin.jsonl"), "w") as f:
    f.write(sys.stdin.read())
"""

SCRIPT = textwrap.dedent("""
    import sweep_client
    run = sweep_client.init(config={"lr": 0.1}, name="local-try", tags=["baseline"], notes="n")
    print("id", run.id)
    run.log({"loss": 1.5})
    run.summary["best"] = 1.5
    run.log_artifact("notes.txt")
    run.finish()
    print("done", run.config.lr)
""")


def make_fake_sweep(folder, file_name="sweep"):
    path = os.path.join(folder, file_name)
    with open(path, "w") as handle:
        handle.write(FAKE_SWEEP.format(python=sys.executable))
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return path


def run_script(code, cwd, env):
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=CHILD_TIMEOUT_S)


class StandaloneTest(unittest.TestCase):
    def setUp(self):
        self.scratch = tempfile.mkdtemp(prefix="sweep_standalone_")
        self.bin_dir = os.path.join(self.scratch, "bin")
        os.makedirs(self.bin_dir)
        with open(os.path.join(self.scratch, "notes.txt"), "w") as handle:
            handle.write("hello")

    def check_recorded(self):
        with open(os.path.join(self.bin_dir, "argv.json")) as handle:
            argv = json.load(handle)
        self.assertEqual(argv[:4], ["record", "--name", "local-try", "--config-json"])
        self.assertEqual(json.loads(argv[4]), {"lr": 0.1})
        self.assertEqual(argv[5], "--command-json")
        self.assertEqual(json.loads(argv[6])[-2:], ["-c", SCRIPT])  # the script's own command line
        self.assertEqual(argv[7], "--pid")
        with open(os.path.join(self.bin_dir, "stdin.jsonl")) as handle:
            messages = [json.loads(line) for line in handle]
        self.assertEqual([m["t"] for m in messages], ["run", "config", "log", "summary", "finish"])
        self.assertEqual(messages[0], {"t": "run", "name": "local-try", "tags": ["baseline"], "notes": "n"})
        self.assertEqual(messages[2]["data"], {"loss": 1.5})
        # log_artifact runs `sweep artifact log` for the recorded run, synchronously.
        with open(os.path.join(self.bin_dir, "artifact_argv.json")) as handle:
            self.assertEqual(json.load(handle), ["artifact", "log",
                                                 os.path.join(os.path.realpath(self.scratch), "notes.txt"),
                                                 "--run", "fake0001", "--json"])
        # The console output went to the run folder the recorder reported, and to the console.
        with open(os.path.join(self.bin_dir, "run", "stdout.log")) as handle:
            self.assertEqual(handle.read(), "id fake0001\n")

    def test_fake_sweep_on_path_receives_the_stream(self):
        make_fake_sweep(self.bin_dir)
        env = clean_env(path=self.bin_dir + os.pathsep + os.environ.get("PATH", ""))
        result = run_script(SCRIPT, os.path.realpath(self.scratch), env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout, "id fake0001\ndone 0.1\n")
        self.check_recorded()

    def test_sweep_bin_overrides_path(self):
        binary = make_fake_sweep(self.bin_dir, "my-sweep")
        env = clean_env({"SWEEP_BIN": binary}, path="/nonexistent")
        result = run_script(SCRIPT, os.path.realpath(self.scratch), env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.check_recorded()

    def test_without_a_sweep_binary_the_script_runs_with_one_warning(self):
        env = clean_env(path=self.bin_dir)  # empty folder: no `sweep` anywhere
        code = SCRIPT + "sweep_client.init().log({'more': 1})\n"
        result = run_script(code, self.scratch, env)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(result.stdout.endswith("done 0.1\n"), result.stdout)
        self.assertEqual(result.stderr.count("no `sweep` binary found"), 1, result.stderr)
        self.assertEqual(result.stderr.count("sweep_client:"), 1, result.stderr)


if __name__ == "__main__":
    unittest.main()
