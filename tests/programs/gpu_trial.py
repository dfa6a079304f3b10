#!/usr/bin/env python3
"""A trial that claims the GPUs it was given with exclusive lock files, so two
trials sharing a GPU make one of them fail (exit 5). --x 3 fails on purpose
(exit 1) to check that a failed trial's GPU is released."""
import argparse
import os
import time

p = argparse.ArgumentParser()
p.add_argument("--x", type=int, required=True)
p.add_argument("--lock-dir", required=True)
a, _ = p.parse_known_args()
ids = os.environ.get("CUDA_VISIBLE_DEVICES", "")
if not ids or os.environ.get("SWEEP_GPU_IDS") != ids:
    raise SystemExit(4)
locks = []
for gpu in ids.split(","):
    path = os.path.join(a.lock_dir, "gpu-" + gpu)
    try:
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        raise SystemExit(5)
    locks.append(path)
# Busy for a while so the sampler sees the process tree and trials overlap.
end = time.time() + 0.6
while time.time() < end:
    sum(i * i for i in range(10000))
for path in locks:
    os.remove(path)
if a.x == 3:
    raise SystemExit(1)
print(f"loss={a.x} gpu_count={len(ids.split(','))}", flush=True)
