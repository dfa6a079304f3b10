#!/usr/bin/python3
"""Optuna TPE peer of bench_bayes: the problems of problems.h, one line per
(problem, seed): "name seed regret@20 regret@50 regret@100" (best-so-far
regret; checkpoints beyond --evals print nan). Default TPESampler(seed=...)."""
import argparse
import math

import optuna

optuna.logging.set_verbosity(optuna.logging.WARNING)


def branin(x):
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x[1] - b * x[0] ** 2 + c * x[0] - 6) ** 2 + 10 * (1 - t) * math.cos(x[0]) + 10


ALPHA = [1.0, 1.2, 3.0, 3.2]
A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]]
P = [[0.1312, 0.1696, 0.5569, 0.0124, 0.8283, 0.5886], [0.2329, 0.4135, 0.8307, 0.3736, 0.1004, 0.9991],
     [0.2348, 0.1451, 0.3522, 0.2883, 0.3047, 0.6650], [0.4047, 0.8828, 0.8732, 0.5743, 0.1091, 0.0381]]


def hartmann6(x):
    return -sum(ALPHA[i] * math.exp(-sum(A[i][j] * (x[j] - P[i][j]) ** 2 for j in range(6))) for i in range(4))


def ackley(x):
    d = len(x)
    s1, s2 = sum(v * v for v in x), sum(math.cos(2 * math.pi * v) for v in x)
    return -20 * math.exp(-0.2 * math.sqrt(s1 / d)) - math.exp(s2 / d) + 20 + math.e


def rosenbrock(x):
    return sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1))


def levy(x):
    w = [1 + (v - 1) / 4 for v in x]
    s = math.sin(math.pi * w[0]) ** 2
    for i in range(len(x) - 1):
        s += (w[i] - 1) ** 2 * (1 + 10 * math.sin(math.pi * w[i] + 1) ** 2)
    return s + (w[-1] - 1) ** 2 * (1 + math.sin(2 * math.pi * w[-1]) ** 2)


def styblinski(x):
    return sum(v ** 4 - 16 * v * v + 5 * v for v in x) / 2


def box(f, d, lo, hi):
    return lambda t: f([t.suggest_float(f"x{i}", lo, hi) for i in range(d)])


def mixed(t):
    lr = t.suggest_float("lr", 1e-5, 1, log=True)
    layers = t.suggest_int("layers", 1, 12)
    act = t.suggest_categorical("act", ["relu", "tanh", "gelu", "sigmoid"])
    dropout = t.suggest_float("dropout", 0, 0.8)
    cost = {"relu": 0.5, "gelu": 0.0}.get(act, 1.0)
    return (math.log10(lr) + 2.5) ** 2 + 0.05 * (layers - 5) ** 2 + cost + (dropout - 0.3) ** 2


PROBLEMS = {
    "branin": (lambda t: branin([t.suggest_float("x0", -5, 10), t.suggest_float("x1", 0, 15)]), 0.39788735772973816),
    "hartmann6": (box(hartmann6, 6, 0, 1), -3.32236801141551),
    "ackley5": (box(ackley, 5, -5, 10), 0.0),
    "rosenbrock4": (box(rosenbrock, 4, -5, 10), 0.0),
    "levy6": (box(levy, 6, -10, 10), 0.0),
    "styblinski4": (box(styblinski, 4, -5, 5), -39.16616570377142 * 4),
    "mixed": (mixed, 0.0),
}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--evals", type=int, default=100)
    ap.add_argument("--problem", default="")
    a = ap.parse_args()
    for name, (objective, minimum) in PROBLEMS.items():
        if a.problem and name != a.problem:
            continue
        for s in range(a.seeds):
            study = optuna.create_study(sampler=optuna.samplers.TPESampler(seed=1000 + s))
            study.optimize(objective, n_trials=a.evals)
            best, out = math.inf, []
            for i, tr in enumerate(study.trials):
                best = min(best, tr.value)
                if i + 1 in (20, 50, 100):
                    out.append(best - minimum)
            out += [math.nan] * (3 - len(out))
            print(name, s, *out, flush=True)


if __name__ == "__main__":
    main()
