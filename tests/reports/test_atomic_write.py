from __future__ import annotations

import os
from pathlib import Path
from typing import NoReturn

import pytest

from zdcontract.reports._atomic import atomic_write_bytes, atomic_write_text


def test_writes_text_and_creates_parent_directories(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "report.md"

    assert atomic_write_text(target, "héllo\n") == target

    assert target.read_bytes() == "héllo\n".encode()
    assert os.listdir(target.parent) == ["report.md"]


def test_replaces_the_previous_content(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    atomic_write_bytes(target, b"old")

    atomic_write_bytes(target, b"new")

    assert target.read_bytes() == b"new"
    assert os.listdir(tmp_path) == ["report.json"]


def test_keeps_newlines_untranslated(tmp_path: Path) -> None:
    target = atomic_write_text(tmp_path / "r.txt", "a\nb\r\n")

    assert target.read_bytes() == b"a\nb\r\n"


def test_file_gets_the_mode_of_a_plain_open(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.write_text("x")

    target = atomic_write_text(tmp_path / "atomic", "x")

    assert target.stat().st_mode & 0o777 == plain.stat().st_mode & 0o777


@pytest.mark.parametrize("step", ["fsync", "replace"])
@pytest.mark.parametrize("error", [KeyboardInterrupt, OSError])
def test_interrupted_write_leaves_the_previous_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str, error: type[BaseException]
) -> None:
    target = tmp_path / "zdcontract-report.json"
    target.write_text('{"previous": true}')

    def boom(*args: object) -> NoReturn:
        raise error("interrupted mid-write")

    monkeypatch.setattr(os, step, boom)
    with pytest.raises(error):
        atomic_write_text(target, '{"half": ')
    monkeypatch.undo()

    assert target.read_text() == '{"previous": true}'
    assert os.listdir(tmp_path) == ["zdcontract-report.json"]


def test_interrupted_first_write_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def boom(*args: object) -> NoReturn:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", boom)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(tmp_path / "new.html", b"<html>")
    monkeypatch.undo()

    assert os.listdir(tmp_path) == []
