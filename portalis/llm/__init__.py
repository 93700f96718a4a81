"""Language-model translation for what the rules cannot translate, accepted only through the same
gates as rule output (safety gate, rustc in the crate, differential tests).

- `settings.LLMSettings`: backend, endpoint, model, key variable, rounds, concurrency (CLI flags,
  `PORTALIS_LLM_*` environment variables and the Dagster `translator` resource all make one).
- `backend.Backend`: the interface; `openai_http.OpenAIBackend` (NIM, vLLM, Triton OpenAI front
  end) and `local.TransformersBackend` (a local model directory) implement it.
- `loop.RefineLoop`: candidate -> gates -> repair rounds -> accepted or left `todo!()`.
- `memory.TranslationMemory`: validated pairs in DuckDB, retrieved by hashed n-gram similarity.
- `metrics.LLMMetrics`: per backend/model counters, stored in DuckDB.
- `stage`: which functions go to the model, how outcomes change translations and the cache.

Nothing here imports torch, transformers or cupy at import time: they are optional extras.
"""

from portalis.llm.backend import Backend, BackendUnavailable, Completion, make_backend
from portalis.llm.settings import LLMSettings

__all__ = ["Backend", "BackendUnavailable", "Completion", "LLMSettings", "make_backend"]
