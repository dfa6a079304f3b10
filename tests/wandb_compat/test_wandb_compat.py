"""W&B compatibility suite: W&B-format specs and small W&B scripts through the real `sweep` binary.

Each expectation re-derives what W&B's own code does (its agent's command
construction, its sweeps engine) rather than restating our implementation.
Run by CTest as `wandb_compat` with SWEEP_BIN set to the built binary.
"""
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO_ROOT = os.path.dirname(os.path.dirname(HERE))
PYTHON_CLIENTS = os.path.join(REPO_ROOT, "clients", "python")
SWEEP_BIN = os.environ.get("SWEEP_BIN")
# A whole small sweep on a loaded 2-core machine; far beyond it something hangs.
COMMAND_TIMEOUT_S = 240


def python_str(value):
    """Python's str() of a parameter value, as W&B's agent formats `--name={value}`."""
    return str(value)


# wandb/sweeps params.py HyperParameterSet: nested names are flattened with
# this joint and re-nested by to_config() in sorted order.
WANDB_NESTING_DELIMITER = ".wbnest[599c28ca25da]."


def nested(params):
    """The run's config as W&B's agent receives it (HyperParameterSet.to_config's _renest),
    from the dotted names `sweep runs --json` prints."""
    config = {name.replace(".", WANDB_NESTING_DELIMITER): value for name, value in params.items()}
    for key in sorted(config.keys()):
        if WANDB_NESTING_DELIMITER in key:
            node = config
            *parents, leaf = key.split(WANDB_NESTING_DELIMITER)
            for part in parents:
                node = node.setdefault(part, {})
            node[leaf] = config.pop(key)
    return config


