"""Kill a child process in the middle of its work (SIGKILL), as a power cut would."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest


def kill_at_mid(script: Path, *, marker: str = "MID") -> None:
    """Run ``script`` with this Python; when it prints ``marker`` (at the point to be
    interrupted, flushed), SIGKILL it. Fails with its stderr if it never gets there."""
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs SIGKILL (POSIX)")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        line = proc.stdout.readline().strip()
        if line != marker:
            proc.wait(timeout=60)
            pytest.fail(f"the child did not reach the middle: {line!r}\n{proc.stderr.read()[-3000:]}")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
