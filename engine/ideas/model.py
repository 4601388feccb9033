"""The sentence-embedding model: WordLlama's 256-dimension weights, shipped inside its wheel.

Loaded once, lazily, from the installed package with downloads disabled: grading never reaches
the network. WordLlama's own loader looks for its tokenizer in a folder that does not exist in
the wheel, and would then try to download it; pointing its cache at the package folder (where
``tokenizers/`` and ``weights/`` are) makes it find both files offline.

If the package cannot be loaded, grading goes on with lexical evidence alone and says so once
in the log; an answer is never refused because of the model.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

log = logging.getLogger("descent")
DIMENSIONS = 256


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Rows of unit length, one per text."""
        ...


class WordLlamaEmbedder:
    def __init__(self) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        # One answer's few clauses gain nothing from the tokenizer's thread pool, and its
        # threads' allocator arenas cost about 4 MB of resident memory.
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        import wordllama  # heavy (tokenizers, weights): only when grading first needs it

        folder = Path(wordllama.__file__).resolve().parent
        self._model = wordllama.WordLlama.load(
            cache_dir=folder, dim=DIMENSIONS, disable_download=True
        )
        # The model averages token vectors: half precision is plenty for a cosine and halves
        # the 33 MB table kept in memory.
        self._model.embedding = self._model.embedding.astype(np.float16)
        self._lock = threading.Lock()  # the tokenizer is not documented as thread-safe

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """WordLlama's embedding (the mean of the text's token vectors), one text at a time:
        its batched version builds a (texts × tokens × 256) float32 array per batch, and the
        allocator keeps that memory long after grading."""
        table = self._model.embedding
        rows = np.zeros((len(texts), table.shape[1]), dtype=np.float32)
        with self._lock:
            encoded = self._model.tokenize(list(texts))
        for row, enc in enumerate(encoded):
            ids = np.asarray(enc.ids, dtype=np.int64)[np.asarray(enc.attention_mask, dtype=bool)]
            if ids.size:
                np.clip(ids, 0, table.shape[0] - 1, out=ids)
                rows[row] = table[ids].sum(axis=0, dtype=np.float32) / ids.size
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        unit: NDArray[np.float32] = rows / np.maximum(norms, 1e-9)
        return unit


class NoEmbedder:
    """Stands in when the model cannot load: every similarity is zero, lexical evidence decides."""

    def embed(self, texts: Sequence[str]) -> NDArray[np.float32]:
        return np.zeros((len(texts), DIMENSIONS), dtype=np.float32)


_loading = threading.Lock()
_model: Embedder | None = None


def embedder() -> Embedder:
    """The process's model, loaded on first use (thread-safe)."""
    global _model
    if _model is None:
        with _loading:
            if _model is None:
                try:
                    _model = WordLlamaEmbedder()
                except Exception as exc:  # a missing or broken install must not stop grading
                    log.warning("open answers graded without the embedding model: %s", exc)
                    _model = NoEmbedder()
    return _model


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit-length embeddings of ``texts``, one row each."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return embedder().embed(texts)