@unittest.skipUnless(SWEEP_BIN and os.access(SWEEP_BIN, os.X_OK), "needs SWEEP_BIN=<build>/bin/sweep")
class WandbCompatTest(unittest.TestCase):
    def setUp(self):
        self.scratch = os.path.realpath(tempfile.mkdtemp(prefix="wandb_compat_"))
        for name in os.listdir(HERE):
            if name.endswith((".py", ".yaml")) and not name.startswith("test_"):
                shutil.copy(os.path.join(HERE, name), self.scratch)
        self.store = os.path.join(self.scratch, "store.db")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SWEEP_")}
        self.env.update({"SWEEP_BIN": SWEEP_BIN, "SWEEP_STORE": self.store})

    def tearDown(self):
        shutil.rmtree(self.scratch, ignore_errors=True)

    def sweep(self, *args, check=True):
        out = subprocess.run([SWEEP_BIN, *args], cwd=self.scratch, env=self.env, capture_output=True, text=True,
                             timeout=COMMAND_TIMEOUT_S)
        if check:
            self.assertEqual(out.returncode, 0, out.stdout + out.stderr)
        return out

    def runs(self, sweep_id):
        return json.loads(self.sweep("runs", sweep_id, "--json").stdout)

    def only_sweep(self):
        (sweep,) = json.loads(self.sweep("sweeps", "--json").stdout)
        return sweep

    def python(self, code):
        env = dict(self.env, PYTHONPATH=os.pathsep.join([os.path.join(PYTHON_CLIENTS, "wandb_shim"), PYTHON_CLIENTS]))
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=self.scratch, env=env,
                              capture_output=True, text=True, timeout=COMMAND_TIMEOUT_S)

    # W&B's agent (wandb/sdk/launch/sweeps/utils.py create_sweep_command_args): one
    # "--{param}={value}" per top-level key of the run's config, value = str(value).
    def test_nested_parameters_reach_the_program_as_wandbs_agent_passes_them(self):
        self.sweep("run", "sweep-nested-cli.yaml", "--agents", "1")
        runs = self.runs(self.only_sweep()["id"])
        self.assertEqual(len(runs), 8)
        for run in runs:
            self.assertEqual(run["state"], "finished", run)
            config = nested(run["params"])
            expected = ["--%s=%s" % (key, python_str(value)) for key, value in config.items()]
            self.assertEqual(run["argv"][3:], expected)
            self.assertEqual(ast.literal_eval(run["argv"][4].split("=", 1)[1]), config["optimizer"])
            self.assertEqual(run["summary"]["loss"]["count"], 3)

    # ${args_no_equals}: ["--{param}", str(value)] per parameter; an item that is
    # exactly an unknown ${macro} expands to nothing (sweep_vars.get(name) or []).
    def test_args_no_equals_and_unknown_macro_item(self):
        validated = self.sweep("validate", "sweep-no-equals.yaml")
        self.assertIn("warning: command: unknown macro 'not_a_macro'", validated.stderr)
        self.sweep("run", "sweep-no-equals.yaml", "--agents", "1")
        runs = self.runs(self.only_sweep()["id"])
        self.assertEqual([r["state"] for r in runs], ["finished"] * 4)
        for run in runs:
            expected = [item for key, value in run["params"].items() for item in ("--" + key, python_str(value))]
            self.assertEqual(run["argv"][3:], expected)

    # W&B's hyperband_stop_runs: band b is judged once a run has b values, at
    # history[b - 1]. Flat runs 1, 2, 5 with min_iter 1, eta 2: the third is
    # stopped at its 1st value (sorted([1, 2, 5])[int(3 / 2)] = 2 < 5).
    def test_hyperband_stops_at_wandbs_band(self):
        self.sweep("run", "sweep-hyperband-flat.yaml", "--agents", "1")
        runs = self.runs(self.only_sweep()["id"])
        self.assertEqual([r["params"]["level"] for r in runs], [1, 2, 5])
        self.assertEqual([r["state"] for r in runs], ["finished", "finished", "stopped"])
        self.assertIn("at band 1 (its 1st value)", runs[2]["failure_reason"])

    # W&B accepts a spec without program and with keys its schema does not
    # know (a "malformed sweep config" warning); q_normal's default q is 1.0,
    # so values are floats; wandb.agent runs it in-process.
    def test_program_less_spec_through_wandb_agent(self):
        validated = self.sweep("validate", "sweep-program-less.yaml")
        self.assertIn("warning: unknown top-level key 'RUN'", validated.stderr)
        refused = self.sweep("run", "sweep-program-less.yaml", check=False)
        self.assertNotEqual(refused.returncode, 0)
        self.assertIn("no 'program'", refused.stderr)
        self.assertIn("wandb.agent(", refused.stderr)
        dry = self.sweep("run", "sweep-program-less.yaml", "--dry-run", "--count", "3")
        for line in dry.stdout.splitlines():
            self.assertIsInstance(json.loads(line)["width"], float, line)

        result = self.python("""
            import yaml, wandb
            with open("sweep-program-less.yaml") as f:
                config = yaml.safe_load(f)
            calls = []
            def train():
                run = wandb.init()
                calls.append(dict(wandb.config))
                if len(calls) == 2:
                    raise RuntimeError("diverged at lr %g" % wandb.config.lr)
                wandb.define_metric("acc", summary="max")
                for acc in (0.5, 1, 3, 2):
                    wandb.log({"acc": acc * wandb.config.lr})
            sweep_id = wandb.sweep(config, project="compat")
            wandb.agent(sweep_id, function=train, count=3)
            print(sweep_id, len(calls), all(isinstance(c["width"], float) for c in calls))
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        sweep_id, count, floats = result.stdout.split()
        self.assertEqual((count, floats), ("3", "True"))
        runs = self.runs(sweep_id)
        self.assertEqual([r["state"] for r in runs], ["finished", "failed", "finished"])
        self.assertIn("RuntimeError: diverged at lr", runs[1]["failure_reason"])
        for run in (runs[0], runs[2]):
            # define_metric(summary="max"): the objective is the largest logged value (3 * lr), not the last.
            self.assertAlmostEqual(run["objective"], 3 * run["params"]["lr"])
            self.assertEqual(run["summary"]["acc"]["count"], 4)


if __name__ == "__main__":
    unittest.main()
