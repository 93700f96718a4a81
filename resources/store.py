"""The DuckDB file that holds every stage's rows."""

from __future__ import annotations

import dagster as dg
from pydantic import Field

from portalis.store import Store
from resources.paths import dagster_home


class DuckDBStoreResource(dg.ConfigurableResource):
    """The DuckDB file every stage writes its rows to (one row per module and stage), with the
    translation state the sensor and the schedule plan from and the instance's source root."""

    path: str = Field(default="", description="DuckDB file; default $DAGSTER_HOME/portalis.duckdb")
    lock_timeout_s: float = Field(default=60.0, description="how long to wait for another process's lock")

    def store(self) -> Store:
        path = self.path or str(dagster_home() / "portalis.duckdb")
        return Store(path, lock_timeout_s=self.lock_timeout_s)
