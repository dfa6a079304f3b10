"""Optuna 3.1's FanovaImportanceEvaluator on the benchmark's data.

Usage: optuna_peer.py DATA.csv SEED
The CSV header names each parameter as NAME:float:LOW:HIGH,
NAME:logfloat:LOW:HIGH or NAME:cat:A|B|C, then the objective column "loss".
Prints "seconds <t>" (evaluate() only, not building the study), then one
"<name> <importance>" line per parameter."""
import csv
import sys
import time

import optuna
from optuna.distributions import CategoricalDistribution, FloatDistribution
from optuna.trial import create_trial

optuna.logging.set_verbosity(optuna.logging.WARNING)
path, seed = sys.argv[1], int(sys.argv[2])

with open(path) as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)

names, dists = [], []
for column in header[:-1]:
    name, kind, *rest = column.split(":")
    names.append(name)
    if kind == "cat":
        dists.append(CategoricalDistribution(rest[0].split("|")))
    else:
        dists.append(FloatDistribution(float(rest[0]), float(rest[1]), log=kind == "logfloat"))

study = optuna.create_study()
trials = []
for row in rows:
    params = {}
    for name, dist, cell in zip(names, dists, row[:-1]):
        params[name] = cell if isinstance(dist, CategoricalDistribution) else float(cell)
    trials.append(create_trial(params=params, distributions=dict(zip(names, dists)), value=float(row[-1])))
study.add_trials(trials)

evaluator = optuna.importance.FanovaImportanceEvaluator(seed=seed)
start = time.perf_counter()
importances = optuna.importance.get_param_importances(study, evaluator=evaluator)
print(f"seconds {time.perf_counter() - start:.6f}")
for name, value in importances.items():
    print(f"{name} {value:.17g}")
