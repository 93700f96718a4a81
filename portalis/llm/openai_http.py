"""OpenAI-style HTTP backend: `POST {base}/v1/chat/completions`, as served by NVIDIA NIM,
vLLM, Triton's OpenAI-compatible front end and any other compatible server.

Why each behaviour is there:
- Retries (408, 409, 429, 5xx, timeouts, connection errors) with exponential backoff and jitter,
  honouring `Retry-After` (seconds or an HTTP date): a GPU server under load sheds requests with
  429/503 and says when to come back. Generation has no side effects, so retrying is safe.
  Other 4xx (400 context too long, 401/403 key, 404 model, 422 schema) are not retried: the same
  request would fail again.
- A `Retry-After` longer than `max_retry_after_s` gives up at once instead of stalling a run.
- Bounded concurrency: at most `concurrency` requests in flight per backend (a semaphore, so it
  holds across threads), which is how a client gets throughput from a server that batches
  in flight (continuous batching in vLLM / NIM) without flooding it.
- A circuit breaker: after `breaker_failures` consecutive requests that failed all their retries,
  the rest of the run gets errors at once instead of waiting out every timeout.
- `start()` asks `GET {base}/v1/models` and checks the model is served (a wrong model name is a
  404 on every request otherwise); a refused connection fails at once, a 503 (model loading) is
  retried.
- The API key is read from the environment variable the settings name, sent as a bearer token,
  and never logged.
"""

from __future__ import annotations

import email.utils
import json
import os
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import httpx

from portalis.llm.backend import Backend, BackendUnavailable, Completion, Message
from portalis.llm.settings import LLMSettings

RETRY_STATUS = frozenset({408, 409, 429}) | frozenset(range(500, 600))


def api_base(endpoint: str) -> str:
    """`http://h:8000`, `http://h:8000/`, `http://h:8000/v1/` -> `http://h:8000/v1`."""
    base = endpoint.strip().rstrip("/")
    return base if base.endswith("/v1") else base + "/v1"


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds (fractions accepted) or an
    HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


