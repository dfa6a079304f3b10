#!/usr/bin/env python3
"""Reports loss=x. Trials with x = 1, 2, 3, 4 first write one channel message
(finish, summary, config, artifact) nested --depth levels deep: issue 12's
line that crashed the controller."""
import argparse
import os

HOSTILE_TYPE = {1: "finish", 2: "summary", 3: "config", 4: "artifact"}

p = argparse.ArgumentParser()
p.add_argument("--x", type=int, required=True)
p.add_argument("--depth", type=int, default=50000)
a, _ = p.parse_known_args()
if a.x in HOSTILE_TYPE:
    nested = "[" * a.depth + "]" * a.depth
    line = '{"t":"%s","data":{"x":%s},"name":"n","path":%s}\n' % (HOSTILE_TYPE[a.x], nested, nested)
    os.write(int(os.environ["SWEEP_METRICS_FD"]), line.encode())
print("loss=%d" % a.x, flush=True)
