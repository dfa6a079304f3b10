"""W&B's resume (wandb.init(id=..., resume=...)) against the real `sweep record` (SWEEP_BIN from CTest).

The cases re-derive W&B's own resume tests (tests/system_tests/test_core/
test_resume*.py in wandb/wandb) and its sender's rules (_setup_resume):
  - "allow"/"must" on an existing run resume it: run.resumed, logging goes
    on at the step after the last logged one, the history is kept;
  - "must" with no such run, "never" with one, raise wandb.errors.UsageError;
    "allow"/"never" with an unused id create the run under that id;
  - the resumed config is merged under the new one (the new one wins);
    tags and notes are kept unless given;
  - True/"auto" resumes the run whose id the last unclean exit left in
    wandb/wandb-resume.json, which a clean finish removes.
"""
import json
import os
import subprocess
import tempfile
import textwrap
import unittest

from harness import CHILD_TIMEOUT_S, clean_env
from test_standalone import run_script

REAL_SWEEP_BIN = os.environ.get("SWEEP_BIN")


@unittest.skipUnless(REAL_SWEEP_BIN and os.access(REAL_SWEEP_BIN, os.X_OK),
                     "needs SWEEP_BIN=<build>/bin/sweep (CTest test clients.python.resume sets it)")
class WandbResumeTest(unittest.TestCase):
    def setUp(self):
        self.scratch = os.path.realpath(tempfile.mkdtemp(prefix="sweep_resume_"))
        self.store = os.path.join(self.scratch, ".sweep", "sweep.db")
        self.env = clean_env({"SWEEP_BIN": REAL_SWEEP_BIN, "SWEEP_STORE": self.store})

    def script(self, code, expect_status=0):
        result = run_script(textwrap.dedent(code), self.scratch, self.env)
        self.assertEqual(result.returncode, expect_status, result.stdout + result.stderr)
        return result.stdout.splitlines()

    def sweep(self, *args):
        out = subprocess.run([REAL_SWEEP_BIN, *args, "--store", self.store], cwd=self.scratch, capture_output=True,
                             text=True, timeout=CHILD_TIMEOUT_S)
        self.assertEqual(out.returncode, 0, out.stderr)
        return out.stdout

    def stored_run(self, run_id):
        return json.loads(self.sweep("show", run_id, "--json"))

    def history(self, run_id, key):
        points = [json.loads(line) for line in self.sweep("history", run_id, "--format", "jsonl").splitlines()]
        return [(p["step"], p["value"]) for p in points if p["key"] == key]

    def first_run(self, extra=""):
        (run_id,) = self.script("""
            import wandb
            with wandb.init(project="p", config={"a": 1, "b": 2}, tags=["t1", "t2"], notes="first notes") as run:
                run.log({"acc": 10}, step=15)
                %s
                print(run.id)
        """ % extra)
        return run_id

    def test_allow_and_must_continue_the_run_after_its_last_step(self):
        for mode in ("allow", "must"):
            with self.subTest(resume=mode):
                run_id = self.first_run()
                lines = self.script("""
                    import wandb
                    with wandb.init(project="p", id=%r, resume=%r) as run:
                        print(run.resumed, run.id, run.step)
                        run.log({"acc": 15})
                """ % (run_id, mode))
                self.assertEqual(lines, ["True %s 16" % run_id])
                self.assertEqual(self.history(run_id, "acc"), [(15, 10.0), (16, 15.0)])
                run = self.stored_run(run_id)
                self.assertEqual(run["state"], "finished")
                self.assertEqual(run["summary"]["acc"]["count"], 2)

    def test_must_without_a_run_and_never_with_one_raise_usage_errors(self):
        run_id = self.first_run()
        lines = self.script("""
            import wandb
            for kwargs in ({"id": "nosuchrun", "resume": "must"}, {"resume": "must"}, {"id": %r, "resume": "never"}):
                try:
                    wandb.init(project="p", **kwargs)
                    print("started", kwargs)
                except wandb.errors.UsageError as error:
                    print("UsageError", "must" in str(error) or "never" in str(error))
        """ % run_id)
        self.assertEqual(lines, ["UsageError True"] * 3)
        self.assertEqual(self.history(run_id, "acc"), [(15, 10.0)])  # untouched

    def test_allow_and_never_with_an_unused_id_create_the_run_under_it(self):
        lines = self.script("""
            import wandb
            for run_id, mode in (("my-run-1", "allow"), ("my-run-2", "never")):
                run = wandb.init(project="p", id=run_id, resume=mode, reinit=True)
                print(run.id, run.resumed, run.step)
                run.log({"x": 1})
                run.finish()
        """)
        self.assertEqual(lines, ["my-run-1 False 0", "my-run-2 False 0"])
        self.assertEqual(self.stored_run("my-run-1")["state"], "finished")

    def test_config_merges_under_the_new_one_and_tags_and_notes_are_kept(self):
        run_id = self.first_run()
        lines = self.script("""
            import wandb
            run = wandb.init(project="p", id=%r, resume="must", config={"b": 3})
            print(json.dumps(dict(run.config), sort_keys=True), run.tags, run.notes, float(run.summary["acc"]))
            run.finish()
        """.replace("import wandb", "import json, wandb") % run_id)
        self.assertEqual(lines, ['{"a": 1, "b": 3} (\'t1\', \'t2\') first notes 10.0'])
        run = self.stored_run(run_id)
        self.assertEqual(json.loads(run["tags"]["config"]), {"a": 1, "b": 3})
        self.assertEqual((run["labels"], run["notes"]), (["t1", "t2"], "first notes"))

    def test_tags_given_on_resume_replace_the_stored_ones(self):
        # W&B's test_resume_tags_overwrite: tags given to the resumed run are its tags from then on.
        run_id = self.first_run()
        lines = self.script("""
            import wandb
            run = wandb.init(project="p", id=%r, resume="must", tags=["tag4", "tag5"])
            run.tags += ("tag7",)
            print(run.tags)
            run.finish()
        """ % run_id)
        self.assertEqual(lines, ["('tag4', 'tag5', 'tag7')"])
        self.assertEqual(self.stored_run(run_id)["labels"], ["tag4", "tag5", "tag7"])

    def test_a_failed_run_resumed_ends_finished_with_its_failure_cleared(self):
        run_id = self.first_run(extra="run.finish(exit_code=1)")
        self.assertEqual(self.stored_run(run_id)["state"], "failed")
        self.script("""
            import wandb
            run = wandb.init(project="p", id=%r, resume="allow")
            run.log({"acc": 20})
            run.finish()
        """ % run_id)
        run = self.stored_run(run_id)
        self.assertEqual((run["state"], run.get("failure_reason"), run["exit_code"]), ("finished", None, 0))
        self.assertEqual(self.history(run_id, "acc"), [(15, 10.0), (16, 20.0)])

    def test_auto_resumes_the_run_an_unclean_exit_left_behind(self):
        crashing = """
            import wandb
            run = wandb.init(project="p", resume=True)
            print(run.id, run.resumed)
            run.log({"loss": 1.0})
            raise RuntimeError("preempted")
        """
        (first,) = self.script(crashing, expect_status=1)
        first_id = first.split()[0]
        resume_file = os.path.join(self.scratch, "wandb", "wandb-resume.json")
        with open(resume_file) as handle:
            self.assertEqual(json.load(handle), {"run_id": first_id})
        lines = self.script("""
            import wandb
            run = wandb.init(project="p", resume="auto")
            print(run.id, run.resumed, run.step)
            run.log({"loss": 0.5})
        """)
        self.assertEqual(lines, ["%s True 1" % first_id])
        self.assertFalse(os.path.exists(resume_file))  # a clean exit forgets it
        self.assertEqual(self.stored_run(first_id)["state"], "finished")
        self.assertEqual(self.history(first_id, "loss"), [(0, 1.0), (1, 0.5)])


if __name__ == "__main__":
    unittest.main()
