"""Learning the contract as served: observed responses to an OpenAPI Overlay 1.0 document.

Sits above the drift layer (it reuses the validator's findings to know what to change) and
the monitor layer's HAR reader; the front-ends call ``learn`` and ``dump_overlay``.
"""

from __future__ import annotations

from .learner import Learned, dump_overlay, learn
from .samples import Sample, read_samples

__all__ = ["Learned", "Sample", "dump_overlay", "learn", "read_samples"]
