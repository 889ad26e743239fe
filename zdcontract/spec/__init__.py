"""The spec layer: loading OpenAPI documents, finding operations, deriving strict schemas."""

from __future__ import annotations

from .loader import BUNDLED_SPEC_NAME, Operation, Spec, bundled_spec_path, load_spec

__all__ = ["BUNDLED_SPEC_NAME", "Operation", "Spec", "bundled_spec_path", "load_spec"]
