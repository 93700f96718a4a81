"""The translation memory: validated (Python, Rust) pairs, retrieved by similarity as examples.

Pairs come from the loop (candidates it accepted) and from validation reports (functions whose
translation was verified on cases). Each is stored once in DuckDB (`translation_memory`, keyed by
the hash of the pair) with its function cache key, backend, model and whether it was verified.

Similarity is cosine over hashed token n-gram vectors of the Python source: tokens (identifiers,
numbers, operators), n-grams of 1 to 3 tokens, each hashed (blake2b) into one of `DIM` buckets
with a sign bit (signed feature hashing keeps collisions unbiased). Vectors are integer counts,
and dot products are computed in int64 on the array module (`cupy` when a GPU is usable, numpy
otherwise): integer arithmetic is exact on both, so the GPU and the CPU rank the same pairs in the
same order, bit for bit. Only the final division by the norms happens on the host, in float64.
Ties are broken by insertion order, so retrieval is deterministic.
"""

from __future__ import annotations

import hashlib
import math
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from types import ModuleType
from typing import Iterable, Sequence

import numpy as np

from portalis.store import Store

DIM = 1024
NGRAMS = (1, 2, 3)
_TOKEN = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|\d+(?:\.\d+)?|==|!=|<=|>=|//|\*\*|->|[^\sA-Za-z0-9_]")

TABLE = "translation_memory"
DDL = f"""CREATE TABLE IF NOT EXISTS {TABLE} (
    pair_key VARCHAR PRIMARY KEY,
    cache_key VARCHAR,
    module VARCHAR,
    function VARCHAR,
    python_source VARCHAR,
    rust_code VARCHAR,
    python_sha256 VARCHAR,
    backend VARCHAR,
    model VARCHAR,
    verified BOOLEAN,
    dim INTEGER,
    vector BLOB,
    created_at TIMESTAMP
)"""


def tokens(source: str) -> list[str]:
    """Code tokens of a Python source, comments dropped (they are prose, not structure)."""
    text = "\n".join(line.split("#", 1)[0] if "#" in line and "'" not in line and '"' not in line else line
                     for line in source.splitlines())
    return _TOKEN.findall(text)


def vectorize(source: str, dim: int = DIM) -> np.ndarray:
    """Signed hashed n-gram counts of a source (int32, length dim)."""
    vec = np.zeros(dim, dtype=np.int32)
    toks = tokens(source)
    for n in NGRAMS:
        for i in range(len(toks) - n + 1):
            h = int.from_bytes(hashlib.blake2b("\x1f".join(toks[i:i + n]).encode(), digest_size=8).digest(), "little")
            vec[h % dim] += 1 if (h >> 63) & 1 == 0 else -1
    return vec


def array_module(prefer: str = "auto") -> ModuleType:
    """cupy when asked for (or `auto`) and a CUDA device answers; numpy otherwise. Importing
    cupy works without a GPU, so availability is checked on the device itself."""
    if prefer == "numpy":
        return np
    try:
        import cupy  # type: ignore[import-not-found]

        if cupy.cuda.is_available() and cupy.cuda.runtime.getDeviceCount() > 0:
            return cupy
    except Exception:  # ImportError, or CUDARuntimeError (a RuntimeError) without a driver
        pass
    if prefer == "cupy":
        raise RuntimeError("cupy was asked for but no CUDA device is usable")
    return np


def similarity(queries: np.ndarray, matrix: np.ndarray, xp: ModuleType = np) -> np.ndarray:
    """Cosine similarity (float64, queries x rows) of integer count vectors. The dot products
    and squared norms are exact int64 on `xp`; the host divides."""
    q = xp.asarray(queries, dtype=xp.int64)
    m = xp.asarray(matrix, dtype=xp.int64)
    dots = q @ m.T
    qn = (q * q).sum(axis=1)
    mn = (m * m).sum(axis=1)
    if xp is not np:  # cupy arrays -> host
        dots, qn, mn = dots.get(), qn.get(), mn.get()
    dots = np.asarray(dots, dtype=np.float64)
    denom = np.sqrt(np.outer(np.asarray(qn, dtype=np.float64), np.asarray(mn, dtype=np.float64)))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = np.where(denom > 0, dots / np.where(denom > 0, denom, 1.0), 0.0)
    return out


def top_k(scores: np.ndarray, k: int, exclude: Sequence[Sequence[int]] | None = None, min_score: float = 0.0) -> list[list[int]]:
    """For each query row, the indices of its k best columns: highest score first, ties by
    lower index; `exclude[i]` columns are skipped, scores <= min_score too."""
    out: list[list[int]] = []
    for i, row in enumerate(scores):
        order = np.lexsort((np.arange(len(row)), -row))
        skip = set(exclude[i]) if exclude else set()
        picked = [int(j) for j in order if int(j) not in skip and row[j] > min_score][:k]
        out.append(picked)
    return out


