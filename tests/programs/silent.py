#!/usr/bin/env python3
"""Exits 0 without ever printing the sweep metric."""
print("training done, but I forgot to log the loss", flush=True)
print("accuracy=0.9", flush=True)
