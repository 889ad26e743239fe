"""Run settings from ``[tool.zdcontract]`` in pyproject.toml and from the environment.

Precedence, highest first: the command line, ``ZDCONTRACT_*`` environment variables, the
config file, the defaults. Keys are the long option names: ``max-examples = 50``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from ..errors import UsageError

__all__ = ["ENV_PREFIX", "SECRET_KEYS", "load_project_settings"]

ENV_PREFIX = "ZDCONTRACT"
#: Keys the config file may hold for credentials (the environment is the better place).
SECRET_KEYS = ("email", "api-token", "oauth-token")


def load_project_settings(start: Path | None = None) -> dict[str, Any]:
    """``[tool.zdcontract]`` of the nearest pyproject.toml at or above ``start`` (cwd)."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
                raise UsageError(f"cannot read {candidate}: {exc}") from None
            section = data.get("tool", {}).get("zdcontract", {})
            if not isinstance(section, Mapping):
                raise UsageError(f"{candidate}: [tool.zdcontract] must be a table")
            return {str(k).replace("_", "-"): v for k, v in section.items()}
    return {}
