"""Protocol lines written by sweep_client inside a sweep (a real pipe as SWEEP_METRICS_FD)."""
import hashlib
import math
import os
import tempfile
import textwrap
import unittest

from harness import run_trial


def trial(code, **kwargs):
    return run_trial(textwrap.dedent(code), **kwargs)


class LogTest(unittest.TestCase):
    def test_log_writes_one_line_per_call_with_auto_step(self):
        result = trial("""
            import sweep_client
            run = sweep_client.init()
            run.log({"loss": 0.5, "acc": 1})
            sweep_client.log({"loss": 0.25})
            run.log({"loss": 0.125}, step=10)
            run.log({"loss": 0.0625})
            run.finish()
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        logs = result.of_type("log")
        self.assertEqual([m["step"] for m in logs], [0, 1, 10, 11])
        self.assertEqual(logs[0]["data"], {"loss": 0.5, "acc": 1})
        self.assertEqual(sorted(logs[0]), ["data", "step", "t", "time"])
        self.assertIsInstance(logs[0]["time"], float)
        self.assertEqual(result.messages[-1], {"t": "finish", "exit_code": 0})
        # No config message: no defaults were given.
        self.assertEqual([m["t"] for m in result.messages], ["log"] * 4 + ["finish"])

    def test_bool_nested_and_non_numeric_values(self):
        result = trial("""
            import sweep_client
            run = sweep_client.init()
            run.log({"ok": True, "name": "x", "train": {"loss": 2}})
            run.log({"ok": False, "name": "y"})
        """)
        logs = result.of_type("log")
        self.assertEqual(logs[0]["data"], {"ok": 1, "train/loss": 2})
        self.assertEqual(logs[1]["data"], {"ok": 0})
        self.assertEqual(result.stderr.count("skipping non-numeric value for 'name'"), 1, result.stderr)

    def test_nan_and_infinity_are_written_as_literals(self):
        result = trial("""
            import sweep_client
            sweep_client.init().log({"a": float("nan"), "b": float("inf"), "c": -float("inf")})
        """)
        line = result.raw_lines[0]
        self.assertIn('"a":NaN', line)
        self.assertIn('"b":Infinity', line)
        self.assertIn('"c":-Infinity', line)
        self.assertTrue(math.isnan(result.messages[0]["data"]["a"]))

    def test_atexit_finishes_and_an_uncaught_exception_reports_failure(self):
        clean = trial("import sweep_client; sweep_client.init().log({'x': 1})")
        self.assertEqual(clean.messages[-1], {"t": "finish", "exit_code": 0})
        crashed = trial("import sweep_client; sweep_client.init(); raise SystemError('boom')")
        self.assertNotEqual(crashed.returncode, 0)
        self.assertEqual(crashed.messages[-1], {"t": "finish", "exit_code": 1, "reason": "SystemError: boom"})
        self.assertEqual(len(crashed.of_type("finish")), 1)

    def test_name_tags_and_notes_go_in_one_run_message(self):
        result = trial("import sweep_client; sweep_client.init(name='a', tags=['x', 'y'], notes='n')")
        self.assertEqual(result.messages[0], {"t": "run", "name": "a", "tags": ["x", "y"], "notes": "n"})
        plain = trial("import sweep_client; sweep_client.init()")
        self.assertEqual(plain.of_type("run"), [])  # nothing given, nothing sent

    def test_calls_after_finish_are_ignored(self):
        result = trial("""
            import sweep_client
            run = sweep_client.init()
            run.finish(exit_code=3)
            run.log({"late": 1})
            run.finish()
        """)
        self.assertEqual(result.messages, [{"t": "finish", "exit_code": 3}])
        self.assertIn("run has finished", result.stderr)

    def test_a_vanished_reader_does_not_kill_the_script(self):
        result = trial("""
            import os, sweep_client
            run = sweep_client.init()
            os.close(int(os.environ["SWEEP_METRICS_FD"]))
            for i in range(3):
                run.log({"x": i})
            print("survived")
        """)
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("survived", result.stdout)
        self.assertEqual(result.stderr.count("no longer recorded"), 1, result.stderr)

    def test_an_unusable_descriptor_warns_and_the_script_runs(self):
        result = trial("""
            import sweep_client
            sweep_client.init().log({"x": 1})
            print("ran")
        """, extra_env={"SWEEP_METRICS_FD": "999"})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.strip(), "ran")
        self.assertIn("SWEEP_METRICS_FD='999' is not an open file descriptor", result.stderr)
        self.assertEqual(result.messages, [])

    def test_lines_stay_whole_when_threads_log_together(self):
        threads, per_thread = 4, 200
        result = trial("""
            import threading, sweep_client
            run = sweep_client.init()
            def work(k):
                for i in range(%d):
                    run.log({"thread%%d" %% k: i, "padding": 0.123456789})
            workers = [threading.Thread(target=work, args=(k,)) for k in range(%d)]
            for w in workers: w.start()
            for w in workers: w.join()
        """ % (per_thread, threads))
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(len(result.of_type("log")), threads * per_thread)
        self.assertEqual(result.messages[-1]["t"], "finish")


class ConfigAndSummaryTest(unittest.TestCase):
    def test_sweep_values_override_and_lock_defaults(self):
        result = trial("""
            import sweep_client
            run = sweep_client.init(config={"lr": 0.1, "epochs": 5, "model": {"depth": 2, "width": 8}})
            c = run.config
            print(c.lr, c["epochs"], c.model["depth"], c.model["width"], sweep_client.config is c)
            c.lr = 0.5            # locked: the sweep chose it
            c.epochs = 7          # not locked
            c["epochs"] = 7       # no change: no message
            print(c.lr, c.epochs, c.is_locked("lr"), c.is_locked("epochs"))
        """, params={"lr": 0.01, "model": {"depth": 4}})
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertEqual(result.stdout.splitlines(), ["0.01 5 4 8 True", "0.01 7 True False"])
        self.assertIn("'lr' was set by the sweep", result.stderr)
        configs = result.of_type("config")
        self.assertEqual(len(configs), 2)
        self.assertEqual(configs[0]["data"], {"lr": 0.01, "epochs": 5, "model": {"depth": 4, "width": 8}})
        self.assertEqual(configs[1]["data"]["epochs"], 7)
        self.assertEqual(configs[1]["data"]["lr"], 0.01)

    def test_config_accepts_an_argparse_namespace(self):
        result = trial("""
            import argparse, pathlib, sweep_client
            args = argparse.Namespace(lr=0.1, out=pathlib.Path("/tmp/out"))
            print(sweep_client.init(config=args).config.lr)
        """, params={"lr": 0.2})
        self.assertEqual(result.stdout.strip(), "0.2")
        self.assertEqual(result.of_type("config")[0]["data"], {"lr": 0.2, "out": "/tmp/out"})

    def test_summary_assignment_and_update(self):
        result = trial("""
            import sweep_client
            run = sweep_client.init()
            run.summary["best"] = 0.5
            run.summary.update({"epochs_run": 3, "status": "ok"})
            print(run.summary["best"], len(run.summary))
        """)
        self.assertEqual(result.stdout.strip(), "0.5 3")
        self.assertEqual(result.of_type("summary"), [
            {"t": "summary", "data": {"best": 0.5}},
            {"t": "summary", "data": {"epochs_run": 3, "status": "ok"}},
        ])


class LogInputTest(unittest.TestCase):
    def test_log_input_sends_the_data_version_and_caches_digests_by_size_and_mtime(self):
        scratch = tempfile.mkdtemp(prefix="sweep_input_")
        os.makedirs(os.path.join(scratch, "data", "sub"))
        for name, text in (("data/train.csv", "a,b\n1,2\n3,4\n"), ("data/sub/x.bin", "xy")):
            with open(os.path.join(scratch, name), "w") as handle:
                handle.write(text)
        code = """
            import os, sweep_client
            run = sweep_client.init()
            run.log_input("data/train.csv", context="train")
            run.log_input("data", name="all")
            run.log_input(digest="3f2a9c1d", source="s3://bucket/ds", name="remote", context="eval")
        """
        env = {"XDG_CACHE_HOME": os.path.join(scratch, "cache")}
        first = run_trial(textwrap.dedent(code), scratch=scratch, extra_env=env)
        self.assertEqual(first.returncode, 0, first.stderr)
        train, folder, remote = first.of_type("input")
        self.assertEqual(train, {"t": "input", "name": "train.csv", "path": os.path.join(os.path.realpath(scratch),
                                                                                        "data", "train.csv"),
                                 "context": "train", "digest": hashlib.sha256(b"a,b\n1,2\n3,4\n").hexdigest(),
                                 "size": 12, "files": 1, "rows": 2})
        listing = "%s  sub/x.bin\n%s  train.csv\n" % (hashlib.sha256(b"xy").hexdigest(), train["digest"])
        self.assertEqual((folder["name"], folder["digest"], folder["size"], folder["files"]),
                         ("all", hashlib.sha256(listing.encode()).hexdigest(), 14, 2))
        self.assertEqual((remote["digest"], remote["path"], remote["context"]), ("3f2a9c1d", "s3://bucket/ds", "eval"))
        # Same size and mtime: the cached digest is used, the file is not read again.
        path = os.path.join(scratch, "data", "train.csv")
        stat = os.stat(path)
        with open(path, "w") as handle:
            handle.write("a,b\n9,9\n3,4\n")
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        second = run_trial(textwrap.dedent(code), scratch=scratch, extra_env=env)
        self.assertEqual(second.of_type("input")[0]["digest"], train["digest"])
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1000))  # touched: read again
        third = run_trial(textwrap.dedent(code), scratch=scratch, extra_env=env)
        self.assertEqual(third.of_type("input")[0]["digest"], hashlib.sha256(b"a,b\n9,9\n3,4\n").hexdigest())


class ArtifactTest(unittest.TestCase):
    def test_artifact_is_copied_with_its_sha256_and_size(self):
        scratch = tempfile.mkdtemp(prefix="sweep_client_test_")
        content = b"weights" * 1000
        with open(os.path.join(scratch, "model.bin"), "wb") as handle:
            handle.write(content)
        result = trial("""
            import sweep_client
            run = sweep_client.init()
            run.log_artifact("model.bin")
            sweep_client.log_artifact("model.bin", name="ckpt/../../best.bin")
        """, scratch=scratch)
        self.assertEqual(result.returncode, 0, result.stderr)
        first, second = result.of_type("artifact")
        artifacts_dir = os.path.join(result.run_dir, "artifacts")
        self.assertEqual(first["name"], "model.bin")
        self.assertEqual(first["path"], os.path.join(artifacts_dir, "model.bin"))
        self.assertEqual(first["sha256"], hashlib.sha256(content).hexdigest())
        self.assertEqual(first["size"], len(content))
        with open(first["path"], "rb") as handle:
            self.assertEqual(handle.read(), content)
        # A name cannot climb out of the artifacts folder.
        self.assertEqual(second["path"], os.path.join(artifacts_dir, "ckpt", "best.bin"))
        self.assertTrue(os.path.isfile(second["path"]))

    def test_missing_file_raises(self):
        result = trial("import sweep_client; sweep_client.init().log_artifact('nope.bin')")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("FileNotFoundError", result.stderr)


if __name__ == "__main__":
    unittest.main()
