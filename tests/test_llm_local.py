"""The transformers backend on a tiny randomly initialised GPT-2 built offline at test time.

Nothing is downloaded (HF_HUB_OFFLINE=1): a byte-level BPE tokenizer is trained in process on a
few lines of Python and Rust, a 2-layer GPT-2 with random weights is saved next to it, and the
real backend code loads that directory. The model's output is gibberish, which is the point of
the end-to-end test: the loop must reject it safely (no candidate accepted, the crate still
builds, every function keeps what the rules gave it, with a diagnostic).

Skipped when torch/transformers are not installed; `make test` installs them (extra llm-local).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import needs_cargo
from portalis.llm.backend import BackendUnavailable
from portalis.llm.settings import LLMSettings
from portalis.pipeline import translate_path

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

CORPUS = [
    "def add(a: int, b: int) -> int:\n    return a + b\n",
    "pub fn add(a: i64, b: i64) -> i64 {\n    a + b\n}\n",
    "Translate the Python function into Rust. Reply with one ```rust block.\n",
    "for x in xs:\n    if x % 2 == 0:\n        total += x\n",
] * 20


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tokenizer and a random GPT-2, saved like a model downloaded from a hub."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    mp = pytest.MonkeyPatch()
    mp.setenv("HF_HUB_OFFLINE", "1")
    mp.setenv("TRANSFORMERS_OFFLINE", "1")
    out = tmp_path_factory.mktemp("tiny-gpt2")
    torch.manual_seed(0)
    tok = Tokenizer(models.BPE(unk_token=None))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    tok.train_from_iterator(CORPUS, trainer=trainers.BpeTrainer(
        vocab_size=400, special_tokens=["<pad>", "<s>", "</s>"], initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    hf_tok = PreTrainedTokenizerFast(tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>")
    hf_tok.chat_template = ("{% for m in messages %}<s>{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                            "{% if add_generation_prompt %}assistant: {% endif %}")
    hf_tok.save_pretrained(out)
    cfg = GPT2Config(vocab_size=len(hf_tok), n_embd=32, n_layer=2, n_head=2, n_positions=4096,
                     bos_token_id=hf_tok.bos_token_id, eos_token_id=hf_tok.eos_token_id, pad_token_id=hf_tok.pad_token_id)
    GPT2LMHeadModel(cfg).save_pretrained(out)
    yield out
    mp.undo()


def local_settings(model_dir: Path, **kw: object) -> LLMSettings:
    base: dict[str, object] = dict(backend="transformers", model_dir=str(model_dir), device="cpu", max_tokens=16, concurrency=4)
    base.update(kw)
    return LLMSettings(**base)  # type: ignore[arg-type]


def test_the_model_loads_once_and_generates_batches_deterministically(tiny_model: Path) -> None:
    from portalis.llm import local

    before = local.LOADS["count"]
    backend = local.TransformersBackend(local_settings(tiny_model))
    backend.start()
    prompts = [[{"role": "user", "content": f"def f{i}(x: int) -> int:\n    return x + {i}"}] for i in range(3)]
    first = backend.complete(prompts)
    again = local.TransformersBackend(local_settings(tiny_model)).complete(prompts)  # a second backend, same process
    assert local.LOADS["count"] == before + 1  # loaded once for both
    assert [c.text for c in first] == [c.text for c in again]  # greedy: reproducible
    assert all(c.ok and c.prompt_tokens > 10 and 0 < c.completion_tokens <= 16 for c in first)
    assert all(c.finish_reason in ("stop", "length") for c in first)
    assert backend.identity() == f"llm:transformers:{tiny_model.name}"


def test_cuda_without_a_gpu_and_a_missing_directory_are_reported(tiny_model: Path, tmp_path: Path) -> None:
    from portalis.llm.local import TransformersBackend

    if not torch.cuda.is_available():
        with pytest.raises(BackendUnavailable, match="no CUDA device"):
            TransformersBackend(local_settings(tiny_model, device="cuda")).start()
    with pytest.raises(BackendUnavailable, match="not found"):
        TransformersBackend(local_settings(tmp_path / "nothing")).start()


@needs_cargo
def test_garbage_from_a_random_model_is_rejected_safely_end_to_end(tiny_model: Path, tmp_path: Path, toolchain) -> None:  # type: ignore[no-untyped-def]
    src = tmp_path / "tinydemo.py"
    src.write_text("def add(a: int, b: int) -> int:\n    return a + b\n\n\ndef neg(a: int) -> int:\n    return -a\n")
    settings = local_settings(tiny_model, llm_only=True, max_repair_rounds=1)
    run = translate_path(src, tmp_path / "out", toolchain, llm=settings)
    m = run.llm
    assert m is not None and (m["functions"], m["candidates"], m["accepted"], m["compiled"]) == (2, 4, 0, 0)
    assert m["backend"] == "transformers" and m["completion_tokens"] > 0
    (module,) = run.report["modules"]
    assert {f["name"]: f["backend"] for f in module["functions"]} == {"add": "rules", "neg": "rules"}
    rejected = [d for d in module["diagnostics"] if d["code"] == "PTL502"]
    assert {d["function"] for d in rejected} == {"add", "neg"}
    assert run.crate.compiles  # nothing unvalidated got in
    assert json.loads((tmp_path / "out" / "portalis-report.json").read_text())["llm"]["gave_up"] == 2
