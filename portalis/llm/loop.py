"""The translate-validate-repair loop: candidates from a model, accepted only through the gates
that rule output passes.

For every function, round 0 asks for a translation; rounds 1..N (`max_repair_rounds`) send the
model its rejected answer's feedback. Each round handles all pending functions of the run
together (one batch to the backend, one `cargo check`, one differential run), so a run of many
modules costs a few crate checks, not one per function:

1. the answer is parsed (`extract.extract_candidate`): truncated, non-Rust, wrong-signature or
   still-`todo!()` answers are rejected with a reason;
2. the safety gate (`validate.safety.check_rust`, with the capabilities the Python function
   itself uses) rejects unsafe code, processes, network, files, environment, and everything
   its allow-list does not name;
3. rustc, inside the crate (`validate.compile.check_modules`: every module of the crate, the
   candidates swapped in, what rustc rejects quarantined back to its stub): a candidate counts as
   compiled only when the whole crate then checks clean;
4. differential tests (`validate.behaviour.verify_crate`: doctests, the repository's tests and
   generated inputs run in Python and in Rust) when the function has cases;
5. accepted (backend `llm`), or fed back: the rustc messages, the first differing case, or the
   gate's reason. After the last round a function stays `todo!()` with a diagnostic.

Nothing is accepted without passing 1-3, and 4 whenever a case exists (with `require_verified`,
only verified candidates are accepted). A failure of the toolchain itself accepts nothing.
"""

from __future__ import annotations

import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from portalis.llm.backend import Backend, Message
from portalis.llm.extract import extract_candidate
from portalis.llm.memory import MemoryEntry, TranslationMemory
from portalis.llm.metrics import LLMMetrics
from portalis.llm.prompt import first_prompt, repair_message
from portalis.llm.settings import LLMSettings
from portalis.llm.task import Attempt, FunctionOutcome, FunctionTask
from portalis.model import FunctionReport, FunctionStatus, ModuleTranslation, ModuleTypeMap, ModuleValidation, ParsedModule, RustItem
from portalis.lower.module import format_items
from portalis.rust.fmt import RustfmtError, format_source
from portalis.sandbox import SandboxPolicy
from portalis.validate.behaviour import VerifyConfig, verify_crate
from portalis.validate.cargo import RustcMessage, Toolchain
from portalis.validate.compile import check_modules
from portalis.validate.safety import PythonFunction, check_rust, function_grants, function_sources

MAX_FEEDBACK_CHARS = 4000  # compiler output fed back per round (the first errors matter most)
CASES_PROGRAM = "portalis_llm_cases"


@dataclass
class LoopContext:
    """The crate the candidates are checked in, and what the differential tests need."""

    translations: dict[str, ModuleTranslation]  # every module of the crate (rules output)
    parsed: dict[str, ParsedModule]
    type_maps: dict[str, ModuleTypeMap]
    work_dir: Path  # the scratch crate (rewritten each round; its target dir stays warm)
    toolchain: Toolchain
    source_root: Path | None = None  # where the Python modules import from; None: no differential tests
    sources: dict[str, str] = field(default_factory=dict)  # module -> path, for the generated files' headers
    crate_name: str = "portalis_llm_check"


@dataclass
class _State:
    task: FunctionTask
    outcome: FunctionOutcome
    messages: list[Message]
    candidate: str | None = None
    feedback: tuple[str, str] | None = None  # (stage, text) for the next round
    done: bool = False


def _rendered(errors: list[RustcMessage]) -> str:
    parts = [(e.rendered or f"error[{e.code or ''}]: {e.message}").strip() for e in errors[:3]]
    text = "\n\n".join(parts)
    return text if len(text) <= MAX_FEEDBACK_CHARS else text[:MAX_FEEDBACK_CHARS] + "\n... (more errors cut)"


def _format(code: str, rustfmt: str) -> str:
    """rustfmt the candidate when it parses (the crate stays `cargo fmt` clean); rustc reports
    a candidate that does not."""
    try:
        return format_source(code, rustfmt).strip() + "\n"
    except (RustfmtError, OSError, subprocess.SubprocessError):
        return code


def _format_all(codes: list[str], rustfmt: str) -> list[str]:
    """Format a round's candidates with one rustfmt run (its start-up dominates); when one of
    them does not parse, each is formatted on its own."""
    if not codes:
        return []
    items = [RustItem(name=str(i), kind="fn", code=code, python_line=0) for i, code in enumerate(codes)]
    try:
        format_items(items, rustfmt)
        return [it.code for it in items]
    except (RustfmtError, OSError, subprocess.SubprocessError):
        return [_format(code, rustfmt) for code in codes]


