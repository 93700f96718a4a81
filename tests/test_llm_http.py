"""The OpenAI-style HTTP backend against a real HTTP server on loopback.

`ScriptedServer` (used by the other test_llm_* files too) is a stdlib ThreadingHTTPServer on
127.0.0.1, port 0, speaking the OpenAI chat API: `GET /v1/models` and `POST
/v1/chat/completions`, with answers, status codes, headers and delays decided per request by a
script. Nothing is mocked on the client side: requests go through httpx and the socket.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

import pytest

from portalis.llm.backend import BackendUnavailable
from portalis.llm.openai_http import OpenAIBackend, api_base, retry_after_seconds
from portalis.llm.settings import LLMSettings


@dataclass
class Reply:
    """What the server does with one chat request."""

    content: str = ""
    status: int = 200
    finish_reason: str = "stop"
    headers: dict[str, str] = field(default_factory=dict)
    body: str | None = None  # raw body instead of a chat completion
    delay: float = 0.0  # seconds to wait before answering


Script = Callable[[dict, int], Reply]  # (request body, index of the request) -> reply


class ScriptedServer:
    """An OpenAI-compatible chat server on 127.0.0.1:<free port>, answering from a script."""

    def __init__(self, script: Script, models: tuple[str, ...] = ("test-model",), models_status: int = 200) -> None:
        self.script = script
        self.models = models
        self.models_status = models_status
        self.requests: list[dict] = []  # chat request bodies, in arrival order
        self.headers: list[dict[str, str]] = []
        self.arrivals: list[float] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # quiet
                pass

            def _send(self, status: int, body: str, headers: dict[str, str] | None = None) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    for k, v in (headers or {}).items():
                        self.send_header(k, v)
                    data = body.encode()
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (its timeout): nothing to answer

            def do_GET(self) -> None:
                if self.path.rstrip("/") == "/v1/models":
                    data = {"object": "list", "data": [{"id": m, "object": "model"} for m in server.models]}
                    self._send(server.models_status, json.dumps(data))
                else:
                    self._send(404, json.dumps({"error": "not found"}))

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                if self.path.rstrip("/") != "/v1/chat/completions":
                    self._send(404, json.dumps({"error": "not found"}))
                    return
                with server._lock:
                    index = len(server.requests)
                    server.requests.append(body)
                    server.headers.append(dict(self.headers))
                    server.arrivals.append(time.monotonic())
                    server.in_flight += 1
                    server.max_in_flight = max(server.max_in_flight, server.in_flight)
                try:
                    reply = server.script(body, index)
                    if reply.delay:
                        time.sleep(reply.delay)
                    if reply.body is not None:
                        text = reply.body
                    elif reply.status == 200:
                        text = json.dumps({
                            "id": f"chatcmpl-{index}", "object": "chat.completion", "model": body.get("model"),
                            "choices": [{"index": 0, "finish_reason": reply.finish_reason,
                                         "message": {"role": "assistant", "content": reply.content}}],
                            "usage": {"prompt_tokens": 10 + index, "completion_tokens": 5, "total_tokens": 15 + index},
                        })
                    else:
                        text = json.dumps({"error": {"message": f"scripted {reply.status}"}})
                finally:
                    # Before the response goes out: once the client has it, it may send its next
                    # request, which must not find this one still counted in flight.
                    with server._lock:
                        server.in_flight -= 1
                self._send(reply.status, text, reply.headers)

        class Server(ThreadingHTTPServer):
            request_queue_size = 128  # the default backlog of 5 drops concurrent connects (1 s SYN retry)

        self.httpd = Server(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        # a short poll interval: shutdown() waits for it
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> "ScriptedServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def settings(server: ScriptedServer, **kw: object) -> LLMSettings:
    base = dict(endpoint=server.url, model="test-model", backoff_s=0.05, max_backoff_s=0.2, timeout_s=5.0)
    base.update(kw)
    return LLMSettings(**base)  # type: ignore[arg-type]


HELLO = [{"role": "user", "content": "hello"}]


def test_answers_and_usage_come_back_and_the_request_is_openai_shaped() -> None:
    with ScriptedServer(lambda body, i: Reply(content="```rust\npub fn f() {}\n```")) as server:
        backend = OpenAIBackend(settings(server, max_tokens=77, seed=3))
        backend.start()
        (c,) = backend.complete([HELLO])
        backend.close()
    assert c.ok and c.text.startswith("```rust") and c.finish_reason == "stop"
    assert (c.prompt_tokens, c.completion_tokens, c.attempts) == (10, 5, 1)
    body = server.requests[0]
    assert body["model"] == "test-model" and body["messages"] == HELLO
    assert body["max_tokens"] == 77 and body["temperature"] == 0.0 and body["seed"] == 3


def test_429_with_retry_after_is_retried_after_the_delay_it_asks_for() -> None:
    def script(body: dict, i: int) -> Reply:
        if i == 0:
            return Reply(status=429, headers={"Retry-After": "1"})
        return Reply(content="ok")

    with ScriptedServer(script) as server:
        backend = OpenAIBackend(settings(server))
        (c,) = backend.complete([HELLO])
    assert c.ok and c.text == "ok" and c.attempts == 2
    gap = server.arrivals[1] - server.arrivals[0]
    assert 0.95 <= gap < 3.0, gap  # waited what Retry-After said, not the 0.05 s backoff


def test_5xx_is_retried_with_backoff_and_a_400_is_not() -> None:
    def script(body: dict, i: int) -> Reply:
        content = body["messages"][0]["content"]
        if content == "bad":
            return Reply(status=400)
        return Reply(status=503) if i < 3 else Reply(content="fine")

    with ScriptedServer(script) as server:
        backend = OpenAIBackend(settings(server, max_retries=4))
        (good,) = backend.complete([[{"role": "user", "content": "x"}]])
        (bad,) = backend.complete([[{"role": "user", "content": "bad"}]])
    assert good.ok and good.text == "fine" and good.attempts == 4
    assert not bad.ok and bad.attempts == 1 and "HTTP 400" in (bad.error or "")


def test_a_timeout_is_retried() -> None:
    def script(body: dict, i: int) -> Reply:
        return Reply(content="late", delay=1.0) if i == 0 else Reply(content="on time")

    with ScriptedServer(script) as server:
        backend = OpenAIBackend(settings(server, timeout_s=0.3))
        started = time.monotonic()
        (c,) = backend.complete([HELLO])
    assert c.ok and c.text == "on time" and c.attempts == 2
    assert len(server.requests) == 2 and time.monotonic() - started < 1.5


def test_retries_are_bounded_and_a_too_long_retry_after_gives_up_at_once() -> None:
    with ScriptedServer(lambda body, i: Reply(status=503)) as server:
        (c,) = OpenAIBackend(settings(server, max_retries=2)).complete([HELLO])
    assert not c.ok and c.attempts == 3 and len(server.requests) == 3 and "503" in (c.error or "")

    with ScriptedServer(lambda body, i: Reply(status=429, headers={"Retry-After": "3600"})) as server:
        started = time.monotonic()
        (c,) = OpenAIBackend(settings(server, max_retries=5)).complete([HELLO])
    assert not c.ok and len(server.requests) == 1 and time.monotonic() - started < 1.0
    assert "over the 120 s limit" in (c.error or "")


def test_concurrency_is_bounded() -> None:
    with ScriptedServer(lambda body, i: Reply(content="x", delay=0.15)) as server:
        backend = OpenAIBackend(settings(server, concurrency=2))
        out = backend.complete([HELLO] * 6)
    assert all(c.ok for c in out) and len(server.requests) == 6
    assert server.max_in_flight == 2


def test_health_check_reports_what_to_fix() -> None:
    with ScriptedServer(lambda body, i: Reply(content="x"), models=("other-model",)) as server:
        with pytest.raises(BackendUnavailable, match="not served.*other-model"):
            OpenAIBackend(settings(server)).start()
    with ScriptedServer(lambda body, i: Reply(content="x"), models_status=500) as server:
        with pytest.raises(BackendUnavailable, match="HTTP 500"):
            OpenAIBackend(settings(server, max_retries=1)).start()
    with pytest.raises(BackendUnavailable, match="not reachable"):
        # a port nothing listens on (the server above is closed)
        OpenAIBackend(LLMSettings(endpoint=server.url, model="m", max_retries=0, connect_timeout_s=0.5)).start()
    with ScriptedServer(lambda body, i: Reply(content="x")) as server:
        with pytest.raises(BackendUnavailable, match="PORTALIS_TEST_NO_SUCH_KEY is not set"):
            OpenAIBackend(settings(server, api_key_env="PORTALIS_TEST_NO_SUCH_KEY")).start()


def test_api_key_comes_from_the_named_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTALIS_TEST_KEY", "s3cret")
    with ScriptedServer(lambda body, i: Reply(content="x")) as server:
        backend = OpenAIBackend(settings(server, api_key_env="PORTALIS_TEST_KEY"))
        backend.start()
        backend.complete([HELLO])
    assert server.headers[0].get("Authorization") == "Bearer s3cret"


def test_the_circuit_breaker_stops_asking_after_consecutive_failures() -> None:
    with ScriptedServer(lambda body, i: Reply(status=500)) as server:
        backend = OpenAIBackend(settings(server, max_retries=0, breaker_failures=2, concurrency=1))
        out = backend.complete([HELLO] * 5)
    assert len(server.requests) == 2
    assert all(not c.ok for c in out) and "unavailable for this run" in (out[-1].error or "")


def test_malformed_bodies_are_errors_not_answers() -> None:
    with ScriptedServer(lambda body, i: Reply(body="{not json")) as server:
        (c,) = OpenAIBackend(settings(server)).complete([HELLO])
    assert not c.ok and "malformed" in (c.error or "")


def test_url_and_retry_after_parsing() -> None:
    assert api_base("http://h:8000") == api_base("http://h:8000/v1/") == "http://h:8000/v1"
    assert retry_after_seconds("2") == 2.0 and retry_after_seconds("0.5") == 0.5
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
