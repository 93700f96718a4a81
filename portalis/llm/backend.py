"""The one interface every model backend implements.

A backend turns a batch of chat prompts into completions. It never raises for one bad request:
a failed request comes back as a `Completion` with `error` set, so one timeout cannot cost the
other functions of a run their candidates. It raises `BackendUnavailable` only from `start()`
(the health check) - a misconfigured endpoint or a missing model directory is reported before any
work is done, in words that say what to fix.

Implementations: `portalis.llm.openai_http.OpenAIBackend` (NIM, vLLM, Triton's OpenAI front end,
any `/v1/chat/completions` server) and `portalis.llm.local.TransformersBackend` (a local model
directory). `make_backend(settings)` picks one.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass
from typing import Sequence

from portalis.llm.settings import LLMSettings

Message = dict[str, str]  # {"role": "system" | "user" | "assistant", "content": "..."}


class BackendUnavailable(RuntimeError):
    """The backend cannot be used at all (health check failed, model missing, circuit open)."""


@dataclass
class Completion:
    """One answer (or why there is none)."""

    text: str = ""
    # "stop": the model ended its answer; "length": cut at max_tokens (the code is truncated);
    # "error": no answer (see `error`)
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_s: float = 0.0  # wall time of the request, retries included
    attempts: int = 1  # HTTP attempts (retries + 1)
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


class Backend(abc.ABC):
    """A model that completes chat prompts."""

    kind: str = ""  # "openai" | "transformers"

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings

    @property
    def model(self) -> str:
        return self.settings.model

    def identity(self) -> str:
        return self.settings.identity()

    @abc.abstractmethod
    def start(self) -> None:
        """Check the backend can serve (health check, model loaded); raise BackendUnavailable."""

    @abc.abstractmethod
    def complete(self, prompts: Sequence[list[Message]]) -> list[Completion]:
        """One completion per prompt, in order; failures are Completions with `error`."""

    def close(self) -> None:
        """Release connections (the model of a local backend stays loaded for the process)."""


def make_backend(settings: LLMSettings) -> Backend:
    """The backend the settings name (not started)."""
    problems = settings.problems()
    if problems:
        raise BackendUnavailable("; ".join(problems))
    if settings.backend == "openai":
        from portalis.llm.openai_http import OpenAIBackend

        return OpenAIBackend(settings)
    if settings.backend == "transformers":
        from portalis.llm.local import TransformersBackend

        return TransformersBackend(settings)
    raise BackendUnavailable(f"unknown LLM backend {settings.backend!r}")
