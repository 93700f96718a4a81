"""Settings of the LLM stage: which backend, where, which model, and how hard to try.

One pydantic model shared by the CLI flags (`portalis translate --llm-*`), the environment
(`PORTALIS_LLM_*`, read by the Dagster `translator` resource) and the loop itself, so the three
cannot drift apart.
"""

from __future__ import annotations

import os
from typing import Literal, Mapping

from pydantic import BaseModel, Field

BackendKind = Literal["openai", "transformers"]

# Environment variable -> settings field. Values are strings; pydantic converts them.
ENV_VARS: dict[str, str] = {
    "PORTALIS_LLM_BACKEND": "backend",
    "PORTALIS_LLM_ENDPOINT": "endpoint",
    "PORTALIS_LLM_MODEL": "model",
    "PORTALIS_LLM_API_KEY_ENV": "api_key_env",
    "PORTALIS_LLM_MODEL_DIR": "model_dir",
    "PORTALIS_LLM_DEVICE": "device",
    "PORTALIS_LLM_MAX_REPAIR_ROUNDS": "max_repair_rounds",
    "PORTALIS_LLM_CONCURRENCY": "concurrency",
    "PORTALIS_LLM_TIMEOUT_S": "timeout_s",
    "PORTALIS_LLM_MAX_TOKENS": "max_tokens",
    "PORTALIS_LLM_ONLY": "llm_only",
}


class LLMSettings(BaseModel):
    """Everything the LLM stage needs to know. The defaults suit a code model served by vLLM or
    NIM: deterministic first attempts, two repair rounds (published gains flatten after 2-3)."""

    backend: BackendKind = Field(default="openai", description="`openai`: an OpenAI-style HTTP server (NIM, vLLM, "
                                 "Triton's OpenAI front end); `transformers`: a local model directory")
    endpoint: str = Field(default="", description="base URL of the server, with or without /v1 (openai)")
    model: str = Field(default="", description="model name the server serves (openai); a label for metrics (transformers)")
    api_key_env: str = Field(default="", description="name of the environment variable holding the API key ('' = none)")
    model_dir: str = Field(default="", description="local model directory (transformers)")
    device: Literal["auto", "cuda", "cpu"] = Field(default="auto", description="transformers: auto = cuda when available")
    max_repair_rounds: int = Field(default=2, ge=0, le=10, description="rounds fed with compiler errors or a failing case")
    concurrency: int = Field(default=8, ge=1, le=256, description="requests in flight at once (openai) / batch size (transformers)")
    timeout_s: float = Field(default=120.0, gt=0, description="read timeout of one HTTP request")
    connect_timeout_s: float = Field(default=5.0, gt=0, description="connect timeout of one HTTP request")
    max_retries: int = Field(default=4, ge=0, le=20, description="retries of one request on 408/409/429/5xx, timeouts, connection errors")
    backoff_s: float = Field(default=0.5, ge=0, description="first retry delay; doubles per retry, jittered")
    max_backoff_s: float = Field(default=8.0, ge=0, description="cap of the exponential backoff")
    max_retry_after_s: float = Field(default=120.0, ge=0, description="a longer Retry-After gives up on the request")
    breaker_failures: int = Field(default=5, ge=1, description="consecutive failed requests that mark the backend unavailable for the run")
    max_tokens: int = Field(default=1024, ge=16, description="completion tokens per candidate")
    temperature: float = Field(default=0.0, ge=0.0, le=2.0, description="0: greedy, reproducible first attempts")
    seed: int | None = Field(default=0, description="sent to servers that honour it (vLLM, NIM); None: not sent")
    llm_only: bool = Field(default=False, description="send every function to the model (evaluation), not only what the rules left")
    examples: int = Field(default=2, ge=0, le=10, description="similar validated pairs from the translation memory in each prompt")
    require_verified: bool = Field(default=False, description="accept only candidates that passed differential tests "
                                   "(default: a candidate without any case is accepted once it is safe and compiles)")
    verify_cases: int = Field(default=20, ge=0, description="generated (hypothesis) cases per function in the loop's differential tests")
    allow_unsandboxed: bool = Field(default=False, description="run the differential tests even without a sandbox "
                                    "that isolates network and files (portalis.sandbox)")

    def model_label(self) -> str:
        """The model's name: the served name, or the model directory's name."""
        return self.model or os.path.basename(self.model_dir.rstrip("/")) or "default"

    def identity(self) -> str:
        """`llm:<backend>:<model>`: part of every function cache key, shown as the translator."""
        return f"llm:{self.backend}:{self.model_label()}"

    def problems(self) -> list[str]:
        """What makes these settings unusable, in words (empty when usable)."""
        out = []
        if self.backend == "openai" and not self.endpoint:
            out.append("the openai backend needs an endpoint (--llm-endpoint / PORTALIS_LLM_ENDPOINT)")
        if self.backend == "openai" and not self.model:
            out.append("the openai backend needs a model name (--llm-model / PORTALIS_LLM_MODEL)")
        if self.backend == "transformers" and not self.model_dir:
            out.append("the transformers backend needs a model directory (--llm-model-dir / PORTALIS_LLM_MODEL_DIR)")
        return out

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: object) -> "LLMSettings | None":
        """Settings from PORTALIS_LLM_* variables, or None when neither an endpoint nor a model
        directory is set (the LLM stage is off). `overrides` win over the environment."""
        env = os.environ if environ is None else environ
        values: dict[str, object] = {field: env[var] for var, field in ENV_VARS.items() if env.get(var, "") != ""}
        values.update({k: v for k, v in overrides.items() if v not in (None, "")})
        if not values.get("endpoint") and not values.get("model_dir"):
            return None
        if "backend" not in values:
            values["backend"] = "transformers" if values.get("model_dir") and not values.get("endpoint") else "openai"
        if isinstance(values.get("llm_only"), str):
            values["llm_only"] = str(values["llm_only"]).strip().lower() in ("1", "true", "yes", "on")
        return cls.model_validate(values)
