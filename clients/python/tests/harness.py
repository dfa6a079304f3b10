"""Runs Python code as a trial would run: in a child process with a metrics pipe.

The child gets SWEEP_METRICS_FD naming the write end of a real pipe
(pass_fds), exactly as the agent launches trials; the test reads the other
end and gets back every protocol line the client wrote.
"""
import json
import os
import subprocess
import sys
import tempfile

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHIM_DIR = os.path.join(PYTHON_DIR, "wandb_shim")
MLFLOW_SHIM_DIR = os.path.join(PYTHON_DIR, "mlflow_shim")
REPO_ROOT = os.path.dirname(os.path.dirname(PYTHON_DIR))
# A trial that takes longer than this in a unit test is stuck.
CHILD_TIMEOUT_S = 60


class TrialResult:
    def __init__(self, returncode, stdout, stderr, raw_lines, run_dir):
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.raw_lines = raw_lines  # exactly as written, newline stripped
        self.messages = [json.loads(line) for line in raw_lines]  # json accepts NaN/Infinity
        self.run_dir = run_dir

    def of_type(self, kind):
        return [m for m in self.messages if m["t"] == kind]


def clean_env(extra=None, path=None):
    """os.environ without any SWEEP_* variables (the test may run inside a sweep itself)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SWEEP_")}
    env["PYTHONPATH"] = os.pathsep.join([SHIM_DIR, MLFLOW_SHIM_DIR, PYTHON_DIR])
    if path is not None:
        env["PATH"] = path
    env.update(extra or {})
    return env


def run_trial(code=None, script=None, params=None, scratch=None, extra_env=None, interpreter=None):
    """Run `code` (a string) or `script` (a path) as a sweep trial; returns a TrialResult."""
    scratch = scratch or tempfile.mkdtemp(prefix="sweep_client_test_")
    run_dir = os.path.join(scratch, "run")
    os.makedirs(run_dir, exist_ok=True)
    params_file = os.path.join(scratch, "params.json")
    with open(params_file, "w") as handle:
        json.dump(params or {}, handle)
    read_end, write_end = os.pipe()
    env = clean_env({
        "SWEEP_METRICS_FD": str(write_end),
        "SWEEP_ID": "sweep-1",
        "SWEEP_RUN_ID": "run-42",
        "SWEEP_PARAMS_FILE": params_file,
        "SWEEP_RUN_DIR": run_dir,
    })
    env.update(extra_env or {})
    python = interpreter or sys.executable
    argv = [python, "-c", code] if code is not None else [python, script]
    process = subprocess.Popen(argv, env=env, pass_fds=(write_end,), cwd=scratch,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    os.close(write_end)  # only the child holds it now: EOF when the child exits
    with os.fdopen(read_end, encoding="utf-8") as reader:
        raw = reader.read()
    stdout, stderr = process.communicate(timeout=CHILD_TIMEOUT_S)
    assert raw == "" or raw.endswith("\n"), "every message must end with a newline: %r" % raw[-80:]
    return TrialResult(process.returncode, stdout, stderr, raw.splitlines(), run_dir)


def populate_store(prefix, files, binary, extra_env=None):
    """Writes `files` ({name: text}) into a fresh folder, then runs `spec.yaml`
    as a sweep and `standalone.py` as a standalone run into the store there.
    Returns (folder, store path, the environment used)."""
    scratch = os.path.realpath(tempfile.mkdtemp(prefix=prefix))
    store = os.path.join(scratch, ".sweep", "sweep.db")
    for name, text in files.items():
        with open(os.path.join(scratch, name), "w") as handle:
            handle.write(text)
    env = clean_env(dict({"SWEEP_BIN": binary, "SWEEP_STORE": store}, **(extra_env or {})))
    for argv in ([binary, "run", "spec.yaml"], [sys.executable, "standalone.py"]):
        done = subprocess.run(argv, cwd=scratch, env=env, capture_output=True, text=True, timeout=CHILD_TIMEOUT_S)
        assert done.returncode == 0, done.stdout + done.stderr
    return scratch, store, env
