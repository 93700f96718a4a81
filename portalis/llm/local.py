"""transformers backend: a causal LM from a local model directory, in this process.

- The model and tokenizer are loaded once per process (a lock-guarded cache keyed by directory,
  device and dtype): a Dagster run or a CLI call loads them once, however many modules it has.
- `device`: `auto` is cuda when torch sees a GPU, else cpu; `cuda` without a GPU is an error
  from `start()` (not a silent CPU fallback that would take hours).
- Batched generation: prompts are rendered with the tokenizer's chat template (a plain
  `role: content` transcript when it has none), left-padded, and generated `concurrency` at a
  time; greedy unless a temperature is set, so the first attempt is reproducible.
- Nothing is downloaded: `local_files_only=True` (and HF_HUB_OFFLINE is honoured by transformers).
- A prompt longer than the model's context is an error completion, not silently truncated (the
  instructions would be cut first).
- Output of a small or random model may not be valid UTF-8 or Rust: it is decoded with
  replacement characters and left to the loop's gates to reject.

torch and transformers are the optional extra `llm-local`; importing this module does not
import them.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, Sequence

from portalis.llm.backend import Backend, BackendUnavailable, Completion, Message
from portalis.llm.settings import LLMSettings

_LOADED: dict[tuple[str, str, str], tuple[Any, Any]] = {}
_LOAD_LOCK = threading.Lock()
LOADS = {"count": 0}  # how many times a model was actually loaded in this process (tests read it)


def _torch():  # type: ignore[no-untyped-def]
    try:
        import torch
        import transformers  # noqa: F401
    except ImportError as exc:
        raise BackendUnavailable(
            "the transformers backend needs torch and transformers: pip install -e '.[llm-local]'"
        ) from exc
    return torch


def resolve_device(device: str) -> str:
    torch = _torch()
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise BackendUnavailable("device cuda was asked for but torch sees no CUDA device")
    return device


def load_model(model_dir: str, device: str, dtype: str = "auto") -> tuple[Any, Any]:
    """(model, tokenizer) for a directory, loaded at most once per process per device/dtype."""
    torch = _torch()
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # a progress bar per load is noise in Dagster and CLI logs
    path = str(Path(model_dir).expanduser().resolve())
    if dtype == "auto":
        dtype = "bfloat16" if device == "cuda" else "float32"
    key = (path, device, dtype)
    with _LOAD_LOCK:
        if key not in _LOADED:
            if not Path(path).is_dir():
                raise BackendUnavailable(f"model directory not found: {path}")
            try:
                tokenizer: Any = AutoTokenizer.from_pretrained(path, local_files_only=True)
                model: Any = AutoModelForCausalLM.from_pretrained(path, local_files_only=True, dtype=getattr(torch, dtype))
            except (OSError, ValueError) as exc:
                raise BackendUnavailable(f"cannot load a causal LM from {path}: {exc}") from exc
            tokenizer.padding_side = "left"  # generation continues the right end of every row
            if tokenizer.pad_token is None:
                tokenizer.pad_token = tokenizer.eos_token
            model.to(device).eval()
            _LOADED[key] = (model, tokenizer)
            LOADS["count"] += 1
        return _LOADED[key]


def render_chat(tokenizer: Any, messages: list[Message]) -> str:
    """The prompt text: the tokenizer's chat template, or a plain transcript."""
    if getattr(tokenizer, "chat_template", None):
        return str(tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True))
    return "".join(f"{m['role']}: {m['content']}\n" for m in messages) + "assistant: "


class TransformersBackend(Backend):
    kind = "transformers"

    def __init__(self, settings: LLMSettings) -> None:
        super().__init__(settings)
        self.device = ""
        self._model: Any = None
        self._tokenizer: Any = None

    def start(self) -> None:
        self.device = resolve_device(self.settings.device)
        self._model, self._tokenizer = load_model(self.settings.model_dir, self.device)

    def _context_limit(self) -> int | None:
        cfg = self._model.config
        for name in ("max_position_embeddings", "n_positions", "max_sequence_length", "seq_length"):
            value = getattr(cfg, name, None)
            if isinstance(value, int) and value > 0:
                return value
        return None

    def complete(self, prompts: Sequence[list[Message]]) -> list[Completion]:
        if self._model is None:
            self.start()
        torch = _torch()
        tok, model = self._tokenizer, self._model
        s = self.settings
        out: list[Completion | None] = [None] * len(prompts)
        texts = [render_chat(tok, p) for p in prompts]
        limit = self._context_limit()
        runnable: list[int] = []
        for i, text in enumerate(texts):
            n = len(tok(text)["input_ids"])
            if limit is not None and n + s.max_tokens > limit:
                out[i] = Completion(finish_reason="error", prompt_tokens=n,
                                    error=f"prompt of {n} tokens + {s.max_tokens} new tokens exceeds the model's context of {limit}")
            else:
                runnable.append(i)
        for start in range(0, len(runnable), s.concurrency):
            batch = runnable[start:start + s.concurrency]
            started = time.perf_counter()
            enc = tok([texts[i] for i in batch], return_tensors="pt", padding=True).to(self.device)
            kwargs: dict[str, Any] = {"max_new_tokens": s.max_tokens, "pad_token_id": tok.pad_token_id}
            if s.temperature > 0:
                kwargs.update(do_sample=True, temperature=s.temperature)
                if s.seed is not None:
                    torch.manual_seed(s.seed)
            else:
                kwargs["do_sample"] = False
            try:
                with torch.no_grad():
                    generated = model.generate(**enc, **kwargs)
            except RuntimeError as exc:  # out of memory, device errors: this batch fails, the run goes on
                for i in batch:
                    out[i] = Completion(finish_reason="error", error=f"generation failed: {exc}")
                continue
            elapsed = (time.perf_counter() - started) / len(batch)
            width = enc["input_ids"].shape[1]
            for row, i in enumerate(batch):
                new = generated[row, width:].tolist()
                eos = tok.eos_token_id
                ended = eos is not None and eos in new
                if ended:
                    new = new[: new.index(eos)]
                new = [t for t in new if t != tok.pad_token_id]
                out[i] = Completion(
                    text=tok.decode(new, skip_special_tokens=True),
                    finish_reason="stop" if ended or len(new) < s.max_tokens else "length",
                    prompt_tokens=int(enc["attention_mask"][row].sum()),
                    completion_tokens=len(new),
                    latency_s=elapsed,
                )
        return [c if c is not None else Completion(finish_reason="error", error="not generated") for c in out]
