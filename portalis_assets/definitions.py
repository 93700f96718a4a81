"""The `portalis` code location."""

import os

import dagster as dg

from portalis_assets.assets import ALL_ASSETS
from portalis_assets.extension import python_extension, python_extension_job
from portalis_assets.jobs import translate_repo
from resources import DuckDBStoreResource, RustToolchainResource, SourceRepoResource, TranslatorResource
from sensors import SCHEDULES, SENSORS

defs = dg.Definitions(
    assets=[*ALL_ASSETS, python_extension],
    jobs=[translate_repo, python_extension_job],
    sensors=SENSORS,
    schedules=SCHEDULES,
    resources={
        # The repo the sensor, the schedule and UI runs translate: $PORTALIS_SOURCE_REPO, else the root
        # `portalis sync` / `demo` last synced (else examples/): portalis/source_root.py.
        "source_repo": SourceRepoResource(root=os.environ.get("PORTALIS_SOURCE_REPO", "")),
        "store": DuckDBStoreResource(),
        "translator": TranslatorResource(),
        "rust_toolchain": RustToolchainResource(),
    },
    # One process per run: stages are sequential, and a step subprocess costs ~10 s here.
    executor=dg.in_process_executor,
)
