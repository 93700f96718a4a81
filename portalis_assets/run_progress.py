"""Progress of an in-process Dagster run (`portalis demo`, `portalis sync`) on a ProgressSink.

The run's own events drive it: each step start is a stage, each partition materialization of that
step one module done (portalis/progress.py prints them: a redrawn line on a terminal, plain lines
when asked for elsewhere). Listening costs nothing when the sink is NO_PROGRESS.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import dagster as dg

from portalis.progress import NO_PROGRESS, ProgressSink

# Step (asset op) -> what the line says; the same words as `portalis translate --progress` where
# the work is the same.
STAGE_NAMES = {
    "parsed_ast": "parse",
    "type_map": "type map",
    "rust_translation": "translate",
    "validation_report": "validate (cargo check, clippy, cases)",
    "rust_crate": "rust_crate (cargo build)",
    "module_status": "module status",
}
PER_MODULE = {"parsed_ast", "type_map", "rust_translation", "validation_report", "module_status"}


class RunProgress:
    """An event listener: feeds one run's step starts and materializations to `sink`."""

    def __init__(self, sink: ProgressSink, modules: int | None) -> None:
        self.sink = sink
        self.modules = modules
        self.step: str | None = None

    def __call__(self, entry: dg.EventLogEntry) -> None:
        event = entry.dagster_event
        if event is None:
            return
        step = event.step_key or ""
        if event.event_type == dg.DagsterEventType.STEP_START:
            self.step = step
            op = step.split(".")[-1]
            self.sink.stage(STAGE_NAMES.get(op, op), total=self.modules if op in PER_MODULE else None)
        elif event.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION and step == self.step:
            if event.partition is not None:
                self.sink.advance()


def new_run_id() -> str:
    """A run id chosen before the run starts, so that its events can be listened to."""
    from dagster._core.utils import make_new_run_id

    return make_new_run_id()


@contextmanager
def listening(instance: dg.DagsterInstance, run_id: str, sink: ProgressSink, modules: int | None) -> Iterator[None]:
    """Feed the events of run `run_id` on `instance` to `sink` while the block runs."""
    if sink is NO_PROGRESS:
        yield
        return
    listener = RunProgress(sink, modules)
    instance.add_event_listener(run_id, listener)
    try:
        yield
    finally:
        # No public removal: drop this run's listeners (the run is over; nothing else listens to it).
        subscribers = getattr(instance, "_subscribers", None)
        if isinstance(subscribers, dict):
            subscribers.pop(run_id, None)
