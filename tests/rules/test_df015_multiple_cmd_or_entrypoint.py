"""DF015 multiple-cmd-or-entrypoint, through the real engine."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.engine import FileReport, Linter, LintOptions
from tfimage_lint.registry import load_registry


def lint_report(text: str, rule_id: str) -> FileReport:
    """The whole report (findings and internal errors) of one rule on ``text``."""
    registry = load_registry(include_plugins=False)
    return Linter(registry, registry.select([rule_id]), LintOptions()).lint_bytes(text.encode(), "Dockerfile")


TF = "FROM tensorflow/tensorflow:2.15.0-gpu\n"
OK = {
    "one of each": TF + 'ENTRYPOINT ["python"]\nCMD ["serve.py"]\n',
    "one per stage": TF.replace("\n", " AS a\n") + 'CMD ["a"]\n' + TF + 'CMD ["b"]\n',
    "child stage overrides its parent's": TF.replace("\n", " AS base\n") + 'CMD ["a"]\nFROM base\nCMD ["b"]\n',
    "ONBUILD CMD does not count": TF + 'CMD ["a"]\nONBUILD CMD ["b"]\nONBUILD ENTRYPOINT ["c"]\nENTRYPOINT ["d"]\n',
    "HEALTHCHECK CMD does not count": TF + 'HEALTHCHECK CMD ["curl", "x"]\nCMD ["a"]\n',
    "CMD before FROM is not in a stage": 'CMD ["a"]\n' + TF + 'CMD ["b"]\n',
}
BAD = {
    "two CMDs": (TF + 'CMD ["a"]\nCMD ["b"]\n', [3]),
    "three CMDs": (TF + "CMD a\nRUN x\nCMD b\nCMD c\n", [4, 5]),
    "two ENTRYPOINTs": (TF + 'ENTRYPOINT ["a"]\nCMD ["x"]\nENTRYPOINT ["b"]\n', [4]),
    "empty CMD counts": (TF + "CMD []\nCMD b\n", [3]),
    "lower-case keywords": (TF + "cmd a\nCmd b\nentrypoint c\nENTRYPOINT d\n", [3, 5]),
    "multi-line: the first line": (TF + 'CMD ["a"]\nCMD ["python", \\\n     "b.py"]\n', [3]),
    "each stage separately": (TF.replace("\n", " AS a\n") + "CMD a\nCMD b\nFROM a\nCMD c\nCMD d\n", [3, 6]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nCMD a\nCMD b\n", [4]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF015"]), "DF015") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF015"]), "DF015") == [("DF015", line) for line in lines]


def test_messages_name_the_first_line(lint):
    text = TF.replace("\n", " AS app\n") + 'CMD ["a"]\nENTRYPOINT ["x"]\nCMD ["b"]\nCMD ["c"]\nENTRYPOINT ["y"]\n'
    findings = lint(text, select=["DF015"])
    assert [(f.line, f.message) for f in findings] == [
        (4, "another CMD in stage app (the first is on line 2): only the last CMD takes effect; remove the others"),
        (5, "another CMD in stage app (the first is on line 2): only the last CMD takes effect; remove the others"),
        (
            6,
            "another ENTRYPOINT in stage app (the first is on line 3): only the last ENTRYPOINT takes effect; "
            "remove the others",
        ),
    ]
    assert {f.severity.value for f in findings} == {"warning"}


@pytest.mark.parametrize("text", [TF + "CMD\nCMD\n", TF + "ENTRYPOINT\nENTRYPOINT [\n", "CMD a\nCMD b\n"])
def test_no_crash_on_odd_input(text):
    assert lint_report(text, "DF015").internal_errors == ()
