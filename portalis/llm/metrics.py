"""Metrics of the LLM stage per backend and model: what a run asked, what compiled, what was
verified, what it cost. One row per run in DuckDB (`llm_metrics`), and the same numbers as
Dagster metadata, so models can be compared on the project's own code."""

from __future__ import annotations

import json
import statistics
import uuid
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterable

from portalis.store import Store

if TYPE_CHECKING:
    from portalis.llm.task import FunctionOutcome

TABLE = "llm_metrics"
COLUMNS: list[tuple[str, str]] = [
    ("run_id", "VARCHAR PRIMARY KEY"), ("backend", "VARCHAR"), ("model", "VARCHAR"),
    ("functions", "INTEGER"), ("candidates", "INTEGER"), ("rejected_format", "INTEGER"),
    ("rejected_safety", "INTEGER"), ("compiled", "INTEGER"), ("behaviour_failed", "INTEGER"),
    ("accepted", "INTEGER"), ("verified", "INTEGER"), ("gave_up", "INTEGER"), ("repair_rounds", "INTEGER"),
    ("requests", "INTEGER"), ("backend_errors", "INTEGER"), ("prompt_tokens", "BIGINT"),
    ("completion_tokens", "BIGINT"), ("latency_mean_s", "DOUBLE"), ("latency_max_s", "DOUBLE"),
    ("wall_s", "DOUBLE"), ("compile_rate", "DOUBLE"), ("verified_rate", "DOUBLE"), ("accept_rate", "DOUBLE"),
    ("payload", "JSON"), ("created_at", "TIMESTAMP"),
    ("backend_s", "DOUBLE"), ("compile_s", "DOUBLE"), ("behaviour_s", "DOUBLE"),
]
DDL = f"CREATE TABLE IF NOT EXISTS {TABLE} ({', '.join(f'{n} {t}' for n, t in COLUMNS)})"


@dataclass
class LLMMetrics:
    """Counters of one run of the loop (over all its functions)."""

    backend: str
    model: str
    functions: int = 0  # functions sent to the model
    candidates: int = 0  # answers received
    rejected_format: int = 0  # truncated, no Rust, wrong signature, todo!() left
    rejected_safety: int = 0  # unsafe, process, network, ...
    compiled: int = 0  # candidates rustc accepted inside the crate
    behaviour_failed: int = 0  # compiled, then failed a differential case
    accepted: int = 0  # functions whose candidate was accepted
    verified: int = 0  # accepted functions that passed their differential cases
    gave_up: int = 0  # functions left as todo!() after all rounds
    repair_rounds: int = 0  # rounds after the first, over all functions
    requests: int = 0
    backend_errors: int = 0  # requests that failed after their retries
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latencies: list[float] = field(default_factory=list)  # one per request
    wall_s: float = 0.0
    # where the wall time went (run level only): waiting for the model, cargo check of the
    # crate, differential tests (Python originals + case program build and run)
    backend_s: float = 0.0
    compile_s: float = 0.0
    behaviour_s: float = 0.0

    @classmethod
    def from_outcomes(cls, outcomes: "Iterable[FunctionOutcome]", backend: str, model: str, wall_s: float = 0.0) -> "LLMMetrics":
        """Counters of a set of functions, from what happened to each answer (attempt stages):
        the run's figures and each module's come from the same place."""
        m = cls(backend=backend, model=model, wall_s=wall_s)
        for o in outcomes:
            m.functions += 1
            m.accepted += o.accepted
            m.verified += o.accepted and o.verified
            m.gave_up += not o.accepted
            m.repair_rounds += o.repair_rounds
            for a in o.attempts:
                m.requests += 1
                m.latencies.append(a.latency_s)
                if a.stage == "backend":
                    m.backend_errors += 1
                    continue
                m.candidates += 1
                m.prompt_tokens += a.prompt_tokens
                m.completion_tokens += a.completion_tokens
                m.rejected_format += a.stage == "format"
                m.rejected_safety += a.stage == "safety"
                m.compiled += a.stage in ("behaviour", "untested", "accepted")
                m.behaviour_failed += a.stage == "behaviour"
        return m

    @property
    def compile_rate(self) -> float:
        """Share of candidates that compiled."""
        return round(self.compiled / self.candidates, 4) if self.candidates else 0.0

    @property
    def verified_rate(self) -> float:
        """Share of functions sent whose accepted translation was verified on cases."""
        return round(self.verified / self.functions, 4) if self.functions else 0.0

    @property
    def accept_rate(self) -> float:
        return round(self.accepted / self.functions, 4) if self.functions else 0.0

    def summary(self) -> dict:
        """The numbers (for reports, Dagster metadata and the DuckDB row)."""
        lat = self.latencies
        return {
            "backend": self.backend, "model": self.model, "functions": self.functions, "candidates": self.candidates,
            "rejected_format": self.rejected_format, "rejected_safety": self.rejected_safety,
            "compiled": self.compiled, "behaviour_failed": self.behaviour_failed, "accepted": self.accepted,
            "verified": self.verified, "gave_up": self.gave_up, "repair_rounds": self.repair_rounds,
            "requests": self.requests, "backend_errors": self.backend_errors,
            "prompt_tokens": self.prompt_tokens, "completion_tokens": self.completion_tokens,
            "latency_mean_s": round(statistics.fmean(lat), 4) if lat else 0.0,
            "latency_max_s": round(max(lat), 4) if lat else 0.0,
            "wall_s": round(self.wall_s, 3), "backend_s": round(self.backend_s, 3),
            "compile_s": round(self.compile_s, 3), "behaviour_s": round(self.behaviour_s, 3),
            "compile_rate": self.compile_rate, "verified_rate": self.verified_rate, "accept_rate": self.accept_rate,
        }


def record(store: Store, metrics: LLMMetrics, run_id: str | None = None, extra: dict | None = None) -> str:
    """Append one run's metrics; returns its run id."""
    run_id = run_id or uuid.uuid4().hex
    row = metrics.summary()
    payload = {**asdict(metrics), **(extra or {})}
    payload.pop("latencies", None)
    columns = [name for name, _ in COLUMNS]
    values = {**row, "run_id": run_id, "payload": json.dumps(payload, default=str),
              "created_at": datetime.now(timezone.utc).replace(tzinfo=None)}
    with store.connect() as con:
        con.execute(DDL)
        for name, ddl in COLUMNS[1:]:  # a table from an older version gains the new columns
            con.execute(f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS {name} {ddl}")
        con.execute(f"DELETE FROM {TABLE} WHERE run_id = ?", [run_id])
        con.execute(f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})",
                    [values[c] for c in columns])
    return run_id


def history(store: Store) -> list[dict]:
    """Every recorded run, oldest first."""
    if not store.path.exists():
        return []
    with store.connect() as con:
        con.execute(DDL)
        cur = con.execute(f"SELECT * FROM {TABLE} ORDER BY created_at")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]
