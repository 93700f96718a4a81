"""What the loop works on (one function) and what it gives back."""

from __future__ import annotations

from dataclasses import dataclass, field

from portalis.model import Diagnostic, FunctionSignature


@dataclass
class FunctionTask:
    """One function to translate with the model, with everything its prompt shows."""

    module: str
    name: str  # Python name
    rust_name: str
    signature: FunctionSignature
    python_source: str  # the function's text (decorators, def line to last line)
    stub: str  # its todo!() item: fixes the signature the crate calls
    python_line: int
    rules_code: str | None = None  # the rules' translation, when there is one (failed tests, --llm-only)
    diagnostics: list[Diagnostic] = field(default_factory=list)  # what the rules said about it
    callees: list[str] = field(default_factory=list)  # `crate::m::f(x: i64) -> i64` of functions it calls
    types: list[str] = field(default_factory=list)  # Rust definitions of the dataclasses it uses
    failing_case: str | None = None  # the rules' translation failed this differential case
    key: str | None = None  # its function cache key

    @property
    def label(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass
class Attempt:
    """One candidate and what became of it."""

    round: int
    stage: str  # where it stopped: backend | format | safety | compile | behaviour | accepted
    feedback: str = ""  # why it was rejected (what the next round is told)
    code: str | None = None
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0


@dataclass
class FunctionOutcome:
    task: FunctionTask
    accepted: bool = False
    code: str | None = None  # the accepted item
    verified: bool = False  # passed differential tests (at least one case, all passing)
    cases_passed: int = 0
    cases_total: int = 0
    detail: str = ""  # accepted: how it was validated; rejected: the last reason
    attempts: list[Attempt] = field(default_factory=list)
    asked: bool = False  # the model answered at least once (False: only backend errors)

    @property
    def repair_rounds(self) -> int:
        """Rounds after the first that produced an answer."""
        return max(0, len(self.attempts) - 1)
