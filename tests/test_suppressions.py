"""Inline suppressions, DF900 unused-suppression and DF901 unknown-rule-in-suppression."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

UNDEFINED = "FROM alpine:3.19\n{comment}ENV A=$MISSING\n"


@pytest.mark.parametrize(
    "comment",
    [
        "# tfimage-lint: ignore=DF020\n",
        "# tfimage-lint: ignore=undefined-variable\n",
        "# tfimage-lint: ignore=df020\n",
        "#tfimage-lint:ignore=DF021,DF020\n",
        "# tfimage-lint: ignore=DF021, undefined-variable\n",
        "# tfimage-lint: ignore=DF020\n# another comment\n",
    ],
)
def test_comment_directly_above_suppresses(lint, comment):
    findings = lint(UNDEFINED.format(comment=comment), select=["DF020"])
    assert findings == []


def test_suppression_covers_every_line_of_a_multi_line_instruction(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF020\nENV A=1 \\\n    B=$MISSING\n"
    assert lint(text) == []


def test_blank_line_breaks_the_attachment(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF020\n\nENV A=$MISSING\n"
    assert ids_and_lines(lint(text)) == [("DF900", 2), ("DF020", 4)]
    assert lint(text)[0].message == (
        "unused suppression of DF020 undefined-variable: no such finding "
        "(the comment is not directly above an instruction)"
    )


def test_suppression_applies_to_the_next_instruction_only(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF020\nENV A=$ONE\nENV B=$TWO\n"
    assert ids_and_lines(lint(text)) == [("DF020", 4)]


def test_global_suppression_anywhere(lint):
    text = "FROM alpine:3.19\nENV A=$ONE\nENV B=$TWO\n# tfimage-lint: global ignore=DF020\n"
    assert lint(text) == []


def test_unused_suppression_is_reported_as_info(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF020\nRUN true\n"
    (finding,) = lint(text)
    assert (finding.rule_id, finding.rule_name, finding.line, finding.severity.value) == (
        "DF900",
        "unused-suppression",
        2,
        "info",
    )
    assert finding.message == "unused suppression of DF020 undefined-variable: no such finding on the instruction below"


def test_unused_global_suppression(lint):
    (finding,) = lint("# tfimage-lint: global ignore=DF021\nFROM alpine:3.19\n")
    assert (finding.rule_id, finding.line) == ("DF900", 1)
    assert finding.message.endswith("no such finding in this file")


def test_only_the_unused_token_is_reported(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF020,DF021\nENV A=$MISSING\n"
    findings = lint(text)
    assert ids_and_lines(findings) == [("DF900", 2)]
    assert "DF021 invalid-stage-reference" in findings[0].message


def test_suppression_of_a_rule_that_is_not_selected_is_not_unused(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF021\nRUN true\n"
    assert lint(text, select=["DF020", "DF900"]) == []


def test_unknown_rule_is_reported(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF02O\nRUN true\n"
    (finding,) = lint(text)
    assert (finding.rule_id, finding.rule_name, finding.line, finding.severity.value) == (
        "DF901",
        "unknown-rule-in-suppression",
        2,
        "warning",
    )
    assert finding.message == "suppression names unknown rule 'DF02O'"


def test_malformed_directive_is_reported(lint):
    (finding,) = lint("FROM alpine:3.19\n# tfimage-lint: ignor=DF020\nRUN true\n")
    assert (finding.rule_id, finding.line) == ("DF901", 2)
    assert finding.message.startswith("malformed suppression 'ignor=DF020'")


def test_bookkeeping_findings_can_be_ignored_globally(lint):
    text = "# tfimage-lint: global ignore=DF900\nFROM alpine:3.19\n# tfimage-lint: ignore=DF020\nRUN true\n"
    assert lint(text) == []


def test_bookkeeping_rules_can_be_deselected(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=DF02O,DF020\nRUN true\n"
    assert lint(text, ignore=["DF900", "DF901"]) == []


def test_comments_inside_heredocs_are_not_suppressions(lint):
    text = "FROM alpine:3.19\nRUN <<EOF\n# tfimage-lint: ignore=NOPE999\necho hi\nEOF\n"
    assert lint(text) == []


def test_suppressing_parse_errors_is_refused(lint):
    text = "FROM alpine:3.19\n# tfimage-lint: ignore=parse-error\nENV BROKEN\n"
    findings = lint(text)
    assert ids_and_lines(findings) == [("DF900", 2), ("DF000", 3)]
    assert findings[0].message == "DF000 parse-error cannot be suppressed"
