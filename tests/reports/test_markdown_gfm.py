"""The Markdown summary as GitHub reads it: parsed by a CommonMark parser with GFM tables.

A string match cannot tell whether a pipe closes a cell or a pair of backticks is a code
span; the parser's tokens can. markdown-it-py implements CommonMark and GFM tables, as
GitHub's job summaries do, with raw HTML (``<details>``) passed through.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from zdcontract.drift.findings import Kind, Severity
from zdcontract.reports import render_markdown
from zdcontract.results import CheckOutcome, RunResult

from ._factories import CURSOR, NOT_FOUND, TIMEOUT, VIA, finding, sample_result

# What aggregate() makes of a finding about the whole response: one empty pointer.
SERVER_ERROR = finding(
    Kind.UNDOCUMENTED_STATUS,
    Severity.BREAKING,
    "CountActivities",
    "",
    "status 500 is not documented for CountActivities (documented: 200)",
    qualifier="500",
    count=4,
    examples=("",),
    status=500,
    request="curl -sS -X GET http://127.0.0.1:8765/api/v2/activities/count",
)


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]] = field(default_factory=list)
    cells: list[list[Token]] = field(default_factory=list)  # inline tokens, row by row


def parse(text: str) -> list[Token]:
    return MarkdownIt("commonmark", {"html": True}).enable("table").parse(text)


def tables(tokens: list[Token]) -> list[Table]:
    """Every table with its header texts and its cells' plain texts and inline tokens."""
    found: list[Table] = []
    row: list[str] | None = None
    inline: list[Token] = []
    in_head = False
    for token in tokens:
        if token.type == "table_open":
            found.append(Table(header=[]))
        elif token.type == "thead_open":
            in_head = True
        elif token.type == "thead_close":
            in_head = False
        elif token.type == "tr_open":
            row, inline = [], []
        elif token.type == "inline" and row is not None:
            row.append(plain(token))
            inline.append(token)
        elif token.type == "tr_close" and row is not None:
            if in_head:
                found[-1].header = row
            else:
                found[-1].rows.append(row)
                found[-1].cells.append(inline)
            row = None
    return found


def plain(token: Token) -> str:
    """The text a reader sees in an inline token (code spans included, markup dropped)."""
    return "".join(
        child.content for child in token.children or () if child.type in ("text", "code_inline")
    )


def texts(tokens: list[Token]) -> list[str]:
    """Every literal text piece outside code: where stray Markdown syntax would show."""
    return [
        child.content
        for token in tokens
        if token.type == "inline"
        for child in token.children or ()
        if child.type == "text"
    ]


def result() -> RunResult:
    findings = (VIA, CURSOR, TIMEOUT, NOT_FOUND, SERVER_ERROR)
    checks = (
        *sample_result().checks,
        CheckOutcome(
            operation="CountActivities",
            check="count",
            not_exercised="GET /api/v2/activities/count answered 500",
        ),
    )
    return sample_result(findings=findings, checks=checks, spec="the bundled spec")


def test_every_table_renders_with_its_columns_intact() -> None:
    tokens = parse(render_markdown(result()))

    found = {tuple(t.header): t for t in tables(tokens)}

    assert set(found) == {
        ("Operation", "Check", "Outcome", "Exercised", "Why not exercised"),
        ("Operation", "Requests", "Answers", "Retried", "Transport errors", "Not sent", "Time"),
        ("Kind", "🔴 Breaking", "🟠 Warning", "🔵 Info", "Total"),
        ("#", "Severity", "Fingerprint", "Message", "Count", "Examples"),
    }
    top = found[("#", "Severity", "Fingerprint", "Message", "Count", "Examples")]
    # A pipe inside a fingerprint stays in its code span and closes no cell.
    fingerprints = [row[2] for row in top.rows]
    assert set(fingerprints) == {f.fingerprint for f in result().findings}
    for row, cells in zip(top.rows, top.cells, strict=True):
        assert [c.type for c in cells[2].children or ()] == ["code_inline"]
        message = next(f.message for f in result().findings if f.fingerprint == row[2])
        assert row[3] == message
    operations = found[
        ("Operation", "Requests", "Answers", "Retried", "Transport errors", "Not sent", "Time")
    ]
    assert operations.rows[0][:3] == ["ListActivities", "120", "200 ×115, 429 ×3"]


def test_a_whole_response_finding_shows_a_dash_not_two_backticks() -> None:
    tokens = parse(render_markdown(result()))

    top = next(t for t in tables(tokens) if t.header[0] == "#")
    row = next(r for r in top.rows if r[2] == SERVER_ERROR.fingerprint)
    assert row[5] == "—"
    via = next(r for r in top.rows if r[2] == VIA.fingerprint)
    assert via[5].startswith("/activities/0/via, /activities/1/via")
    # No backtick is left over as text anywhere: every one opened a code span.
    assert not [t for t in texts(tokens) if "`" in t]


def test_the_bundled_spec_is_words_and_a_spec_path_is_code() -> None:
    def spec_item(run: RunResult) -> list[Token]:
        tokens = parse(render_markdown(run))
        line = next(t for t in tokens if t.type == "inline" and t.content.startswith("**Spec:**"))
        return [c for c in line.children or () if c.type in ("text", "code_inline") and c.content]

    bundled = spec_item(result())
    assert [(c.type, c.content) for c in bundled] == [
        ("text", "Spec:"),
        ("text", " the bundled spec"),
    ]
    path = spec_item(replace(result(), spec="spec/activities.yaml"))
    assert ("code_inline", "spec/activities.yaml") in [(c.type, c.content) for c in path]


def test_each_reproducer_is_a_details_block_around_a_shell_fence() -> None:
    tokens = parse(render_markdown(result()))

    blocks = [
        (i, t) for i, t in enumerate(tokens) if t.type == "html_block" and "<details>" in t.content
    ]
    with_request = [f for f in result().findings if f.request]
    assert len(blocks) == len(with_request)
    for index, opening in blocks:
        fence, closing = tokens[index + 1], tokens[index + 2]
        assert opening.content.startswith("<details><summary>Reproduce #")
        assert "</summary>" in opening.content and "</details>" not in opening.content
        assert fence.type == "fence" and fence.info == "sh"
        assert fence.content.startswith("curl ")
        assert closing.type == "html_block" and closing.content.strip() == "</details>"


@pytest.mark.parametrize("example", ["/x|y", "a`b", "`edge`", "<b>x</b>", "*not bold*"])
def test_odd_examples_stay_one_code_span_in_their_cell(example: str) -> None:
    odd = replace(VIA, examples=(example,))

    tokens = parse(render_markdown(sample_result(findings=(odd,))))

    top = next(t for t in tables(tokens) if t.header[0] == "#")
    (row,), (cells,) = top.rows, top.cells
    assert len(row) == 6
    assert [(c.type, c.content) for c in cells[5].children or ()] == [("code_inline", example)]


def test_a_checks_table_cut_short_says_how_many_checks_it_left_out() -> None:
    many = tuple(CheckOutcome(operation=f"Op{n:03d}", check="schema", cases=1) for n in range(130))
    text = render_markdown(sample_result(findings=(), checks=many))

    table = next(t for t in tables(parse(text)) if t.header[:2] == ["Operation", "Check"])
    assert [row[0] for row in table.rows[:-1]] == [f"Op{n:03d}" for n in range(100)]
    assert table.rows[-1] == ["… 30 more checks", "", "", "", ""]
    assert "**Checks:** 130 passed" in text  # every check is still counted
