#!/usr/bin/env python3
"""The Branin function, a standard Bayesian-optimization benchmark: three
global minima of 0.397887 on x1 in [-5, 10], x2 in [0, 15]."""
import argparse
import math

p = argparse.ArgumentParser()
p.add_argument("--x1", type=float, required=True)
p.add_argument("--x2", type=float, required=True)
a = p.parse_args()
b, c, r, s, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 6, 10, 1 / (8 * math.pi)
value = (a.x2 - b * a.x1 ** 2 + c * a.x1 - r) ** 2 + s * (1 - t) * math.cos(a.x1) + s
print(f"branin={value!r}")
