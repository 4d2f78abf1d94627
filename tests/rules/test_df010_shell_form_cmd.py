"""DF010 shell-form-cmd, through the real engine."""

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
    "JSON CMD": TF + 'CMD ["python", "serve.py"]\n',
    "JSON ENTRYPOINT": TF + 'ENTRYPOINT ["python"]\nCMD ["serve.py"]\n',
    "empty CMD []": TF + "CMD []\n",
    "multi-line JSON": TF + 'CMD ["python", \\\n     "serve.py"]\n',
    "CMD exec replaces the shell": TF + "CMD exec gunicorn app:app --bind :$PORT\n",
    "HEALTHCHECK CMD in shell form": TF + "HEALTHCHECK CMD curl -f http://localhost:8501/ || exit 1\n",
    "ONBUILD CMD in JSON form": TF + 'ONBUILD CMD ["python", "app.py"]\n',
    "RUN is not CMD": TF + "RUN python -c 'print(1)'\n",
}
BAD = {
    "shell CMD": (TF + "CMD python serve.py\n", [2]),
    "shell ENTRYPOINT": (TF + "ENTRYPOINT python serve.py\n", [2]),
    "lower-case keywords": (TF + "cmd python serve.py\nentrypoint /run.sh\n", [2, 3]),
    "single-quoted JSON is shell form": (TF + "CMD ['python', 'serve.py']\n", [2]),
    "trailing comma is shell form": (TF + 'ENTRYPOINT ["python",]\n', [2]),
    "multi-line: the first line": (TF + "RUN true\nCMD python serve.py \\\n    --port 8501 \\\n    --model /m\n", [3]),
    "ENTRYPOINT exec ignores CMD": (TF + "ENTRYPOINT exec python serve.py\n", [2]),
    "ONBUILD CMD": (TF + "ONBUILD CMD python app.py\n", [2]),
    "every stage": (TF.replace("\n", " AS base\n") + "CMD a\nFROM base\nCMD b\n", [2, 4]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nCMD jupyter lab\n", [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF010"]), "DF010") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["DF010"]), "DF010") == [("DF010", line) for line in lines]


def test_message_suggests_the_json_form(lint):
    (finding,) = lint(TF + "CMD python serve.py --port 8501\n", select=["DF010"])
    assert finding.message.startswith("CMD in shell form runs under /bin/sh -c: the shell is PID 1")
    assert finding.message.endswith('e.g. CMD ["python", "serve.py", "--port", "8501"]')
    assert finding.severity.value == "warning"


def test_message_for_shell_syntax_suggests_exec(lint):
    (finding,) = lint(TF + "CMD python serve.py --port $PORT\n", select=["DF010"])
    assert finding.message.endswith('use the JSON form ["executable", "arg", ...], or start the command with `exec`')


def test_message_for_almost_json(lint):
    (finding,) = lint(TF + "CMD ['python', 'serve.py']\n", select=["DF010"])
    assert finding.message.startswith("CMD looks like a JSON array but is not valid JSON (use double quotes)")
    assert finding.message.endswith('e.g. CMD ["python", "serve.py"]')


def test_message_for_entrypoint_and_onbuild(lint):
    entry, onbuild = lint(TF + "ENTRYPOINT /run.sh\nONBUILD CMD make run\n", select=["DF010"])
    assert "CMD and `docker run` arguments are ignored" in entry.message
    assert onbuild.message.startswith("ONBUILD CMD in shell form")


def test_message_names_a_custom_shell_and_suggests_nothing_precise(lint):
    text = TF + 'SHELL ["/bin/bash", "-c"]\nCMD python serve.py\n'
    (finding,) = lint(text, select=["DF010"])
    assert "runs under /bin/bash -c" in finding.message
    assert "e.g." not in finding.message


@pytest.mark.parametrize("text", [TF + "CMD\n", TF + "ENTRYPOINT\n", TF + "CMD [\n", TF + "ONBUILD\n", "CMD x\n"])
def test_no_crash_on_odd_input(text):
    assert lint_report(text, "DF010").internal_errors == ()
