from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest

from zdcontract.drift.findings import Kind, Severity
from zdcontract.reports import render_markdown, write_markdown
from zdcontract.reports.markdown import MAX_BYTES, code, escape
from zdcontract.results import RunResult

from ._factories import BASE, CURSOR, REFRESHED_AT, VIA, clean_result, finding, sample_result

GOLDEN = Path(__file__).parent / "data" / "expected_summary.md"


def small_result() -> RunResult:
    """Two operations, four checks, three findings: the run behind the golden file."""
    return sample_result(
        findings=(VIA, REFRESHED_AT, CURSOR),
        operations=sample_result().operations[:2],
        checks=sample_result().checks[:4],
    )


def test_matches_the_expected_summary() -> None:
    """Catches unintended format changes; ZD_UPDATE_GOLDEN=1 rewrites the expected file."""
    text = render_markdown(small_result())

    if os.environ.get("ZD_UPDATE_GOLDEN"):
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_has_status_line_and_tables() -> None:
    text = render_markdown(sample_result())

    assert text.startswith("## zdcontract drift report\n\n❌ **4 findings at or above warning**")
    header = "| Operation | Requests | Answers | Retried | Transport errors | Not sent | Time |"
    assert header in text
    assert "| `ListActivities` | 120 | 200 ×115, 429 ×3 | 0 | 2 | 0 | 20.0 s |" in text
    assert "| Kind | 🔴 Breaking | 🟠 Warning | 🔵 Info | Total |" in text
    assert "| `unexpected-null` | 1 | · | · | 1 |" in text
    assert "| **Total** | **2** | **2** | **1** | **5** |" in text
    assert "- **Seed:** `1234567`" in text


def test_top_drift_is_most_severe_first_then_most_frequent() -> None:
    text = render_markdown(sample_result())

    rows = [line for line in text.splitlines() if line.startswith(("| 1 |", "| 2 |"))]
    assert "CountActivities\\|unexpected-null" in rows[0]  # breaking, count 3
    assert "ListActivities\\|semantic-violation" in rows[1]  # breaking, count 1


def test_pipes_are_escaped_in_table_cells() -> None:
    piped = replace(VIA, message="a | b", examples=("/x|y",))

    text = render_markdown(sample_result(findings=(piped,)))

    row = next(line for line in text.splitlines() if line.startswith("| 1 |"))
    assert "`ListActivities\\|undocumented-field\\|/activities/*/via`" in row
    assert "a \\| b" in row
    assert "`/x\\|y`" in row
    # every unescaped pipe is a cell border: 7 of them for 6 columns
    assert row.replace("\\|", "").count("|") == 7


def test_curl_is_in_a_details_block() -> None:
    text = render_markdown(sample_result())

    assert "<details><summary>Reproduce #2: <code>ListActivities|semantic-violation|" in text
    assert f"```sh\ncurl -sS '{BASE}/activities?page[size]=2&page[after]=xyz'\n```" in text


def test_clean_run_says_no_drift() -> None:
    text = render_markdown(clean_result())

    assert "✅ **No drift at or above warning**" in text
    assert "No findings." in text
    assert "Top drift" not in text


def test_findings_below_fail_on_pass_with_a_note() -> None:
    text = render_markdown(sample_result(fail_on="breaking"))

    assert "❌ **2 findings at or above breaking** (3 more findings below breaking)" in text
    only_info = render_markdown(sample_result(findings=(replace(VIA, severity=Severity.INFO),)))
    assert "✅ **No drift at or above warning** (1 more finding below warning)" in only_info


def test_interrupted_marker() -> None:
    assert "⚠️ **Interrupted**" in render_markdown(sample_result(interrupted=True))
    assert "Interrupted" not in render_markdown(sample_result())


def test_thousands_of_findings_are_truncated_under_a_megabyte() -> None:
    many = tuple(
        finding(
            Kind.UNDOCUMENTED_FIELD,
            Severity.WARNING,
            "ListActivities",
            f"/activities/0/field_{i}",
            "x" * 5_000,
            count=i + 1,
            examples=tuple(f"/activities/{j}/field_{i}" for j in range(5)),
            request="curl " + "y" * 50_000,
        )
        for i in range(3_000)
    )

    text = render_markdown(sample_result(findings=many))

    assert len(text.encode("utf-8")) < MAX_BYTES
    assert "… 2980 more findings (see the JSON or HTML report)" in text
    assert text.count("<details>") == 20
    assert "field_2999" in text  # the most frequent comes first


def test_markup_in_messages_is_escaped() -> None:
    xss = replace(VIA, message="<script>alert(1)</script> *bold* [link](x)")

    text = render_markdown(sample_result(findings=(xss,)))

    assert "\\<script\\>alert(1)\\</script\\> \\*bold\\* \\[link\\](x)" in text


@pytest.mark.parametrize(
    ("text", "span"),
    [("a|b", "`a\\|b`"), ("a`b", "``a`b``"), ("`x`", "`` `x` ``"), ("a\nb", "`a b`")],
)
def test_code_spans(text: str, span: str) -> None:
    assert code(text) == span


def test_escape_collapses_whitespace() -> None:
    assert escape("a\n  b_c") == "a b\\_c"


def test_write_markdown(tmp_path: Path) -> None:
    path = write_markdown(sample_result(), tmp_path / "summary.md")

    assert path.read_text(encoding="utf-8") == render_markdown(sample_result())