class RefineLoop:
    """Runs the loop for a batch of functions with one backend."""

    def __init__(self, backend: Backend, settings: LLMSettings, memory: TranslationMemory | None = None) -> None:
        self.backend = backend
        self.settings = settings
        self.memory = memory
        self._stubs: dict[tuple[str, str], str] = {}
        self._seconds = {"backend_s": 0.0, "compile_s": 0.0, "behaviour_s": 0.0}
        self._sources: dict[str, dict[str, PythonFunction]] | None = None

    def run(self, tasks: list[FunctionTask], ctx: LoopContext) -> tuple[list[FunctionOutcome], LLMMetrics]:
        started = time.perf_counter()
        s = self.settings
        self._sources = None
        examples: list[list[MemoryEntry]] = [[] for _ in tasks]
        if self.memory is not None and s.examples:
            examples = self.memory.similar([t.python_source for t in tasks], k=s.examples)
        states = [
            _State(t, FunctionOutcome(task=t), first_prompt(t, ex, show_rules_code=not s.llm_only))
            for t, ex in zip(tasks, examples)
        ]
        accepted: dict[tuple[str, str], str] = {}
        self._stubs = {(t.module, t.name): t.stub for t in tasks}
        for rnd in range(s.max_repair_rounds + 1):
            active = [st for st in states if not st.done]
            if not active:
                break
            if rnd > 0:
                for st in active:
                    assert st.feedback is not None
                    st.messages.append({"role": "user", "content": repair_message(*st.feedback)})
            for st in active:
                st.feedback, st.candidate = None, None
            t0 = time.perf_counter()
            completions = self.backend.complete([st.messages for st in active])
            self._seconds["backend_s"] += time.perf_counter() - t0
            to_compile: list[_State] = []
            parsed_ok: list[_State] = []
            for st, c in zip(active, completions):
                attempt = Attempt(round=rnd, stage="backend", prompt_tokens=c.prompt_tokens,
                                  completion_tokens=c.completion_tokens, latency_s=c.latency_s)
                if not c.ok:
                    attempt.feedback = c.error or "no answer"
                    st.outcome.attempts.append(attempt)
                    st.outcome.detail = f"the model backend failed: {attempt.feedback}"
                    st.done = True  # the client already retried; later rounds would fail alike
                    continue
                st.outcome.asked = True
                st.outcome.attempts.append(attempt)
                st.messages.append({"role": "assistant", "content": c.text})
                extracted = extract_candidate(c, st.task.rust_name, st.task.stub)
                if not extracted.ok:
                    self._reject(st, attempt, "format", extracted.problem or "unusable answer")
                    continue
                st.candidate = extracted.code
                parsed_ok.append(st)
            formatted = _format_all([st.candidate or "" for st in parsed_ok], ctx.toolchain.rustfmt)
            for st, code in zip(parsed_ok, formatted):
                st.outcome.attempts[-1].code = code
                found = check_rust(code, set(function_grants(self._python(ctx, st.task))))
                if found:
                    st.candidate = None
                    what = ", ".join(dict.fromkeys(v.kind for v in found))
                    self._reject(st, st.outcome.attempts[-1], "safety", f"it uses {what}: {found[0].detail} (`{found[0].excerpt}`)")
                    continue
                st.candidate = code
                to_compile.append(st)
            if to_compile:
                self._validate(to_compile, ctx, accepted)
            for st in active:
                if not st.done and st.feedback is None:
                    st.done = True  # accepted (or ended) in _validate
        for st in states:
            if not st.outcome.accepted and not st.outcome.detail and st.feedback is not None:
                st.outcome.detail = f"rejected at the {st.feedback[0]} stage after {len(st.outcome.attempts)} answer(s): {st.feedback[1]}"
        outcomes = [st.outcome for st in states]
        metrics = LLMMetrics.from_outcomes(outcomes, self.backend.kind, s.model_label(), time.perf_counter() - started)
        metrics.backend_s, metrics.compile_s, metrics.behaviour_s = (
            self._seconds["backend_s"], self._seconds["compile_s"], self._seconds["behaviour_s"])
        if self.memory is not None:
            self.memory.add(
                MemoryEntry(o.task.python_source, o.code or "", o.task.module, o.task.name, o.task.key or "",
                            "llm", self.backend.identity(), o.verified)
                for o in outcomes if o.accepted and o.code
            )
        return outcomes, metrics

    def _functions(self, ctx: LoopContext) -> dict[str, dict[str, PythonFunction]]:
        """module -> item -> its Python function: what grants each one capabilities."""
        if self._sources is None:
            self._sources = {m: function_sources(p) for m, p in ctx.parsed.items()}
        return self._sources

    def _python(self, ctx: LoopContext, task: FunctionTask) -> PythonFunction | None:
        return self._functions(ctx).get(task.module, {}).get(task.name)

    @staticmethod
    def _reject(st: _State, attempt: Attempt, stage: str, feedback: str) -> None:
        attempt.stage, attempt.feedback = stage, feedback
        st.feedback = (stage, feedback)

    def _accept(self, st: _State, verified: bool, detail: str, accepted: dict[tuple[str, str], str],
                passed: int = 0, total: int = 0) -> None:
        o = st.outcome
        o.accepted, o.code, o.verified, o.detail = True, st.candidate, verified, detail
        o.cases_passed, o.cases_total = passed, total
        o.attempts[-1].stage = "accepted"
        accepted[(st.task.module, st.task.name)] = st.candidate or ""
        st.done = True

    def _crate(self, ctx: LoopContext, batch: list[_State], accepted: dict[tuple[str, str], str]) -> dict[str, ModuleTranslation]:
        """The crate's modules with this round's candidates and earlier accepted ones swapped in."""
        swap: dict[tuple[str, str], tuple[str, str]] = {}  # (module, name) -> (code, stub)
        for key, code in accepted.items():
            swap[key] = (code, self._stubs.get(key, ""))
        for st in batch:
            swap[(st.task.module, st.task.name)] = (st.candidate or "", st.task.stub)
        out: dict[str, ModuleTranslation] = {}
        for m, t in ctx.translations.items():
            items = []
            for it in t.items:
                hit = swap.get((m, it.name)) if it.kind == "fn" else None
                if hit is None:
                    items.append(it)
                    continue
                code, stub = hit
                items.append(RustItem(name=it.name, kind="fn", code=code, stub=stub or it.stub or it.code,
                                      python_line=it.python_line, status=FunctionStatus.TRANSLATED, backend="llm"))
            out[m] = t.model_copy(update={"items": items})
        return out

    def _validate(self, batch: list[_State], ctx: LoopContext, accepted: dict[tuple[str, str], str]) -> None:
        """rustc in the crate context, then differential tests, for this round's candidates."""
        s = self.settings
        crate = self._crate(ctx, batch, accepted)
        rejected: dict[tuple[str, str], list[RustcMessage]] = {}
        t0 = time.perf_counter()
        results, run, _ = check_modules(
            crate, ctx.work_dir, ctx.toolchain, ctx.crate_name, ctx.sources,
            python_functions=self._functions(ctx), rejected=rejected,
        )
        self._seconds["compile_s"] += time.perf_counter() - t0
        if run.failure or not run.ok:
            # Without a clean crate no candidate is validated: accept none, and stop (another
            # round would meet the same crate).
            why = run.failure or "; ".join(e.message for e in run.errors[:3]) or "cargo check failed"
            for st in batch:
                st.outcome.attempts[-1].stage = "compile"
                st.outcome.attempts[-1].feedback = why
                st.outcome.detail = f"not validated: the check crate does not compile ({why})"
                st.feedback, st.done = None, True
            return
        compiled: list[_State] = []
        for st in batch:
            key = (st.task.module, st.task.name)
            item = next((it for it in results[st.task.module].items if it.name == st.task.name), None)
            if item is not None and item.code == st.candidate and item.status is FunctionStatus.TRANSLATED:
                compiled.append(st)
                continue
            errors = rejected.get(key, [])
            if errors:
                self._reject(st, st.outcome.attempts[-1], "compile", _rendered(errors))
            else:  # removed by the crate-level gate or quarantined without a located error
                diag = next((d for d in results[st.task.module].diagnostics if d.function == st.task.name), None)
                self._reject(st, st.outcome.attempts[-1], "compile", diag.message if diag else "rustc rejected it")
        if not compiled:
            return
        if ctx.source_root is None:
            for st in compiled:
                self._settle_untested(st, "no differential tests in this context", accepted)
            return
        validations: dict[str, ModuleValidation] = {}
        for st in compiled:
            v = validations.setdefault(st.task.module, ModuleValidation(
                module=st.task.module, compiles=True, items=results[st.task.module].items))
            v.functions.append(FunctionReport(name=st.task.name, qualname=st.task.name, backend="llm", status=FunctionStatus.TRANSLATED))
        t0 = time.perf_counter()
        report = verify_crate(
            ctx.work_dir, ctx.source_root, ctx.parsed, ctx.type_maps, validations, ctx.toolchain,
            VerifyConfig(generated_per_function=s.verify_cases, sandbox=SandboxPolicy(allow_unsandboxed=s.allow_unsandboxed)),
            modules=sorted(validations), program=CASES_PROGRAM,
        )
        self._seconds["behaviour_s"] += time.perf_counter() - t0
        verdicts = {(v.module, v.function): v for v in report.verdicts}
        for st in compiled:
            verdict = verdicts.get((st.task.module, st.task.name))
            if verdict is not None and verdict.status is FunctionStatus.VERIFIED:
                self._accept(st, True, f"verified on {verdict.cases_passed} case(s)", accepted, verdict.cases_passed, verdict.cases_total)
            elif verdict is not None and verdict.status is FunctionStatus.FAILED:
                st.outcome.cases_passed, st.outcome.cases_total = verdict.cases_passed, verdict.cases_total
                self._reject(st, st.outcome.attempts[-1], "behaviour", verdict.detail or "a case differs")
            else:
                why = (verdict.detail if verdict is not None else None) or report.failure or "no verdict"
                self._settle_untested(st, why, accepted)

    def _settle_untested(self, st: _State, why: str, accepted: dict[tuple[str, str], str]) -> None:
        """A safe, compiling candidate with no case to run: accepted unless verification is required."""
        if self.settings.require_verified:
            st.outcome.attempts[-1].stage = "untested"
            st.outcome.attempts[-1].feedback = why
            st.outcome.detail = f"compiles, but not accepted without differential tests: {why}"
            st.feedback, st.done = None, True
            return
        self._accept(st, False, f"compiles; untested: {why}", accepted)
