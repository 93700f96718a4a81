"""Sensors and schedules of the `portalis` code location."""

from sensors.repo_changes import repo_changes

SENSORS = [repo_changes]
SCHEDULES: list = []

__all__ = ["SENSORS", "SCHEDULES", "repo_changes"]
