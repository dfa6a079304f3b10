"""Optuna 3.1 doing the same job as the orchestration benchmark: random
sampling with its SQLite storage, each trial a subprocess of the same program.
Prints milliseconds per trial (median over repeats) on stdout."""
import os
import statistics
import subprocess
import sys
import tempfile
import time

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)
program, trials, repeats = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])


def objective(trial):
    x = trial.suggest_float("x", 0.0, 1.0)
    subprocess.run([program], check=True)
    return x


per_trial = []
for _ in range(repeats):
    with tempfile.TemporaryDirectory() as d:
        storage = "sqlite:///" + os.path.join(d, "optuna.db")
        study = optuna.create_study(storage=storage, sampler=optuna.samplers.RandomSampler(seed=0))
        start = time.perf_counter()
        study.optimize(objective, n_trials=trials)
        per_trial.append((time.perf_counter() - start) / trials * 1000)
print(f"{statistics.median(per_trial):.3f}")
