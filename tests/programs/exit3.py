#!/usr/bin/env python3
"""Prints a metric and an error, then exits with code 3."""
import sys
print("loss=0.5", flush=True)
print("something went wrong: out of patience", file=sys.stderr, flush=True)
sys.exit(3)
