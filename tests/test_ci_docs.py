"""docs/ci.md and .github/workflows/tfimage-lint.yml: valid YAML, the right steps, and only real CLI options.

Every ``tfimage-lint`` command in the document and the workflow is checked against ``tfimage-lint check
--help``: an option the CLI does not have fails the test (it is never skipped). The documented GitHub and
GitLab commands are also run for real on a copy of ``examples/``.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

DOC = ROOT / "docs" / "ci.md"
WORKFLOW = ROOT / ".github" / "workflows" / "tfimage-lint.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
#: Options the CI recipes rely on; each must be in ``tfimage-lint check --help``.
REQUIRED_OPTIONS = ("--format", "--output", "-o", "--fail-on", "--sarif-category", "--sarif-include-suppressed")
_FENCE_RE = re.compile(r"^```(\w*)\n(.*?)^```", re.MULTILINE | re.DOTALL)


# -- the CLI's own description of itself --------------------------------------------------------


@pytest.fixture(scope="module")
def check_help() -> str:
    from click.testing import CliRunner

    from tfimage_lint.cli import main

    result = CliRunner().invoke(main, ["check", "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture(scope="module")
def main_help() -> str:
    from click.testing import CliRunner

    from tfimage_lint.cli import main

    result = CliRunner().invoke(main, ["--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    return result.output


def help_options(help_text: str) -> set[str]:
    """Every option spelled in the Options section of a click help text."""
    options = help_text.split("Options:", 1)[1]
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])", options))


def help_choices(help_text: str, option: str) -> set[str]:
    """The ``[a|b|c]`` choices click prints after ``option``."""
    match = re.search(rf"{re.escape(option)} \[([a-z|]+)\]", help_text)
    assert match, f"{option} shows no choices in `tfimage-lint check --help`"
    return set(match.group(1).split("|"))


def subcommands(help_text: str) -> set[str]:
    commands = help_text.split("Commands:", 1)[1]
    return set(re.findall(r"^\s{2}([a-z][a-z-]*)\s", commands, re.MULTILINE))


# -- commands written in the documents ----------------------------------------------------------


def code_blocks(text: str) -> list[tuple[str, str]]:
    """``(language, body)`` of every fenced block."""
    return [(lang, body) for lang, body in _FENCE_RE.findall(text)]


def shell_lines(block: str, language: str) -> list[str]:
    """Shell command lines of a block: YAML ``run:``/``script`` lines and plain shell lines, continuations joined."""
    lines: list[str] = []
    for raw in block.replace("\\\n", " ").splitlines():
        line = raw.strip()
        if language == "yaml":
            line = re.sub(r"^(-\s+)?(run:\s*)?", "", line)
            line = line.removeprefix("- ")
        lines.append(line.removeprefix("$ "))
    return lines


def commands_in(lines: list[str]) -> list[list[str]]:
    """``tfimage-lint`` invocations: the words after the program name, split like a shell would."""
    found = []
    for line in lines:
        if line.startswith("#"):
            continue
        for segment in re.split(r"&&|\|\||;|\|(?!\|)", line):
            try:
                words = shlex.split(segment, comments=True)
            except ValueError:
                continue
            if words and words[0] == "tfimage-lint":
                found.append(words[1:])
    return found


def doc_commands() -> list[list[str]]:
    """Commands of the code blocks and of inline code spans that start with ``tfimage-lint``."""
    text = DOC.read_text(encoding="utf-8")
    commands = []
    for language, body in code_blocks(text):
        commands += commands_in(shell_lines(body, language))
    return commands + commands_in(inline_spans(_FENCE_RE.sub("", text)))


def inline_spans(text: str) -> list[str]:
    """The inline code spans of Markdown prose (fenced blocks removed)."""
    return re.findall(r"`([^`\n]+)`", text)


def doc_option_fragments() -> list[list[str]]:
    """Inline code spans that are option fragments, like `--format sarif --output report.sarif`."""
    text = _FENCE_RE.sub("", DOC.read_text(encoding="utf-8"))
    return [span.split() for span in inline_spans(text) if re.match(r"-{1,2}[a-z]", span)]


def workflow_commands() -> list[list[str]]:
    steps = workflow_steps()
    return [command for step in steps if "run" in step for command in commands_in(step["run"].splitlines())]


def options_of(args: list[str]) -> list[tuple[str, str | None]]:
    """``(option, value)`` pairs of a check command (the value is the next word or after ``=``)."""
    pairs = []
    for index, word in enumerate(args):
        if word.startswith("-") and word != "-":
            name, eq, value = word.partition("=")
            following = args[index + 1] if index + 1 < len(args) else None
            pairs.append((name, value if eq else following))
    return pairs


def check_command(args: list[str], check_help: str, main_help: str) -> None:
    if args and not args[0].startswith("-") and args[0] in subcommands(main_help):
        if args[0] != "check":
            return
        args = args[1:]
    known = help_options(check_help)
    formats = help_choices(check_help, "--format")
    fail_on = help_choices(check_help, "--fail-on")
    for name, value in options_of(args):
        assert name in known, f"`tfimage-lint {shlex.join(args)}`: {name} is not in `tfimage-lint check --help`"
        if name == "--format":
            assert value in formats, f"--format {value} is not one of {sorted(formats)}"
        if name == "--fail-on":
            assert value in fail_on, f"--fail-on {value} is not one of {sorted(fail_on)}"


def test_required_options_exist(check_help):
    known = help_options(check_help)
    missing = [option for option in REQUIRED_OPTIONS if option not in known]
    assert not missing, f"not in `tfimage-lint check --help`: {missing}"
    assert {"sarif", "github", "gitlab", "junit", "checkstyle", "json", "text"} <= help_choices(check_help, "--format")


def test_doc_commands_use_only_real_options(check_help, main_help):
    commands = doc_commands()
    assert len(commands) >= 6, commands
    for args in commands:
        check_command(args, check_help, main_help)


def test_doc_option_fragments_use_only_real_options(check_help):
    fragments = doc_option_fragments()
    assert len(fragments) >= 10, fragments
    known = help_options(check_help)
    formats = help_choices(check_help, "--format")
    for words in fragments:
        for name, value in options_of(words):
            assert name in known, f"`{' '.join(words)}`: {name} is not in `tfimage-lint check --help`"
            if name == "--format" and value and "|" not in value:
                assert value in formats, f"`{' '.join(words)}`: no format {value}"


def test_doc_mentions_the_sarif_options(check_help):
    text = DOC.read_text(encoding="utf-8")
    for option in ("--sarif-category", "--sarif-include-suppressed", "--fail-on", "--baseline", "--write-baseline"):
        assert re.search(rf"`[^`]*(?<![\w-]){option}(?![\w-])", text), option
        assert option in help_options(check_help), option


def test_doc_yaml_blocks_parse():
    blocks = [body for language, body in code_blocks(DOC.read_text(encoding="utf-8")) if language == "yaml"]
    assert len(blocks) == 3
    for body in blocks:
        assert isinstance(yaml.safe_load(body), (dict, list))


def _doc_yaml(marker: str) -> object:
    for language, body in code_blocks(DOC.read_text(encoding="utf-8")):
        if language == "yaml" and marker in body:
            return yaml.safe_load(body)
    raise AssertionError(f"no YAML block with {marker!r} in docs/ci.md")


def test_doc_github_actions_recipe():
    workflow = _doc_yaml("upload-sarif")
    (job,) = workflow["jobs"].values()
    assert job["permissions"]["security-events"] == "write"
    uses = [step.get("uses", "") for step in job["steps"]]
    assert "github/codeql-action/upload-sarif@v3" in uses
    upload = job["steps"][uses.index("github/codeql-action/upload-sarif@v3")]
    lint = next(step for step in job["steps"] if "tfimage-lint --format" in step.get("run", ""))
    (args,) = commands_in(lint["run"].splitlines())
    assert ("--format", "sarif") in options_of(args) and ("--format", "github") in options_of(args)
    assert ("--output", upload["with"]["sarif_file"]) in options_of(args)
    assert "cancelled()" in upload["if"] or "always()" in upload["if"]


def test_doc_gitlab_recipe():
    pipeline = _doc_yaml("codequality")
    job = pipeline["tfimage-lint"]
    reports = job["artifacts"]["reports"]
    assert job["artifacts"]["when"] == "always"
    commands = commands_in(job["script"])
    (args,) = commands
    pairs = options_of(args)
    assert ("--format", "gitlab") in pairs and ("--output", reports["codequality"]) in pairs
    assert ("--format", "junit") in pairs and ("--output", reports["junit"]) in pairs
    assert reports["codequality"] == "gl-code-quality-report.json"


def test_doc_pre_commit_snippet_names_the_hook():
    config = _doc_yaml("hooks:")
    (repo,) = config["repos"]
    assert repo["repo"].startswith("https://") and repo["rev"]
    hook_ids = {hook["id"] for hook in yaml.safe_load(HOOKS.read_text(encoding="utf-8"))}
    assert [hook["id"] for hook in repo["hooks"]] == ["tfimage-lint"]
    assert "tfimage-lint" in hook_ids


# -- this repository's workflow ------------------------------------------------------------------


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def workflow_steps() -> list[dict]:
    (job,) = workflow()["jobs"].values()
    return job["steps"]


def test_workflow_is_valid_yaml_with_triggers_and_permissions():
    data = workflow()
    triggers = data.get("on", data.get(True))  # YAML 1.1 reads a bare `on` key as true
    assert {"push", "pull_request"} <= set(triggers)
    assert data["permissions"] == {"contents": "read"}
    (job,) = data["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert job["permissions"]["security-events"] == "write"
    assert job["permissions"]["contents"] == "read"


def test_workflow_installs_lints_examples_and_uploads_sarif(check_help, main_help):
    steps = workflow_steps()
    uses = [step.get("uses", "") for step in steps]
    assert uses[0].startswith("actions/checkout@")
    assert any(item.startswith("actions/setup-python@") for item in uses)
    runs = [step.get("run", "") for step in steps]
    install = next(index for index, run in enumerate(runs) if "pip install ." in run)
    lint = next(index for index, run in enumerate(runs) if re.search(r"^\s*tfimage-lint ", run, re.MULTILINE))
    upload = uses.index("github/codeql-action/upload-sarif@v3")
    assert install < lint < upload
    (args,) = workflow_commands()
    check_command(args, check_help, main_help)
    pairs = options_of(args)
    assert ("--format", "sarif") in pairs and ("--format", "github") in pairs
    assert "examples/" in args
    sarif_file = steps[upload]["with"]["sarif_file"]
    assert args[args.index("sarif") + 1 : args.index("sarif") + 3] == ["--output", sarif_file]
    assert "cancelled()" in steps[upload]["if"] or "always()" in steps[upload]["if"]


# -- the documented commands, run for real -------------------------------------------------------


def _program() -> list[str]:
    return [sys.executable, "-m", "tfimage_lint"]


@pytest.fixture
def examples_copy(tmp_path) -> Path:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    return tmp_path


def test_workflow_lint_command_runs(examples_copy):
    (args,) = workflow_commands()
    result = subprocess.run([*_program(), *args], cwd=examples_copy, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr  # the workflow expects 1: the examples have findings
    assert re.search(r"^::error file=examples/[^,]+,line=\d+", result.stdout, re.MULTILINE), result.stdout
    sarif_file = args[args.index("sarif") + 2]
    log = json.loads((examples_copy / sarif_file).read_text(encoding="utf-8"))
    run = log["runs"][0]
    assert log["version"] == "2.1.0" and run["results"] and run["tool"]["driver"]["rules"]
    assert all(
        result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith("examples/")
        for result in run["results"]
    )


def test_doc_gitlab_command_runs(examples_copy):
    job = _doc_yaml("codequality")["tfimage-lint"]
    (args,) = commands_in(job["script"])
    args = [*args[:-1], "examples/"]  # the recipe lints "."; the copy holds only examples/
    result = subprocess.run([*_program(), *args], cwd=examples_copy, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    reports = job["artifacts"]["reports"]
    issues = json.loads((examples_copy / reports["codequality"]).read_text(encoding="utf-8"))
    assert issues and all(issue["location"]["path"].startswith("examples/") for issue in issues)
    assert ET.parse(examples_copy / reports["junit"]).getroot().tag in ("testsuites", "testsuite")
    assert "examples/workstation-latest-gpu/Dockerfile:" in result.stdout  # the text report goes to the log
