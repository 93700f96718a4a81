"""`make check-defs`: dg loads the code location, and says nothing about virtual environments (it
warned twice when run from make, whose shell has no activated venv)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_check_defs_loads_the_definitions_without_a_venv_warning() -> None:
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        pytest.skip("make check-defs uses .venv; these tests run in another environment")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "MAKEFLAGS", "MAKELEVEL")}
    # -o: the install stamp counts as up to date, so the target never reinstalls anything here.
    done = subprocess.run(["make", "--no-print-directory", "-o", ".venv/.installed-base", "check-defs"], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "All definitions loaded successfully." in output
    assert "virtual environment" not in output
