"""The translator: the rules engine, and the LLM stage for what the rules leave (portalis/llm).

Every LLM setting can be left empty here and come from the environment (`PORTALIS_LLM_BACKEND`,
`PORTALIS_LLM_ENDPOINT`, `PORTALIS_LLM_MODEL`, `PORTALIS_LLM_API_KEY_ENV`,
`PORTALIS_LLM_MODEL_DIR`, `PORTALIS_LLM_DEVICE`, `PORTALIS_LLM_MAX_REPAIR_ROUNDS`,
`PORTALIS_LLM_CONCURRENCY`, `PORTALIS_LLM_TIMEOUT_S`, `PORTALIS_LLM_ONLY`): a deployment points
Dagster at a NIM / vLLM server without editing code. With neither an endpoint nor a model
directory anywhere, the translator is the rules alone.
"""

from __future__ import annotations

import os

import dagster as dg
from pydantic import Field

from portalis.llm.settings import LLMSettings
from portalis.lower.module import lower_module
from portalis.model import ModuleTranslation, ModuleTypeMap, ParsedModule


class TranslatorResource(dg.ConfigurableResource):
    """What translates: the rules engine, plus an LLM backend (an OpenAI-style server such as NIM
    or vLLM, or a local transformers model) for what the rules leave; empty settings come from
    the PORTALIS_LLM_* environment."""

    backend: str = Field(
        default="",
        description="`rules`, `openai` (NIM / vLLM / Triton OpenAI front end) or `transformers` (local model dir); "
        "empty: $PORTALIS_LLM_BACKEND, else `openai` when an endpoint is set, `transformers` when a model dir is, else `rules`",
    )
    endpoint: str = Field(default="", description="OpenAI-style base URL, e.g. http://nim:8000/v1 (default $PORTALIS_LLM_ENDPOINT)")
    model: str = Field(default="", description="served model name (default $PORTALIS_LLM_MODEL)")
    api_key_env: str = Field(default="", description="NAME of the variable holding the API key (default $PORTALIS_LLM_API_KEY_ENV)")
    model_dir: str = Field(default="", description="transformers: local model directory (default $PORTALIS_LLM_MODEL_DIR)")
    device: str = Field(default="", description="transformers: auto | cuda | cpu (default $PORTALIS_LLM_DEVICE, else auto)")
    max_repair_rounds: int | None = Field(default=None, description="repair rounds per function (default 2)")
    concurrency: int | None = Field(default=None, description="requests in flight / batch size (default 8)")
    timeout_s: float | None = Field(default=None, description="read timeout of one request (default 120 s)")
    llm_only: bool = Field(default=False, description="send every function to the model, not only what the rules left (evaluation)")
    rustfmt: str = Field(default="rustfmt", description="the rustfmt executable that formats the translated Rust")
    jobs: int = Field(default=0, description="worker processes for parse, type map and translation (0: $PORTALIS_JOBS, "
                      "else every core when the run holds 256 KB of Python or more; 1: the run's own process)")

    trace: bool | None = Field(default=None, description="run the repository's tests and doctests once under the type recorder "
                               "(sandboxed, cached by source hash) before the type map: the types they pass are evidence for "
                               "unannotated code (portalis/validate/trace.py). Unset: on, as `portalis translate --verify` "
                               "does (this pipeline always verifies), unless $PORTALIS_TRACE is 0/false/off")
    trace_max_s: float = Field(default=120.0, gt=0, description="time the traced test run may take; past it, it is killed "
                               "and what it recorded is kept")

    def tracing(self) -> bool:
        """Whether the tracer runs: the `trace` setting, else $PORTALIS_TRACE, else on. On by default
        so the pipeline's type map is the one `portalis translate --verify` builds (the CLI traces
        whenever it verifies, and this pipeline always verifies)."""
        if self.trace is not None:
            return self.trace
        return os.environ.get("PORTALIS_TRACE", "1").strip().lower() not in {"0", "false", "no", "off"}

    def trace_config(self, allow_unsandboxed: bool = False):
        """The tracer's settings (portalis.validate.trace.TraceConfig), or None when it is off."""
        if not self.tracing():
            return None
        from portalis.sandbox import SandboxPolicy
        from portalis.validate.trace import TraceConfig

        return TraceConfig(max_s=self.trace_max_s, sandbox=SandboxPolicy(allow_unsandboxed=allow_unsandboxed))

    def job_count(self, modules: int, source_bytes: int) -> int:
        """Worker processes for a step over `modules` holding `source_bytes` of Python (portalis/workers.py)."""
        from portalis.workers import job_count

        return job_count(self.jobs or None, modules, source_bytes)

    def llm_settings(self) -> LLMSettings | None:
        """The LLM stage's settings (config first, then the environment), or None for rules only.
        Raises ValueError for an LLM backend without what it needs."""
        backend = self.backend or os.environ.get("PORTALIS_LLM_BACKEND", "")
        if backend == "rules":
            return None
        overrides: dict[str, object] = {
            "backend": backend, "endpoint": self.endpoint, "model": self.model, "api_key_env": self.api_key_env,
            "model_dir": self.model_dir, "device": self.device, "max_repair_rounds": self.max_repair_rounds,
            "concurrency": self.concurrency, "timeout_s": self.timeout_s, "llm_only": True if self.llm_only else None,
        }
        settings = LLMSettings.from_env(None, **overrides)
        if settings is None:
            if backend:  # an LLM backend was asked for by name but nothing says where it is
                raise ValueError(f"translator backend {backend!r} needs an endpoint or a model directory "
                                 "(resource config, or PORTALIS_LLM_ENDPOINT / PORTALIS_LLM_MODEL_DIR)")
            return None
        problems = settings.problems()
        if problems:
            raise ValueError("translator: " + "; ".join(problems))
        return settings

    def identity(self) -> str:
        """What translates, as recorded with every translation and cache key: `rules`, or the
        model with the prompt version (`llm:openai:<model>+prompt-1`)."""
        from portalis.llm.stage import cache_identity

        settings = self.llm_settings()
        return "rules" if settings is None else cache_identity(settings)

    def translate(self, parsed: ParsedModule, type_map: ModuleTypeMap, interfaces: dict[str, ModuleTypeMap]) -> ModuleTranslation:
        """One module by the rules (the LLM stage runs over a whole run, in rust_translation)."""
        return lower_module(parsed, type_map, interfaces, self.rustfmt)
