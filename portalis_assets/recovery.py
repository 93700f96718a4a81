"""Runs whose process died (kill -9, a crash, a reboot) are marked failed and give back their
concurrency pool slots.

Every run of `translate_repo` carries the process that executes it in its tags
(`portalis/pid`, `portalis/host`, `portalis/proc_start`): `portalis sync` / `demo` set them when
they start a run in process; a run launched by the daemon or the UI gets them from its first step.
A run still QUEUED/STARTING/STARTED whose process is gone cannot finish: `fail_dead_runs` reports
it failed (`instance.report_run_failed`) and frees its slots, so the `gpu` pool slot a run killed
inside `rust_translation` held is available again. Dagster's own run monitoring
(dagster_home/dagster.yaml) frees the slots of runs that ended, for runs the daemon launched.
"""

from __future__ import annotations

import os
import socket
from pathlib import Path

import dagster as dg

PID_TAG = "portalis/pid"
HOST_TAG = "portalis/host"
START_TAG = "portalis/proc_start"  # the process's start time (Linux /proc), so a reused pid is not taken for it
IN_FLIGHT = [
    dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED,
    dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.STARTED,
]


def _proc_start(pid: int) -> str:
    try:
        # Field 22 of /proc/<pid>/stat, counted after the command name (which may hold spaces).
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return ""


def process_tags(pid: int | None = None) -> dict[str, str]:
    """The tags naming this process (or `pid`) as the one executing a run."""
    pid = pid or os.getpid()
    return {PID_TAG: str(pid), HOST_TAG: socket.gethostname(), START_TAG: _proc_start(pid)}


def process_alive(tags: dict[str, str]) -> bool | None:
    """Whether the process a run's tags name still runs; None when the tags do not say (no pid
    tag, or another host)."""
    if PID_TAG not in tags or tags.get(HOST_TAG) != socket.gethostname():
        return None
    pid = int(tags[PID_TAG])
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # it exists, under another user
    start = tags.get(START_TAG, "")
    return not start or _proc_start(pid) in ("", start)


def claim_run(context: dg.AssetExecutionContext) -> None:
    """Tag the run with the process executing it, if it does not say yet (daemon / UI runs)."""
    if PID_TAG not in context.run.tags:
        context.instance.add_run_tags(context.run.run_id, process_tags())


def fail_dead_runs(instance: dg.DagsterInstance, job_name: str, assume_dead: tuple[str, set[str]] | None = None) -> list[str]:
    """Mark failed every in-flight run of `job_name` whose process is gone, free the concurrency
    slots of those runs and of runs that already ended; returns the run ids marked failed.

    `assume_dead` = (tag, values): in-flight runs with one of those tag values and no process tags are dead too
    (`portalis sync` holds the DAGSTER_HOME's sync lock, so no other sync can be running them)."""
    failed: list[str] = []
    for record in instance.get_run_records(filters=dg.RunsFilter(job_name=job_name, statuses=IN_FLIGHT)):
        run = record.dagster_run
        alive = process_alive(dict(run.tags))
        if alive is None and assume_dead is not None and run.tags.get(assume_dead[0]) in assume_dead[1]:
            alive = False
        if alive is False:
            pid = run.tags.get(PID_TAG, "?")
            instance.report_run_failed(
                run, message=f"The process running this run (pid {pid}) is gone (killed or crashed): marked failed; "
                "the next sync retranslates what it did not finish.",
            )
            failed.append(run.run_id)
    storage = instance.event_log_storage
    if storage.supports_global_concurrency_limits:
        holders = set(storage.get_concurrency_run_ids())
        if holders:
            runs = {r.dagster_run.run_id: r.dagster_run for r in instance.get_run_records(filters=dg.RunsFilter(run_ids=list(holders)))}
            for run_id in sorted(holders):
                run = runs.get(run_id)
                if run is None or run.is_finished or run_id in failed:  # a deleted run cannot give its slots back either
                    storage.free_concurrency_slots_for_run(run_id)
    return failed
