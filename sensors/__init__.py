"""Sensors and schedules of the `portalis` code location."""

from sensors.nightly import build_nightly_schedule, nightly_retranslate
from sensors.repo_changes import build_repo_changes_sensor, repo_changes

SENSORS = [repo_changes]
SCHEDULES = [nightly_retranslate]

__all__ = ["SENSORS", "SCHEDULES", "repo_changes", "nightly_retranslate", "build_repo_changes_sensor", "build_nightly_schedule"]