class OpenAIBackend(Backend):
    kind = "openai"

    def __init__(self, settings: LLMSettings, transport: httpx.BaseTransport | None = None) -> None:
        super().__init__(settings)
        self.base = api_base(settings.endpoint)
        self._semaphore = threading.BoundedSemaphore(settings.concurrency)
        self._lock = threading.Lock()
        self._consecutive_failures = 0
        self._open_reason: str | None = None  # set when the circuit breaker opened
        self._rng = random.Random(0)  # jitter; seeded so a test's timings are reproducible
        headers = {"Content-Type": "application/json"}
        self._key_problem: str | None = None  # reported by start(), the one place that raises
        if settings.api_key_env:
            key = os.environ.get(settings.api_key_env, "")
            if key:
                headers["Authorization"] = f"Bearer {key}"
            else:
                self._key_problem = f"the API key variable {settings.api_key_env} is not set"
        self._client = httpx.Client(
            headers=headers,
            timeout=httpx.Timeout(settings.timeout_s, connect=settings.connect_timeout_s),
            limits=httpx.Limits(max_connections=settings.concurrency, max_keepalive_connections=settings.concurrency),
            transport=transport,
        )

    # ------------------------------------------------------------------ health

    def start(self) -> None:
        """`GET /v1/models` (retried like a completion); the configured model must be listed."""
        if self._key_problem:
            raise BackendUnavailable(self._key_problem)
        # A refused connection is reported at once (a wrong URL, or a server not started yet);
        # a 503 while the model loads is retried like any request.
        response, error, _ = self._send("GET", f"{self.base}/models", None, retry_transport=False)
        if response is None:
            raise BackendUnavailable(f"LLM server {self.base} is not reachable: {error}")
        if response.status_code in (401, 403):
            raise BackendUnavailable(f"LLM server {self.base} refused the API key (HTTP {response.status_code})")
        if response.status_code != 200:
            raise BackendUnavailable(f"LLM server {self.base}/models answered HTTP {response.status_code}: {_short(response.text)}")
        try:
            served = [str(m.get("id")) for m in response.json().get("data", []) if isinstance(m, dict)]
        except (ValueError, AttributeError):
            raise BackendUnavailable(f"LLM server {self.base}/models did not answer a model list: {_short(response.text)}")
        if served and self.settings.model not in served:
            raise BackendUnavailable(f"model {self.settings.model!r} is not served by {self.base}; it serves: {', '.join(served[:10])}")

    # ------------------------------------------------------------------ completions

    def complete(self, prompts: Sequence[list[Message]]) -> list[Completion]:
        if not prompts:
            return []
        workers = min(self.settings.concurrency, len(prompts))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="portalis-llm") as pool:
            return list(pool.map(self._complete_one, prompts))

    def _body(self, messages: list[Message]) -> dict:
        body: dict = {
            "model": self.settings.model, "messages": messages, "max_tokens": self.settings.max_tokens,
            "temperature": self.settings.temperature, "n": 1,
        }
        if self.settings.seed is not None:
            body["seed"] = self.settings.seed
        return body

    def _complete_one(self, messages: list[Message]) -> Completion:
        started = time.perf_counter()
        if self._open_reason is not None:
            return Completion(finish_reason="error", attempts=0, error=f"backend unavailable for this run: {self._open_reason}")
        response, error, attempts = self._send("POST", f"{self.base}/chat/completions", self._body(messages))
        latency = time.perf_counter() - started
        if response is not None and response.status_code == 200:
            done = _parse_chat(response.text)
            done.latency_s, done.attempts = latency, attempts
            self._record(done.ok, done.error)
            return done
        if response is not None and error is None:
            error = f"HTTP {response.status_code}: {_short(response.text)}"
        self._record(False, error)
        return Completion(finish_reason="error", latency_s=latency, attempts=attempts, error=error)

    def _record(self, ok: bool, error: str | None) -> None:
        with self._lock:
            if ok:
                self._consecutive_failures = 0
                return
            self._consecutive_failures += 1
            if self._consecutive_failures >= self.settings.breaker_failures and self._open_reason is None:
                self._open_reason = f"{self._consecutive_failures} requests in a row failed, the last with: {error}"

    def _send(self, method: str, url: str, body: dict | None,
              retry_transport: bool = True) -> tuple[httpx.Response | None, str | None, int]:
        """One request with retries. Returns (the last response, or None after transport errors;
        the last error in words; attempts made)."""
        s = self.settings
        error: str | None = None
        response: httpx.Response | None = None
        for attempt in range(s.max_retries + 1):
            wait: float | None = None
            with self._semaphore:
                try:
                    response = self._client.request(method, url, json=body)
                    error = None
                except httpx.TimeoutException as exc:
                    response, error = None, f"timed out ({type(exc).__name__})"
                except httpx.TransportError as exc:
                    response, error = None, f"connection failed: {exc}"
                    if not retry_transport:
                        return None, error, attempt + 1
            if response is not None:
                if response.status_code not in RETRY_STATUS:
                    return response, None, attempt + 1
                error = f"HTTP {response.status_code}: {_short(response.text)}"
                wait = retry_after_seconds(response.headers.get("Retry-After"))
                if wait is not None and wait > s.max_retry_after_s:
                    return response, f"{error} (Retry-After {wait:.0f} s is over the {s.max_retry_after_s:.0f} s limit)", attempt + 1
            if attempt == s.max_retries:
                break
            if wait is None:  # exponential backoff, jittered so clients do not retry in lockstep
                wait = min(s.backoff_s * 2 ** attempt, s.max_backoff_s) * (1 - 0.25 * self._rng.random())
            time.sleep(wait)  # outside the semaphore: a waiting retry does not hold a slot
        return response, error, s.max_retries + 1

    def close(self) -> None:
        self._client.close()


def _parse_chat(text: str) -> Completion:
    """A chat.completion body -> Completion (an unreadable body is an error, not an answer)."""
    try:
        data = json.loads(text)
        choice = data["choices"][0]
        content = choice["message"].get("content")
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return Completion(finish_reason="error", error=f"malformed chat completion: {_short(text)}")
    usage = data.get("usage") or {}
    return Completion(
        text=content if isinstance(content, str) else "",
        finish_reason=str(choice.get("finish_reason") or "stop"),
        prompt_tokens=int(usage.get("prompt_tokens") or 0),
        completion_tokens=int(usage.get("completion_tokens") or 0),
    )


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