@dataclass
class MemoryEntry:
    python_source: str
    rust_code: str
    module: str = ""
    function: str = ""
    cache_key: str = ""
    backend: str = ""
    model: str = ""
    verified: bool = False
    vector: np.ndarray | None = field(default=None, repr=False)

    @property
    def python_sha256(self) -> str:
        return hashlib.sha256(self.python_source.encode()).hexdigest()

    @property
    def pair_key(self) -> str:
        return hashlib.sha256((self.python_source + "\x00" + self.rust_code).encode()).hexdigest()


class TranslationMemory:
    """Validated pairs in a DuckDB store (or only in memory when `store` is None)."""

    def __init__(self, store: Store | None = None, dim: int = DIM, prefer: str = "auto") -> None:
        self.store = store
        self.dim = dim
        self.prefer = prefer
        self._entries: list[MemoryEntry] | None = None
        self._lock = threading.Lock()

    # ---------------------------------------------------------------- storage
    def _ensure(self, con) -> None:  # type: ignore[no-untyped-def]
        con.execute(DDL)

    def entries(self) -> list[MemoryEntry]:
        """All pairs, in insertion order (loaded once; `add` keeps the list current)."""
        with self._lock:
            if self._entries is None:
                self._entries = self._load()
            return self._entries

    def _load(self) -> list[MemoryEntry]:
        if self.store is None or not self.store.path.exists():
            return []
        with self.store.connect() as con:
            self._ensure(con)
            rows = con.execute(
                f"SELECT python_source, rust_code, module, function, cache_key, backend, model, verified, dim, vector "
                f"FROM {TABLE} ORDER BY created_at, pair_key"
            ).fetchall()
        out = []
        for py, rs, module, function, cache_key, backend, model, verified, dim, blob in rows:
            vec = np.frombuffer(blob, dtype=np.int32).copy() if blob is not None and dim == self.dim else vectorize(py, self.dim)
            out.append(MemoryEntry(py, rs, module, function, cache_key or "", backend or "", model or "", bool(verified), vec))
        return out

    def add(self, new: Iterable[MemoryEntry]) -> int:
        """Store pairs not stored yet (by pair key); returns how many were new."""
        entries = self.entries()
        have = {e.pair_key: i for i, e in enumerate(entries)}
        fresh: list[MemoryEntry] = []
        for e in new:
            if e.vector is None:
                e.vector = vectorize(e.python_source, self.dim)
            if e.pair_key in have:
                old = entries[have[e.pair_key]]
                if e.verified and not old.verified:  # a later verification upgrades the pair
                    old.verified = True
                    fresh.append(old)
                continue
            have[e.pair_key] = len(entries)
            entries.append(e)
            fresh.append(e)
        if fresh and self.store is not None:
            now = datetime.now(timezone.utc).replace(tzinfo=None)
            with self.store.connect() as con:
                self._ensure(con)
                con.execute("BEGIN TRANSACTION")
                try:
                    keys = [e.pair_key for e in fresh]
                    con.execute(f"DELETE FROM {TABLE} WHERE pair_key IN ({', '.join('?' for _ in keys)})", keys)
                    con.executemany(
                        f"INSERT INTO {TABLE} VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [[e.pair_key, e.cache_key, e.module, e.function, e.python_source, e.rust_code, e.python_sha256,
                          e.backend, e.model, e.verified, self.dim, e.vector.astype(np.int32).tobytes(), now]  # type: ignore[union-attr]
                         for e in fresh],
                    )
                    con.execute("COMMIT")
                except BaseException:
                    con.execute("ROLLBACK")
                    raise
        return len(fresh)

    # ---------------------------------------------------------------- retrieval
    def similar(self, sources: Sequence[str], k: int = 2, min_score: float = 0.05) -> list[list[MemoryEntry]]:
        """For each Python source, up to k stored pairs by decreasing similarity. A pair with the
        very same Python text is left out: it would hand the model the answer (and in an
        `--llm-only` evaluation, measure recall instead of translation)."""
        entries = self.entries()
        if not sources or not entries or k <= 0:
            return [[] for _ in sources]
        queries = np.stack([vectorize(s, self.dim) for s in sources])
        matrix = np.stack([e.vector for e in entries])  # type: ignore[misc]
        scores = similarity(queries, matrix, array_module(self.prefer))
        shas = [hashlib.sha256(s.encode()).hexdigest() for s in sources]
        by_sha: dict[str, list[int]] = {}
        for j, e in enumerate(entries):
            by_sha.setdefault(e.python_sha256, []).append(j)
        exclude = [by_sha.get(sha, []) for sha in shas]
        picked = top_k(scores, k, exclude, min_score)
        return [[entries[j] for j in row] for row in picked]

    def __len__(self) -> int:
        return len(self.entries())


def cosine_reference(a: Sequence[int], b: Sequence[int]) -> float:
    """Plain-Python cosine of two count vectors (what `similarity` must agree with)."""
    dot = sum(int(x) * int(y) for x, y in zip(a, b))
    na = sum(int(x) * int(x) for x in a)
    nb = sum(int(y) * int(y) for y in b)
    return dot / math.sqrt(na * nb) if na and nb else 0.0
