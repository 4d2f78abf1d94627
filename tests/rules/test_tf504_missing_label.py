"""TF504 missing-label: the final image lacks a label require-labels asks for, or its value does not match."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.model.build import build_model
from tfimage_lint.rule import RuleContext
from tfimage_lint.rules.tf504_missing_label import MissingLabel, final_labels
from tfimage_lint.syntax.parser import parse_dockerfile

NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
SOURCE = "org.opencontainers.image.source"
OPTIONS = {"require_labels": {SOURCE: "https://github.com/.*", "maintainer": None}}
GOOD = f'LABEL {SOURCE}="https://github.com/example/app" maintainer="ml-platform@example.com"\n'

OK = {
    "both labels": NGC + GOOD,
    "two LABEL instructions": NGC + f"LABEL {SOURCE}=https://github.com/example/app\nLABEL maintainer=me\n",
    "multi-line LABEL": NGC + f'LABEL {SOURCE}="https://github.com/example/app" \\\n      maintainer="me"\n',
    "legacy LABEL key value form": NGC + f"LABEL {SOURCE} https://github.com/example/app\nLABEL maintainer ml team\n",
    "quoted key": NGC + f"LABEL \"{SOURCE}\"='https://github.com/example/app' 'maintainer'=me\n",
    "value from ENV": NGC + f"ENV REPO=https://github.com/example/app\nLABEL {SOURCE}=$REPO maintainer=me\n",
    "value from a stage ARG default": NGC + f"ARG REPO=https://github.com/example/app\nLABEL {SOURCE}=${{REPO}} "
    "maintainer=me\n",
    "value with a default": NGC + f"LABEL {SOURCE}=${{REPO:-https://github.com/example/app}} maintainer=me\n",
    "unknown value: present, not judged": NGC + f"ARG REPO\nLABEL {SOURCE}=$REPO maintainer=me\n",
    "inherited from the stage it is built from": NGC.rstrip("\n") + " AS base\n" + GOOD + "FROM base\nRUN echo hi\n",
    "through two stages": NGC.rstrip("\n") + f" AS a\nLABEL {SOURCE}=https://github.com/x/y\nFROM a AS b\n"
    "LABEL maintainer=me\nFROM b\n",
    "only the final stage counts": "FROM python:3.11-slim AS build\nRUN echo build\n" + NGC + GOOD,
    "a later LABEL fixes an earlier value": NGC + f"LABEL {SOURCE}=http://x maintainer=me\n"
    f"LABEL {SOURCE}=https://github.com/x/y\n",
    "ARG-resolved base": "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n" + GOOD,
}
BAD = {
    "no labels: one finding per label, at the final FROM": (NGC + "RUN echo hi\n", [1, 1]),
    "one label missing": (NGC + "LABEL maintainer=me\n", [1]),
    "value does not match: at the LABEL": (NGC + f"LABEL {SOURCE}=https://gitlab.com/x maintainer=me\n", [2]),
    "partial match is not a full match": (
        NGC + f"LABEL {SOURCE}=see-https://github.com/x maintainer=me\n",
        [2],
    ),
    "empty value for an any-value label": (NGC + f'LABEL {SOURCE}=https://github.com/x maintainer=""\n', [2]),
    "bad value on a continuation line": (
        NGC + "LABEL maintainer=me \\\n" + f"      {SOURCE}=https://example.com/x\n",
        [3],
    ),
    "a later LABEL overrides with a bad value": (
        NGC + f"LABEL {SOURCE}=https://github.com/x/y maintainer=me\nRUN echo\nLABEL {SOURCE}=none\n",
        [4],
    ),
    "labels of an unrelated stage do not count": (
        NGC.rstrip("\n") + " AS other\n" + GOOD + "FROM python:3.11-slim\nRUN echo hi\n",
        [3, 3],
    ),
    "bad inherited value: at the LABEL of the earlier stage": (
        NGC.rstrip("\n") + f" AS base\nLABEL {SOURCE}=nope maintainer=me\nFROM base\n",
        [2],
    ),
    "ARG-resolved value": (NGC + f"ARG REPO=https://gitlab.com/x\nLABEL {SOURCE}=$REPO maintainer=me\n", [3]),
    "ONBUILD LABEL does not label this image": (NGC + f"ONBUILD LABEL {SOURCE}=https://github.com/x/y\n", [1, 1]),
}


def _lint(lint, text, options=OPTIONS, **kwargs):
    findings = lint(text, select=["TF504"], rule_options={"TF504": options}, **kwargs)
    return [finding for finding in findings if finding.rule_id == "TF504"]  # DF000 (parse errors) always runs


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(_lint(lint, text)) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = _lint(lint, text)
    assert ids_and_lines(findings) == [("TF504", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


@pytest.mark.parametrize("options", [None, {}, {"require_labels": {}}], ids=["none", "empty", "{}"])
@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_no_setting_no_finding(lint, text, lines, options):
    rule_options = None if options is None else {"TF504": options}
    assert ids_and_lines(lint(text, select=["TF504"], rule_options=rule_options), "TF504") == []


def test_missing_messages(lint):
    text = "FROM python:3.11-slim AS build\nRUN echo\n" + NGC.rstrip("\n") + " AS final\nRUN echo\n"
    findings = _lint(lint, text)
    assert [(f.line, f.column) for f in findings] == [(3, 1), (3, 1)]
    assert sorted(f.message for f in findings) == [
        "the final stage final has no label maintainer, which require-labels requires",
        f'the final stage final has no label {SOURCE} (a value fully matching "https://github.com/.*"), which '
        "require-labels requires",
    ]


def test_mismatch_message_and_column(lint):
    (finding,) = _lint(lint, NGC + f"LABEL maintainer=me \\\n      {SOURCE}=https://gitlab.com/x\n")
    assert finding.message == (
        f'the label {SOURCE}="https://gitlab.com/x" does not fully match "https://github.com/.*", which '
        "require-labels requires"
    )
    assert (finding.line, finding.column) == (3, 7)


def test_empty_message(lint):
    (finding,) = _lint(lint, NGC + f"LABEL {SOURCE}=https://github.com/x maintainer=\n")
    assert finding.message == "the label maintainer is empty; require-labels requires a value"


@pytest.mark.parametrize(
    ("build_args", "lines"),
    [({}, []), ({"REPO": "https://gitlab.com/x"}, [3]), ({"REPO": "https://github.com/x/y"}, [])],
)
def test_build_arg_changes_the_result(lint, build_args, lines):
    text = NGC + f"ARG REPO\nLABEL {SOURCE}=${{REPO}} maintainer=me\n"
    assert ids_and_lines(_lint(lint, text, build_args=build_args)) == [("TF504", line) for line in lines]


def test_build_arg_replaces_an_arg_default(lint):
    text = NGC + f"ARG REPO=https://github.com/x/y\nLABEL {SOURCE}=${{REPO}} maintainer=me\n"
    assert _lint(lint, text) == []
    assert ids_and_lines(_lint(lint, text, build_args={"REPO": "x"})) == [("TF504", 3)]


def test_unknown_key_names_no_label(lint):
    assert ids_and_lines(_lint(lint, NGC + "ARG K\nLABEL $K=x maintainer=me\n")) == [("TF504", 1)]


def test_invalid_pattern_is_not_judged(lint):
    options = {"require_labels": {SOURCE: "(unclosed"}}
    assert _lint(lint, NGC + f"LABEL {SOURCE}=x\n", options) == []
    assert ids_and_lines(_lint(lint, NGC, options)) == [("TF504", 1)]


def test_lenient_option_values(lint):
    assert ids_and_lines(_lint(lint, NGC, {"require_labels": ["maintainer"]})) == [("TF504", 1)]
    assert ids_and_lines(_lint(lint, NGC + "LABEL version=7\n", {"require_labels": {"version": 7}})) == []
    assert _lint(lint, NGC, {"require_labels": "maintainer"}) == []


def test_final_labels():
    text = NGC.rstrip("\n") + ' AS a\nENV V=1\nLABEL a=$V b="x y"\nFROM a\nLABEL a=2 c=$NOPE\n'
    labels = final_labels(build_model(parse_dockerfile(text.encode()), "Dockerfile"))
    assert {key: (label.value, label.line) for key, label in labels.items()} == {
        "a": ("2", 5),
        "b": ("x y", 3),
        "c": (None, 5),
    }


@pytest.mark.parametrize(
    "data",
    [b"", b"ARG X=1\n", b"LABEL a=b\n", b"FROM x\nLABEL\n", b"FROM x\nLABEL a\n", b"FROM x\nLABEL a=${b\n",
     b"FROM x\nLABEL a=$1 maintainer=${X:?x}\n", b"\x00\xff\n", b"FROM a AS a\nFROM a\nLABEL a=b\n"],
)  # fmt: skip
def test_odd_input_does_not_crash(data):
    dockerfile = build_model(parse_dockerfile(data), "Dockerfile")
    for finding in MissingLabel().check(RuleContext(dockerfile, OPTIONS)):
        assert finding.rule_id == "TF504"
