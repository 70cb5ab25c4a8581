"""dyads: open political event data.

Code dated news stories into CAMEO/PLOVER events (who did what to whom, when, where), store them,
and roll them up into dyad time series.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Coder", "Event", "Story", "code_story", "__version__"]

if TYPE_CHECKING:
    from dyads.model import Event, Story
    from dyads.pipeline import Coder, code_story


def __getattr__(name: str) -> Any:
    """Import the heavy parts lazily so that `import dyads` stays fast."""
    if name in ("Coder", "code_story"):
        from dyads import pipeline

        return getattr(pipeline, name)
    if name in ("Event", "Story"):
        from dyads import model

        return getattr(model, name)
    raise AttributeError(f"module 'dyads' has no attribute {name!r}")
