#!/usr/bin/python3
"""Optuna TPE peer of bench_conditional: the same conditional problem as
conditional_bench.cc, written define-by-run (a parameter is suggested only on
the branch that uses it). One line per seed: "seed regret@25 regret@50
regret@100". Default TPESampler(seed=...)."""
import argparse
import math

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)

# Per optimizer: offset, best log10(lr), name of its own parameter, its range, its best value.
BRANCHES = {
    "sgd": (0.0, -1.5, "momentum", (0.0, 0.99), 0.9),
    "adam": (0.2, -3.0, "beta1", (0.5, 0.999), 0.9),
    "rmsprop": (0.4, -2.5, "rho", (0.5, 0.99), 0.95),
}
UNITS = (16, 256)


def objective(t):
    optimizer = t.suggest_categorical("optimizer", list(BRANCHES))
    offset, best_lr, name, (lo, hi), best = BRANCHES[optimizer]
    lr = t.suggest_float("lr", 1e-5, 1.0, log=True)
    own = t.suggest_float(name, lo, hi)
    layers = t.suggest_int("layers", 1, 3)
    value = offset + 0.5 * (math.log10(lr) - best_lr) ** 2 + 4 * (own - best) ** 2
    if layers == 1:
        return value + 0.3
    units_2 = t.suggest_int("units_2", *UNITS)
    if layers == 2:
        return value + 0.1 + 0.3 * ((units_2 - 128) / 128) ** 2
    units_3 = t.suggest_int("units_3", *UNITS)
    return value + 0.3 * ((units_2 - 64) / 128) ** 2 + 0.3 * ((units_3 - 200) / 128) ** 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--evals", type=int, default=100)
    a = ap.parse_args()
    checkpoints = (25, 50, 100)
    for s in range(a.seeds):
        seed = 1000 + s
        study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=seed))
        study.optimize(objective, n_trials=a.evals)
        best, out = math.inf, []
        for i, trial in enumerate(study.trials):
            best = min(best, trial.value)
            if i + 1 in checkpoints:
                out.append(best)
        out += [math.nan] * (len(checkpoints) - len(out))
        print(seed, *out, flush=True)


if __name__ == "__main__":
    main()
