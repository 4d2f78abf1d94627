"""TF204 unconstrained-install-on-tf-base: pip resolving freely on an image that ships TensorFlow."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

NGC = "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n"  # ships 2.17.0+nv25.02
HUB = "FROM tensorflow/tensorflow:2.15.0-gpu\n"  # ships 2.15.0

OK = {
    "python base": "FROM python:3.11-slim\nRUN pip install tensorflow-text tfx\n",
    "CUDA base": "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\nRUN pip install tf-keras\n",
    "NGC PyTorch": "FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN pip install tensorflow-text\n",
    "ordinary packages": NGC + "RUN pip install pandas scikit-learn\n",
    "--no-deps": NGC + "RUN pip install --no-deps tensorflow-text tf-keras\n",
    "PIP_NO_DEPS in ENV": NGC + "ENV PIP_NO_DEPS=1\nRUN pip install tensorflow-text\n",
    "PIP_NO_DEPS on the command": NGC + "RUN PIP_NO_DEPS=1 pip install tensorflow-text\n",
    "lockstep pin to the base's release": HUB + "RUN pip install tensorflow-text==2.15.0 'tf-keras~=2.15.0'\n",
    "lockstep wildcard pin": HUB + "RUN pip install 'tensorflow-serving-api==2.15.*'\n",
    "TensorFlow in the same install is TF201's": NGC + "RUN pip install tensorflow==2.18.0 tensorflow-text\n",
    "uninstall": NGC + "RUN pip uninstall -y tensorflow-text tfx\n",
    "download": NGC + "RUN pip download tensorflow-text -d /wheels\n",
    "unreadable constraints file may pin TensorFlow": NGC + "RUN pip install -c /tmp/keep.txt tensorflow-text\n",
    "PIP_CONSTRAINT to an unreadable file": NGC + "ENV PIP_CONSTRAINT=/etc/c.txt\nRUN pip install tfx\n",
    "tensorflow-addons without a TensorFlow extra": NGC + "RUN pip install tensorflow-addons\n",
    "keras 3 on TensorFlow 2.16+": NGC + "RUN pip install 'keras>=3'\n",
    "keras 2 on TensorFlow 2.15": HUB + "RUN pip install 'keras<3'\n",
    "unpinned keras without -U is kept": HUB + "RUN pip install keras\n",
    "keras 3 on an unknown TensorFlow version": "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n"
    "RUN pip install keras==3.3.3\n",
    "unknown words": NGC + "RUN pip install $UNSET && $PIP install tfx\n",
    "ONBUILD": NGC + "ONBUILD RUN pip install tensorflow-text\n",
    "Docker Hub build environment": "FROM tensorflow/tensorflow:devel-gpu\nRUN pip install tensorflow-text\n",
}

BAD = {
    "unpinned lockstep package": (HUB + "RUN pip install tensorflow-text\n", [2]),
    "lockstep package pinned to another release": (HUB + "RUN pip install tf-keras==2.16.0\n", [2]),
    "package with its own numbering": (NGC + "RUN pip install tfx==1.14.0 tensorflow-decision-forests\n", [2, 2]),
    "tensorflow-addons with a TensorFlow extra": (NGC + "RUN pip install 'tensorflow-addons[tensorflow]'\n", [2]),
    "keras 3 on TensorFlow 2.15": (HUB + "RUN pip install 'keras>=3'\n", [2]),
    "-U keras on TensorFlow 2.15": (HUB + "RUN pip install -U keras\n", [2]),
    "continuation line of a multi-line RUN": (
        NGC + "RUN apt-get update \\\n    && pip install --no-cache-dir \\\n        pandas \\\n"
        "        tensorflow-io \\\n    && rm -rf /root/.cache\n",
        [5],
    ),
    "heredoc RUN": (NGC + "RUN <<EOF\nset -e\npip install tensorflow-recommenders\nEOF\n", [4]),
    "ARG-resolved base": ("ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:$TAG\nRUN pip install tf-keras\n", [3]),
    "stage built from an earlier stage": (
        NGC + "RUN true\nFROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3 AS base\nFROM base\n"
        "RUN pip install tensorflow-serving-api\n",
        [5],
    ),
    "uv pip": (NGC + "RUN uv pip install --system tensorflow-transform\n", [2]),
    "an unreadable PIP_CONSTRAINT guards only its own command": (
        NGC + "RUN PIP_CONSTRAINT=/nope pip install tfx\nRUN pip install tensorflow-model-analysis\n",
        [3],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF204"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF204"])
    assert ids_and_lines(findings) == [("TF204", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def _one(lint, text, **kwargs):
    findings = lint(text, select=["TF204"], **kwargs)
    assert len(findings) == 1, findings
    return findings[0]


def test_message_and_column(lint):
    finding = _one(lint, HUB + "RUN pip install numpy tensorflow-text\n")
    assert (finding.line, finding.column) == (2, 23)
    assert "`tensorflow-text` depends on TensorFlow" in finding.message
    assert "(2.15.0)" in finding.message
    assert "--no-deps" in finding.message


def test_keras3_message(lint):
    finding = _one(lint, HUB + "RUN pip install keras==3.3.3\n")
    assert "Keras 3" in finding.message and "older than 2.16" in finding.message


def test_keras3_after_tensorflow_was_replaced_uses_the_new_version(lint):
    text = HUB + "RUN pip install tensorflow==2.16.1\nRUN pip install keras==3.3.3\n"
    assert lint(text, select=["TF204"]) == []
    text = NGC + "RUN pip install tensorflow==2.15.0\nRUN pip install keras==3.3.3\n"
    finding = _one(lint, text)
    assert finding.line == 3 and "2.15.0, installed earlier" in finding.message


def test_keras3_ignores_no_deps(lint):
    finding = _one(lint, HUB + "RUN pip install --no-deps keras==3.3.3\n")
    assert finding.line == 2


def test_constraint_file_pinning_tensorflow(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("tensorflow==2.15.0\n")
    text = HUB + "COPY constraints.txt /tmp/\nRUN pip install -c /tmp/constraints.txt tensorflow-text\n"
    assert lint(text, select=["TF204"], context=tmp_path) == []


def test_pip_constraint_env_pinning_tensorflow(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("tensorflow==2.15.0\n")
    text = HUB + "COPY constraints.txt /etc/\nENV PIP_CONSTRAINT=/etc/constraints.txt\nRUN pip install tf-keras\n"
    assert lint(text, select=["TF204"], context=tmp_path) == []


def test_constraint_excluding_the_base_does_not_help(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("tensorflow==2.16.1\n")
    text = HUB + "COPY constraints.txt /tmp/\nRUN pip install -c /tmp/constraints.txt tensorflow-text\n"
    finding = _one(lint, text, context=tmp_path)
    assert "constraints.txt:1 excludes" in finding.message


def test_nested_requirements_file(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n-r more/extra.txt\n")
    (tmp_path / "more").mkdir()
    (tmp_path / "more" / "extra.txt").write_text("pandas\ntfx>=1.14\n")
    text = NGC + "COPY . /app\nWORKDIR /app\nRUN pip install -r requirements.txt\n"
    finding = _one(lint, text, context=tmp_path)
    assert (finding.line, finding.severity.value) == (4, "warning")
    assert "more/extra.txt:2" in finding.message


def test_requirements_file_with_tensorflow_is_tf201s(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("tensorflow-text\n-r more.txt\n")
    (tmp_path / "more.txt").write_text("tensorflow==2.15.0\n")
    text = HUB + "COPY . /app\nRUN pip install -r /app/requirements.txt\n"
    assert lint(text, select=["TF204"], context=tmp_path) == []


def test_unreadable_requirements_file_is_info(lint, tmp_path):
    text = NGC + "COPY requirements.txt /tmp/\nRUN apt-get update && \\\n    pip install -r /tmp/requirements.txt\n"
    finding = _one(lint, text, context=tmp_path)
    assert (finding.line, finding.column, finding.severity.value) == (4, 20, "info")
    assert "could not be read from the build context" in finding.message
    assert "unknown" in finding.message


def test_unreadable_nested_file_names_the_including_line(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n-r missing.txt\n")
    text = NGC + "COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
    finding = _one(lint, text, context=tmp_path)
    assert finding.severity.value == "info"
    assert "requirements.txt:2" in finding.message


def test_unreadable_local_project_is_info(lint):
    finding = _one(lint, NGC + "COPY . /src\nRUN pip install /src\n")
    assert (finding.line, finding.column, finding.severity.value) == (3, 17, "info")
    assert "local project" in finding.message


def test_readable_project_without_offenders(lint, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = ["pandas"]\n')
    text = NGC + "COPY . /src\nWORKDIR /src\nRUN pip install .\n"
    assert lint(text, select=["TF204"], context=tmp_path) == []


def test_unreadable_file_with_no_deps_is_fine(lint):
    assert lint(NGC + "RUN pip install --no-deps -r /nowhere.txt\n", select=["TF204"]) == []
