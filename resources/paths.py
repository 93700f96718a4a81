"""Default locations under DAGSTER_HOME."""

from __future__ import annotations

import os
from pathlib import Path


def dagster_home() -> Path:
    home = os.environ.get("DAGSTER_HOME")
    return Path(home) if home else Path.cwd() / "dagster_home"


def portalis_dir() -> Path:
    return dagster_home() / "portalis"
