#!/usr/bin/env python3
"""Prints which `wandb` module the trial imports (or none) and reports loss=0."""
try:
    import wandb
    print("wandb_file=" + wandb.__file__, flush=True)
except ImportError:
    print("wandb_file=none", flush=True)
print("loss=0", flush=True)
