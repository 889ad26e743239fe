"""``python -m zdcontract``: the same as the ``zdcontract`` command."""

from __future__ import annotations

from .cli import main

main()
