"""TF206 tensorflow-gpu-package: the retired ``tensorflow-gpu`` package."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
CUDA = "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\n"

OK = {
    "tensorflow": PY + "RUN pip install tensorflow[and-cuda]==2.17.0\n",
    "uninstall": PY + "RUN pip uninstall -y tensorflow-gpu\n",
    "download and wheel": PY + "RUN pip download tensorflow-gpu==2.11.0 && pip wheel tensorflow-gpu\n",
    "ONBUILD": PY + "ONBUILD RUN pip install tensorflow-gpu\n",
    "an ARG that no install uses": PY + "ARG TF_PACKAGE=tensorflow-gpu\nRUN pip install tensorflow\n",
    "an ARG with another package": PY
    + "ARG TF_PACKAGE=tensorflow\nRUN pip install ${TF_PACKAGE}${TF_VERSION:+==$TF_VERSION}\n",
    "unknown words": PY + "RUN pip install $UNSET ${PKG}==2.4.0 && $PIP install x\n",
    "other tensorflow packages": PY + "RUN pip install tensorflow-cpu tensorflow-gpu-estimator\n",
    "comment": PY + "# pip install tensorflow-gpu\nRUN echo tensorflow-gpu\n",
    "constraint only": PY + "RUN PIP_CONSTRAINT=/c.txt pip install numpy\n",
}

BAD = {
    "unpinned": (PY + "RUN pip install tensorflow-gpu\n", [2]),
    "pinned old release (any family)": (CUDA + "RUN pip install tensorflow-gpu==2.10.0\n", [2]),
    "python -m pip and sudo": (PY + "RUN sudo python3 -m pip install Tensorflow_GPU\n", [2]),
    "uv pip": (PY + "RUN uv pip install --system tensorflow-gpu==2.11.0\n", [2]),
    "continuation line of a multi-line RUN": (
        CUDA + "RUN apt-get update && \\\n    pip3 install --no-cache-dir \\\n        numpy \\\n"
        "        tensorflow-gpu==2.4.1 \\\n    && rm -rf /root/.cache\n",
        [5],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\npip install tensorflow-gpu\nEOF\n", [4]),
    "ARG-resolved base": (
        "ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:${TAG}\nRUN pip install tensorflow-gpu\n",
        [3],
    ),
    "stage built from an earlier stage": (
        CUDA + "RUN true\nFROM python:3.11-slim AS base\nFROM base\nRUN pip install tensorflow-gpu==2.5.0\n",
        [5],
    ),
    "ARG value used in an install": (PY + "ARG TF_PACKAGE=tensorflow-gpu\nRUN pip install ${TF_PACKAGE}\n", [3]),
    "ENV value with a version": (PY + "ENV TF=tensorflow-gpu==2.4.0\nRUN pip install $TF\n", [3]),
    "conda": (PY + "RUN conda install -y -c conda-forge tensorflow-gpu=2.4\n", [2]),
    "two in one RUN": (PY + "RUN pip install tensorflow-gpu && pip install tensorflow-gpu==2.11.0\n", [2, 2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF206"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    assert ids_and_lines(lint(text, select=["TF206"])) == [("TF206", line) for line in lines]


def _one(lint, text, **kwargs):
    findings = lint(text, select=["TF206"], **kwargs)
    assert len(findings) == 1, findings
    return findings[0]


@pytest.mark.parametrize(
    ("requirement", "severity"),
    [
        ("tensorflow-gpu", "error"),
        ("tensorflow-gpu==2.12.0", "error"),
        ("tensorflow-gpu==2.13.0", "error"),
        ("'tensorflow-gpu>=2.5'", "error"),
        ("'tensorflow-gpu~=2.11'", "error"),
        ("tensorflow-gpu==2.11.0", "warning"),
        ("tensorflow-gpu==1.15.0", "warning"),
        ("'tensorflow-gpu<2.12'", "warning"),
        ("'tensorflow-gpu>=2.4,<=2.11'", "warning"),
        ("tensorflow-gpu==$TF_VERSION", "warning"),
    ],
)
def test_severity(lint, requirement, severity):
    finding = _one(lint, PY + f"RUN pip install {requirement}\n")
    assert finding.severity.value == severity


def test_column_and_message_for_unpinned(lint):
    finding = _one(lint, CUDA + "RUN pip install numpy tensorflow-gpu\n")
    assert (finding.line, finding.column, finding.end_column) == (2, 23, 37)
    assert "2.12.0, a stub that fails to install" in finding.message
    assert "December 2022" in finding.message and "2.11" in finding.message
    assert "Use `tensorflow`" in finding.message and "and-cuda" not in finding.message


def test_suggests_and_cuda_on_a_base_without_cuda(lint):
    finding = _one(lint, PY + "RUN pip install tensorflow-gpu\n")
    assert "`tensorflow[and-cuda]`" in finding.message


def test_pinned_suggests_the_same_tensorflow_version(lint):
    finding = _one(lint, CUDA + "RUN pip install tensorflow-gpu==2.10.0\n")
    assert "`tensorflow==2.10.0`" in finding.message


def test_before_2_1_tensorflow_had_no_gpu_support(lint):
    finding = _one(lint, CUDA + "RUN pip install tensorflow-gpu==1.15.0\n")
    assert "Before 2.1 `tensorflow` had no GPU support" in finding.message


def test_on_a_tensorflow_base_points_to_tf201(lint):
    finding = _one(lint, "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\nRUN pip install tensorflow-gpu\n")
    assert "TF201" in finding.message


def test_arg_value_is_named_in_the_message(lint):
    finding = _one(lint, CUDA + "ARG TF_PACKAGE=tensorflow-gpu==2.4.0\nRUN pip install ${TF_PACKAGE}\n")
    assert "`${TF_PACKAGE}` expands to `tensorflow-gpu==2.4.0`" in finding.message
    assert finding.severity.value == "warning"


def test_arg_value_with_unknown_version(lint):
    text = CUDA + "ARG TF_PACKAGE=tensorflow-gpu\nRUN pip install ${TF_PACKAGE}==${TF_VERSION}\n"
    finding = _one(lint, text)
    assert (finding.line, finding.severity.value) == (3, "warning")
    assert "ARG/ENV value" in finding.message and "unknown" in finding.message


def test_docker_hub_recipe_without_a_version_is_unpinned(lint):
    text = CUDA + "ARG TF_PACKAGE=tensorflow-gpu\nARG TF_PACKAGE_VERSION=\n"
    text += "RUN pip install ${TF_PACKAGE}${TF_PACKAGE_VERSION:+==${TF_PACKAGE_VERSION}}\n"
    finding = _one(lint, text)
    assert (finding.line, finding.severity.value) == (4, "error")
    assert "expands to `tensorflow-gpu`" in finding.message
    pinned = _one(lint, text, build_args={"TF_PACKAGE_VERSION": "2.4.0"})
    assert pinned.severity.value == "warning"


def test_build_arg_overrides_the_package(lint):
    text = CUDA + "ARG TF_PACKAGE=tensorflow\nRUN pip install ${TF_PACKAGE}\n"
    assert lint(text, select=["TF206"]) == []
    found = lint(text, select=["TF206"], build_args={"TF_PACKAGE": "tensorflow-gpu"})
    assert ids_and_lines(found) == [("TF206", 3)]


def test_conda_is_info(lint):
    finding = _one(lint, PY + "RUN conda install -y tensorflow-gpu\n")
    assert finding.severity.value == "info"
    assert "separate ecosystem" in finding.message


def test_nested_requirements_file(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n-r gpu/requirements-gpu.txt\n")
    (tmp_path / "gpu").mkdir()
    (tmp_path / "gpu" / "requirements-gpu.txt").write_text("# GPU\n\ntensorflow-gpu>=2.4\n")
    text = CUDA + "COPY . /app\nWORKDIR /app\nRUN pip install --no-cache-dir \\\n    -r requirements.txt\n"
    finding = _one(lint, text, context=tmp_path)
    assert (finding.line, finding.severity.value) == (4, "error")
    assert "gpu/requirements-gpu.txt:3" in finding.message


def test_pyproject_dependency(lint, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["tensorflow-gpu==2.11.0"]\n')
    text = PY + "COPY . /src\nRUN pip install -e /src\n"
    finding = _one(lint, text, context=tmp_path)
    assert (finding.line, finding.severity.value) == (3, "warning")
    assert "pyproject.toml:3" in finding.message


def test_custom_wheel_url_is_a_warning_whatever_its_version(lint):
    url = "https://example.com/tf/tensorflow_gpu-2.12.0-cp310-cp310-manylinux2014_x86_64.whl"
    finding = _one(lint, CUDA + f"ARG TF_URL={url}\nRUN pip install --no-cache-dir -U ${{TF_URL}}\n")
    assert (finding.line, finding.severity.value) == (3, "warning")
    assert "custom build" in finding.message


def test_another_index_replacing_pypi_is_a_warning(lint):
    jetson = "https://developer.download.nvidia.com/compute/redist/jp/v42"
    finding = _one(lint, PY + f"RUN pip install --pre -i {jetson} tensorflow-gpu\n")
    assert finding.severity.value == "warning" and "another index" in finding.message
    extra = _one(lint, PY + f"RUN pip install --pre --extra-index-url {jetson} tensorflow-gpu\n")
    assert extra.severity.value == "error"
    pypi = _one(lint, PY + "RUN pip install --index-url=https://pypi.org/simple tensorflow-gpu\n")
    assert pypi.severity.value == "error"
