"""Fuzz the whole lint pipeline and the CLI: no exception escapes, every unparseable input gets DF000,
exit codes stay 0/1, and every report format stays valid (SARIF against the official schema).

Deterministic (profile ``tfimage-fuzz-ci``); ``python tools/fuzz.py`` runs the same properties for long.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.conftest import SHARED
from tests.fuzz import CI_PROFILE
from tests.fuzz.properties import check_cli, check_pipeline, sarif_validator
from tests.fuzz.strategies import (
    BuildContextFiles,
    FuzzInput,
    build_args,
    build_contexts,
    dockerfiles,
    fuzz_inputs,
)
from tfimage_lint.analysis.context import DirectoryContext

CI = settings.get_profile(CI_PROFILE)
REQUIREMENTS_CONTEXT = BuildContextFiles(
    {
        "requirements.txt": b"-r other.txt\ntensorflow==2.15.0\n",
        "other.txt": b"-r requirements.txt\n-r other.txt\nnumpy\n",
        "constraints.txt": b"\xff\x00",
    }
)
#: Found by the long fuzz run: a NUL in a COPY source made os.path.realpath raise ValueError in every rule.
NUL_IN_COPY_SOURCE = (
    b"\x00\nFROM tensorflow/tensorflow:2.15.0-gpu\nCOPY \x00requirements.txt .\n"
    b'RUN pip install -r requirements.txt\nCMD ["python"]\n'
)
FOLLOWS_REQUIREMENTS = (
    b"FROM tensorflow/tensorflow:2.15.0-gpu\nCOPY requirements.txt other.txt constraints.txt ./\n"
    b"RUN pip install -r requirements.txt -c constraints.txt\n"
)


@settings(CI, max_examples=250)
@given(fuzz_inputs(), st.one_of(st.none(), build_contexts()), build_args())
@example(FuzzInput("regression", FOLLOWS_REQUIREMENTS), REQUIREMENTS_CONTEXT, {})
@example(FuzzInput("regression", b"ARG BASE\nFROM ${BASE}\n"), None, {"BASE": ""})
@example(FuzzInput("regression", NUL_IN_COPY_SOURCE), BuildContextFiles({"requirements.txt": b""}), {})
def test_pipeline_never_raises_and_reports_parse_errors(
    case: FuzzInput, context: BuildContextFiles | None, args: dict[str, str]
) -> None:
    check_pipeline(case.data, context, args)


def test_pipeline_follows_recursive_requirement_includes_without_error() -> None:
    report = check_pipeline(FOLLOWS_REQUIREMENTS, REQUIREMENTS_CONTEXT)
    # the cycle requirements.txt -> other.txt -> requirements.txt ends; numpy (unpinned) is found in other.txt
    assert ("DF017", 3) in [(f.rule_id, f.line) for f in report.findings]


@settings(CI, max_examples=80)
@given(
    st.one_of(dockerfiles(valid=True), fuzz_inputs().map(lambda case: case.data)),
    st.one_of(st.none(), build_contexts()),
    build_args(),
    st.booleans(),
    st.sampled_from(("error", "warning", "info", "never")),
    st.booleans(),
)
@example(b"\x00\xff", None, {}, True, "warning", False)
@example(FOLLOWS_REQUIREMENTS, REQUIREMENTS_CONTEXT, {}, False, "info", True)
def test_cli_exit_codes_and_every_report_format_stay_valid(
    data: bytes,
    context: BuildContextFiles | None,
    args: dict[str, str],
    stdin: bool,
    fail_on: str,
    include_suppressed: bool,
) -> None:
    check_cli(data, context, args, stdin=stdin, fail_on=fail_on, include_suppressed=include_suppressed)


def test_sarif_is_validated_against_the_official_schema_when_shared_is_present() -> None:
    # check_cli validates SARIF only with ../shared next to the project (CI has it)
    if not SHARED.is_dir():
        assert sarif_validator() is None
        return
    validator = sarif_validator()
    assert validator is not None
    assert list(validator.iter_errors({"version": "2.1.0"}))  # "runs" is required


@pytest.mark.parametrize("name", ["a\x00b", "requirements.txt\x00", "\ud800.txt", "dir/\udcff\x00", "*\x00"])
def test_a_path_no_file_can_have_is_simply_not_in_the_build_context(tmp_path: Path, name: str) -> None:
    (tmp_path / "requirements.txt").write_text("numpy\n")
    context = DirectoryContext(str(tmp_path))
    assert context.read_text(name) is None
    assert context.unreadable_reason(name) is None
    assert context.is_dir(name) is False
    assert context.glob(name) == []


def test_a_nul_in_a_copy_source_lints_without_internal_errors() -> None:
    report = check_pipeline(NUL_IN_COPY_SOURCE, BuildContextFiles({"requirements.txt": b"numpy\n"}))
    ids = [(f.rule_id, f.line) for f in report.findings]
    assert ("DF000", 1) in ids  # the NUL bytes
    # requirements.txt never reached the image (the COPY source names another file): nothing is followed into it
    assert not any(rule == "DF017" for rule, _ in ids)


def test_unbalanced_brackets_nested_deep_in_a_shell_form_cmd_are_df010_not_a_crash() -> None:
    # found by the long fuzz run: DF010's almost-JSON check let json.loads raise RecursionError
    data = b"FROM python\nCMD " + b"[ " * 3000 + b'["x"]\n'
    report = check_pipeline(data)
    assert [(f.rule_id, f.line) for f in report.findings if f.rule_id == "DF010"] == [("DF010", 2)]
