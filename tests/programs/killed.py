#!/usr/bin/env python3
"""Reports one point, then dies by SIGKILL as an OOM-killed trainer would."""
import os
import signal
print("loss=0.25", flush=True)
os.kill(os.getpid(), signal.SIGKILL)
