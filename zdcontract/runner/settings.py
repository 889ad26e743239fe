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

__all__ = ["ENV_PREFIX", "SECRET_KEYS", "load_project_settings", "project_file"]

ENV_PREFIX = "ZDCONTRACT"
#: Keys the config file may hold for credentials (the environment is the better place).
SECRET_KEYS = ("email", "api-token", "oauth-token")


def project_file(start: Path | None = None) -> Path | None:
    """The nearest pyproject.toml at or above ``start`` (cwd), if any."""
    directory = (start or Path.cwd()).resolve()
    for folder in (directory, *directory.parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file():
            return candidate
    return None


def load_project_settings(start: Path | None = None) -> dict[str, Any]:
    """``[tool.zdcontract]`` of the nearest pyproject.toml at or above ``start`` (cwd).

    UsageError (one line, naming the file) when the file cannot be read, is not TOML, or
    holds a ``[tool.zdcontract]`` that is not a table or credentials that are not strings.
    """
    candidate = project_file(start)
    if candidate is None:
        return {}
    try:
        data = tomllib.loads(candidate.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"cannot read {candidate}: {exc}") from None
    tool = data.get("tool", {})
    if not isinstance(tool, Mapping):
        raise UsageError(f"{candidate}: 'tool' must be a table")
    section = tool.get("zdcontract", {})
    if not isinstance(section, Mapping):
        raise UsageError(f"{candidate}: [tool.zdcontract] must be a table")
    settings = {str(k).replace("_", "-"): v for k, v in section.items()}
    for key in SECRET_KEYS:
        if key in settings and not isinstance(settings[key], str):
            raise UsageError(f"{candidate}: [tool.zdcontract] '{key}' must be a string")
    return settings
