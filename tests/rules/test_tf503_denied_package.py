"""TF503 denied-package: pip/conda/apt/rpm/apk installs of packages in deny-packages (policy rule)."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.model.build import build_model
from tfimage_lint.rule import RuleContext
from tfimage_lint.rules.tf503_denied_package import DeniedPackage, denied_by, deny_lists
from tfimage_lint.syntax.parser import parse_dockerfile

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
UBUNTU = "FROM ubuntu:22.04\n"
OPTIONS = {
    "deny_packages": {
        "pip": ["tensorflow-gpu", "tf-nightly*"],
        "apt": ["nvidia-driver-*"],
        "rpm": ["kmod-nvidia*"],
        "apk": ["py3-tensorflow"],
        "conda": ["tensorflow-gpu"],
    }
}

OK = {
    "allowed pip packages": PY + "RUN pip install --no-cache-dir tensorflow==2.17.0 tensorflow-gpu-tools\n",
    "uninstall": NGC + "RUN pip uninstall -y tensorflow-gpu\n",
    "pip download / wheel": PY + "RUN pip download tensorflow-gpu && pip wheel tensorflow-gpu\n",
    "apt remove": UBUNTU + "RUN apt-get purge -y nvidia-driver-535 && apt-get remove -y nvidia-driver-535\n",
    "apt pattern does not apply to dnf": "FROM rockylinux:9\nRUN dnf install -y nvidia-driver-535\n",
    "rpm pattern does not apply to apt": UBUNTU + "RUN apt-get install -y kmod-nvidia-latest-dkms\n",
    "pip pattern does not apply to apt": UBUNTU + "RUN apt-get install -y tensorflow-gpu\n",
    "conda remove": "FROM continuumio/miniconda3:24.1.2-0\nRUN conda remove -y tensorflow-gpu\n",
    "unknown package words": UBUNTU + "RUN apt-get install -y $PKGS && pip install $REQS\n",
    "ONBUILD is not this image's build": PY + "ONBUILD RUN pip install tensorflow-gpu\n",
    "a comment": PY + "# RUN pip install tensorflow-gpu\n",
    "echo of a package name": PY + "RUN echo pip install tensorflow-gpu\n",
    "ARG-resolved base, allowed packages": "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n"
    "RUN pip install keras-tuner\n",
}
BAD = {
    "pip": (PY + "RUN pip install --no-cache-dir tensorflow-gpu==2.10.0\n", [2]),
    "PEP 503 names": (PY + "RUN pip install TensorFlow_GPU tensorflow.gpu\n", [2, 2]),
    "glob pattern": (PY + "RUN pip install tf-nightly-gpu\n", [2]),
    "python -m pip and uv pip": (
        PY + "RUN python3 -m pip install tensorflow-gpu && uv pip install tf-nightly\n",
        [2, 2],
    ),
    "continuation line of a multi-line RUN": (
        UBUNTU + "RUN apt-get update && \\\n    apt-get install -y --no-install-recommends \\\n"
        "        curl \\\n        nvidia-driver-535\n",
        [5],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\npip install numpy\npip install tensorflow-gpu\nEOF\n", [5]),
    "apt with a version": (UBUNTU + "RUN apt-get install -y nvidia-driver-535=535.54.03-0ubuntu1\n", [2]),
    "local .deb file": (UBUNTU + "RUN apt-get install -y ./nvidia-driver-535_535.54.03-0ubuntu1_amd64.deb\n", [2]),
    "dnf, yum and dnf module": (
        "FROM rockylinux:9\nRUN yum install -y kmod-nvidia-latest-dkms\nRUN dnf module install -y kmod-nvidia:latest\n",
        [2, 3],
    ),
    "apk": ("FROM alpine:3.19\nRUN apk add --no-cache py3-tensorflow\n", [2]),
    "conda, mamba create": (
        "FROM continuumio/miniconda3:24.1.2-0\nRUN conda install -y -c conda-forge tensorflow-gpu=2.4 && "
        "mamba create -n env python=3.10 tensorflow_gpu\n",
        [2, 2],
    ),
    "sudo": (UBUNTU + "RUN sudo apt-get install -y nvidia-driver-535\n", [2]),
    "package from a stage ARG": (PY + "ARG PKG=tensorflow-gpu\nRUN pip install ${PKG}\n", [3]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN pip install tensorflow-gpu\n",
        [3],
    ),
    "stage built from an earlier stage: reported where installed": (
        NGC.rstrip("\n") + " AS base\nRUN pip install tensorflow-gpu\nFROM base AS app\nRUN pip install tf-nightly\n",
        [2, 4],
    ),
}


def _lint(lint, text, options=OPTIONS, **kwargs):
    findings = lint(text, select=["TF503"], rule_options={"TF503": options}, **kwargs)
    return [finding for finding in findings if finding.rule_id == "TF503"]  # DF000 (parse errors) always runs


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(_lint(lint, text)) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = _lint(lint, text)
    assert ids_and_lines(findings) == [("TF503", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


@pytest.mark.parametrize("options", [None, {}, {"deny_packages": {}}, {"deny_packages": {"pip": []}}])
@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_no_setting_no_finding(lint, text, lines, options):
    rule_options = None if options is None else {"TF503": options}
    assert ids_and_lines(lint(text, select=["TF503"], rule_options=rule_options), "TF503") == []


def test_pip_message_and_column(lint):
    (finding,) = _lint(lint, PY + "RUN pip install numpy \\\n    TensorFlow_GPU==2.10.0\n")
    assert finding.message == (
        "pip install TensorFlow_GPU==2.10.0: tensorflow-gpu is denied by the policy (deny-packages pip: "
        "'tensorflow-gpu')"
    )
    assert (finding.line, finding.column, finding.end_column) == (3, 5, 27)


def test_system_message_and_column(lint):
    (finding,) = _lint(lint, UBUNTU + "RUN apt-get update && apt-get install -y curl nvidia-driver-535\n")
    assert finding.message == (
        "apt-get install nvidia-driver-535: nvidia-driver-535 is denied by the policy (deny-packages apt: "
        "'nvidia-driver-*')"
    )
    assert (finding.line, finding.column, finding.end_column) == (2, 47, 64)


def test_conda_message(lint):
    findings = _lint(
        lint, "FROM continuumio/miniconda3:24.1.2-0\nRUN conda env create -n x && mamba create -n y tensorflow-gpu\n"
    )
    assert [f.message for f in findings] == [
        "mamba create tensorflow-gpu: tensorflow-gpu is denied by the policy (deny-packages conda: 'tensorflow-gpu')"
    ]


def test_followed_requirements_file_with_nested_r(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy==1.26.4\n-r requirements/base.txt\n")
    (tmp_path / "requirements").mkdir()
    (tmp_path / "requirements" / "base.txt").write_text("# base\npandas\nTensorFlow-GPU==2.10.0\n")
    text = PY + "WORKDIR /app\nCOPY . /app\nRUN pip install --no-cache-dir \\\n    -r requirements.txt\n"
    (finding,) = _lint(lint, text, context=tmp_path)
    assert (finding.line, finding.column, finding.end_column) == (4, 5, None)
    assert finding.message == (
        "pip install reads 'TensorFlow-GPU==2.10.0' from requirements/base.txt:3: tensorflow-gpu is denied by "
        "the policy (deny-packages pip: 'tensorflow-gpu')"
    )


def test_constraints_do_not_install(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("tensorflow-gpu==2.10.0\n")
    text = PY + "COPY constraints.txt /app/\nRUN pip install -c /app/constraints.txt numpy\n"
    assert _lint(lint, text, context=tmp_path) == []


def test_pyproject_dependencies(lint, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\ndependencies = ["tf-nightly"]\n')
    text = PY + "WORKDIR /app\nCOPY . .\nRUN pip install .\n"
    findings = _lint(lint, text, context=tmp_path)
    assert ids_and_lines(findings) == [("TF503", 4)]
    assert "from pyproject.toml" in findings[0].message


@pytest.mark.parametrize(
    ("build_args", "lines"),
    [({}, []), ({"PKG": "tensorflow-gpu"}, [3]), ({"PKG": "tf_nightly_cpu==2.18.0.dev1"}, [3])],
)
def test_build_arg_changes_the_result(lint, build_args, lines):
    findings = _lint(lint, PY + "ARG PKG=tensorflow\nRUN pip install ${PKG}\n", build_args=build_args)
    assert ids_and_lines(findings) == [("TF503", line) for line in lines]


def test_lenient_option_values(lint):
    options = {"deny_packages": {"pip": "tensorflow-gpu", "bogus": ["numpy"], "apt": None}}
    text = PY + "RUN pip install tensorflow-gpu numpy && apt-get install -y nvidia-driver-535\n"
    assert ids_and_lines(_lint(lint, text, options)) == [("TF503", 2)]
    assert _lint(lint, text, {"deny_packages": ["tensorflow-gpu"]}) == []


@pytest.mark.parametrize(
    "data",
    [b"", b"RUN pip install tensorflow-gpu\n", b"FROM x\nRUN pip install\n", b"FROM x\nRUN apt-get install\n",
     b"FROM x\nRUN conda install\n", b"FROM x\nRUN pip install 'tensorflow-gpu @ '\n", b"\x00\xff\n",
     b"FROM x\nRUN pip install -r $(cat f)\n", b"FROM x\nRUN dnf module install\n"],
)  # fmt: skip
def test_odd_input_does_not_crash(data):
    dockerfile = build_model(parse_dockerfile(data), "Dockerfile")
    for finding in DeniedPackage().check(RuleContext(dockerfile, OPTIONS)):
        assert finding.rule_id == "TF503"


@pytest.mark.parametrize(
    ("manager", "name", "patterns", "hit"),
    [
        ("pip", "tensorflow-gpu", ["TensorFlow_GPU"], "TensorFlow_GPU"),
        ("pip", "tf-nightly-cpu", ["tf_nightly*"], "tf_nightly*"),
        ("pip", "tensorflow", ["tensorflow-gpu"], None),
        ("apt", "NVIDIA-driver-535", ["nvidia-driver-*"], "nvidia-driver-*"),
        ("apt", "", ["*"], None),
        ("conda", "cudatoolkit", ["cuda*"], "cuda*"),
    ],
)
def test_denied_by(manager, name, patterns, hit):
    assert denied_by(manager, name, patterns) == hit


def test_deny_lists_keeps_known_managers():
    assert deny_lists({"pip": ["a"], "yum": ["b"], "apk": []}) == {"pip": ["a"]}
    assert deny_lists(None) == {}
