"""TF201 tensorflow-reinstalled: TensorFlow installed again on a base that ships it."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

NGC = "FROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3\n"  # ships 2.17.0+nv25.02 (inferred)
HUB = "FROM tensorflow/tensorflow:2.15.0-gpu\n"  # ships 2.15.0 (verified)

OK = {
    "python base": "FROM python:3.11-slim\nRUN pip install tensorflow==2.17.0\n",
    "CUDA base": "FROM nvidia/cuda:12.3.2-cudnn9-runtime-ubuntu22.04\nRUN pip install tensorflow\n",
    "NGC PyTorch (no TensorFlow in it)": "FROM nvcr.io/nvidia/pytorch:24.01-py3\nRUN pip install tensorflow\n",
    "other packages": NGC + "RUN pip install --no-cache-dir pandas scikit-learn\n",
    "uninstall is not an install": NGC + "RUN pip uninstall -y tensorflow tensorflow-gpu\n",
    "download and wheel install nothing": NGC
    + "RUN pip download tensorflow==2.18.0 -d /wheels && pip wheel tf-nightly -w /wheels\n",
    "ONBUILD runs in child builds, not here": NGC + "ONBUILD RUN pip install tensorflow==2.18.0\n",
    "unknown word": NGC + "RUN pip install $UNSET ${ALSO_UNSET:-}\n",
    "unset variable as the whole command": NGC + "RUN $PIP_INSTALL tensorflow==2.18.0\n",
    "TensorFlow-named packages that are not TensorFlow": NGC
    + "RUN pip install tensorflow-datasets tensorflow-hub tensorflow-probability\n",
    "a stage on python after an NGC stage": NGC + "FROM python:3.11-slim\nRUN pip install tensorflow==2.18.0\n",
    "apt package named like TensorFlow": NGC + "RUN apt-get install -y python3-tensorflow\n",
    "comment": NGC + "# RUN pip install tensorflow==2.18.0\nRUN true\n",
    "Docker Hub build environment (TensorFlow unknown)": "FROM tensorflow/tensorflow:custom-op-ubuntu16\n"
    "RUN pip install tf-nightly\nFROM tensorflow/tensorflow:latest-devel-gpu\nRUN pip install tensorflow\n",
}

BAD = {
    "NGC: another version": (NGC + "RUN pip install --no-cache-dir tensorflow==2.18.0\n", [2]),
    "NGC: tf-nightly": (NGC + "RUN pip install tf-nightly\n", [2]),
    "NGC: another distribution": (NGC + "RUN pip install tensorflow-cpu\n", [2]),
    "NGC: and-cuda extra with another version": (NGC + "RUN pip install 'tensorflow[and-cuda]==2.18.0'\n", [2]),
    "python -m pip, sudo, uv": (
        NGC + "RUN python3 -m pip install tensorflow==2.16.1\nFROM tensorflow/tensorflow:2.15.0-gpu\n"
        "RUN sudo uv pip install --system tensorflow==2.16.1\n",
        [2, 4],
    ),
    "continuation line of a multi-line RUN": (
        NGC + "RUN apt-get update && \\\n    pip install \\\n        numpy \\\n        tensorflow==2.16.1 \\\n"
        "    && rm -rf /root/.cache\n",
        [5],
    ),
    "heredoc RUN": (NGC + "RUN <<EOF\nset -e\npip install intel-tensorflow==2.14.0\nEOF\n", [4]),
    "ARG-resolved base": (
        "ARG TAG=25.02-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN pip install tf-nightly\n",
        [3],
    ),
    "stage built from an earlier stage, reported once": (
        NGC + "RUN true\nFROM nvcr.io/nvidia/tensorflow:25.02-tf2-py3 AS base\nFROM base AS app\n"
        "RUN pip install tensorflow-cpu==2.17.0\n",
        [5],
    ),
    "Docker Hub: --upgrade": (HUB + "RUN pip install -U tensorflow\n", [2]),
    "Docker Hub: a post release is another version (PEP 440)": (
        "FROM tensorflow/tensorflow:2.15.0.post1-gpu\nRUN pip install tensorflow==2.15.0\n",
        [2],
    ),
    "Docker Hub: conda": (HUB + "RUN conda install -y tensorflow\n", [2]),
    "two installs in one command": (NGC + "RUN pip install tensorflow-cpu tensorflow-intel\n", [2, 2]),
    "install then uninstall in the same stage (still reported)": (
        NGC + "RUN pip install --no-cache-dir tensorflow==2.12.0 protobuf==3.20.3 \\\n"
        "     && pip uninstall tensorflow keras -y\n",
        [2],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF201"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF201"])
    assert ids_and_lines(findings) == [("TF201", line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


def _one(lint, text, **kwargs):
    findings = lint(text, select=["TF201"], **kwargs)
    assert len(findings) == 1, findings
    return findings[0]


def test_column_points_at_the_requirement_word(lint):
    finding = _one(lint, NGC + "RUN apt-get update && \\\n    pip install numpy tensorflow==2.18.0\n")
    assert (finding.line, finding.column) == (3, 23)
    assert finding.end_column == 23 + len("tensorflow==2.18.0")


def test_ngc_message_names_nvidia_build_and_pypi_wheel(lint):
    finding = _one(lint, NGC + "RUN pip install tensorflow==2.18.0\n")
    assert "NVIDIA's TensorFlow build (`2.17.0+nv25.02`; version inferred)" in finding.message
    assert "PyPI wheel built against other CUDA/cuDNN" in finding.message
    assert "`==2.18.0` excludes the base's version" in finding.message


def test_ngc_minor_only_version_is_marked_unverified(lint):
    finding = _one(lint, "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN pip install tensorflow==2.16.1\n")
    assert "`2.14.x+nv24.01`; version unverified" in finding.message
    assert "if the knowledge base is right" in finding.message
    assert finding.severity.value == "error"


def test_ngc_minor_only_version_cannot_judge_a_patch_pin(lint):
    finding = _one(lint, "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN pip install tensorflow==2.14.1\n")
    assert finding.severity.value == "error"
    assert "not known well enough" in finding.message


def test_ngc_unknown_version_still_names_the_release(lint):
    finding = _one(lint, "FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\nRUN pip install tensorflow==2.14.0\n")
    assert "`+nv23.10`; its TensorFlow version is unknown" in finding.message
    assert finding.severity.value == "error"


def test_exact_pin_equal_to_the_base_is_an_info_no_op(lint):
    finding = _one(lint, NGC + "RUN pip install tensorflow==2.17.0\n")
    assert finding.severity.value == "info"
    assert "no-op" in finding.message and "PEP 440" in finding.message


def test_exact_pin_on_docker_hub_is_an_info_no_op(lint):
    finding = _one(lint, "FROM tensorflow/tensorflow:2.17.0-gpu\nRUN pip install tensorflow==2.17.0\n")
    assert finding.severity.value == "info"


def test_docker_hub_cpu_images_ship_tensorflow_cpu(lint):
    same = _one(lint, "FROM tensorflow/tensorflow:2.15.0\nRUN pip install tensorflow-cpu==2.15.0\n")
    assert same.severity.value == "info"
    other = _one(lint, "FROM tensorflow/tensorflow:2.15.0\nRUN pip install tensorflow==2.15.0\n")
    assert other.severity.value == "error"
    assert "`tensorflow` is another distribution, installed over the files of the `tensorflow-cpu` package" in (
        other.message
    )


@pytest.mark.parametrize("flag", ["-U", "--upgrade", "--force-reinstall", "--ignore-installed"])
def test_upgrade_or_reinstall_of_the_same_version_is_an_error(lint, flag):
    finding = _one(lint, NGC + f"RUN pip install {flag} tensorflow==2.17.0\n")
    assert finding.severity.value == "error"


def test_unpinned_install_that_pip_keeps_is_a_warning(lint):
    finding = _one(lint, NGC + "RUN pip install tensorflow\n")
    assert finding.severity.value == "warning"
    assert "does nothing today" in finding.message


def test_range_the_base_satisfies_is_a_warning(lint):
    finding = _one(lint, HUB + "RUN pip install 'tensorflow>=2.10,<2.16'\n")
    assert finding.severity.value == "warning"


def test_pin_matching_an_unverified_base_version_is_a_warning(lint):
    finding = _one(lint, "FROM nvcr.io/nvidia/tensorflow:24.12-tf2-py3\nRUN pip install tensorflow==2.17.0\n")
    assert finding.severity.value == "warning"
    assert "only if the knowledge base is right" in finding.message


def test_a_package_that_pulls_tensorflow_in_the_same_install_makes_it_an_error(lint):
    finding = _one(lint, NGC + "RUN pip install tensorflow tensorflow-text\n")
    assert finding.severity.value == "error"
    assert "tensorflow-text in the same install" in finding.message


def test_docker_hub_gpu_image_between_2_1_and_2_11_cannot_tell_the_distribution(lint):
    finding = _one(lint, "FROM tensorflow/tensorflow:2.4.0-gpu\nRUN pip install tensorflow==2.4.0\n")
    assert finding.severity.value == "warning"
    assert "tensorflow-gpu" in finding.message


def test_docker_hub_gpu_image_before_2_1_ships_tensorflow_gpu(lint):
    finding = _one(lint, "FROM tensorflow/tensorflow:1.15.0-gpu-py3\nRUN pip install tensorflow==1.15.0\n")
    assert finding.severity.value == "error"
    assert "before 2.1 `tensorflow` has no GPU support" in finding.message
    same = _one(lint, "FROM tensorflow/tensorflow:1.15.0-gpu-py3\nRUN pip install tensorflow-gpu==1.15.0\n")
    assert same.severity.value == "warning"  # a no-op, but on an unverified base version


def test_unknown_version_is_an_error_that_says_so(lint):
    finding = _one(lint, NGC + "RUN pip install tensorflow==${TF_VERSION}\n")
    assert finding.severity.value == "error"
    assert "unknown here" in finding.message


def test_install_then_uninstall_says_the_stage_ends_without_tensorflow(lint):
    text = NGC + "RUN pip install tensorflow==2.12.0 && \\\n    pip uninstall -y tensorflow keras\n"
    finding = _one(lint, text)
    assert finding.severity.value == "error"
    assert "line 3" in finding.message and "nothing is left of TensorFlow" in finding.message


def test_uninstall_then_install_says_the_build_was_removed_first(lint):
    finding = _one(lint, NGC + "RUN pip uninstall -y tensorflow\nRUN pip install tensorflow\n")
    assert finding.line == 3
    assert finding.severity.value == "error"
    assert "`pip uninstall` on line 2 removed it first" in finding.message


def test_only_the_first_replacement_is_reported(lint):
    text = (
        NGC + "RUN pip install tensorflow==2.18.0\nRUN pip install -U tensorflow\nFROM 0\nRUN pip install tf-nightly\n"
    )
    assert ids_and_lines(lint(text, select=["TF201"])) == [("TF201", 2)]


def test_a_no_op_does_not_hide_a_later_replacement(lint):
    text = NGC + "RUN pip install tensorflow==2.17.0\nRUN pip install tensorflow==2.18.0\n"
    findings = lint(text, select=["TF201"])
    assert [(f.line, f.severity.value) for f in findings] == [(2, "info"), (3, "error")]


def test_build_arg_resolves_the_base(lint):
    text = "ARG TAG\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN pip install tensorflow==2.18.0\n"
    assert ids_and_lines(lint(text, select=["TF201"])) == []  # unknown base: not a TensorFlow family
    found = lint(text, select=["TF201"], build_args={"TAG": "25.02-tf2-py3"})
    assert ids_and_lines(found) == [("TF201", 3)]


def test_nested_requirements_file(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\n-r extra/more.txt\n")
    (tmp_path / "extra").mkdir()
    (tmp_path / "extra" / "more.txt").write_text("# pinned\npandas\ntensorflow==2.18.0\n")
    text = NGC + "COPY . /app\nWORKDIR /app\nRUN pip install --no-cache-dir \\\n    -r requirements.txt\n"
    finding = _one(lint, text, context=tmp_path)
    assert finding.line == 4  # the pip command
    assert "extra/more.txt:3" in finding.message
    assert finding.severity.value == "error"


def test_requirements_file_with_the_base_version_is_a_no_op(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("tensorflow==2.15.0\n")
    text = HUB + "COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
    finding = _one(lint, text, context=tmp_path)
    assert (finding.line, finding.severity.value) == (3, "info")
    assert "requirements.txt:1" in finding.message


def test_pyproject_dependency(lint, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\ndependencies = [\n  "tensorflow>=2.18",\n]\n')
    text = NGC + "COPY . /src\nRUN cd /src && pip install .\n"
    finding = _one(lint, text, context=tmp_path)
    assert finding.line == 3
    assert "pyproject.toml:4" in finding.message


def test_constraints_are_not_installs(lint, tmp_path):
    (tmp_path / "c.txt").write_text("tensorflow==2.18.0\n")
    text = NGC + "COPY c.txt /tmp/\nRUN pip install -c /tmp/c.txt pandas\n"
    assert lint(text, select=["TF201"], context=tmp_path) == []


def test_missing_file_is_not_a_tensorflow_install(lint, tmp_path):
    text = NGC + "COPY requirements.txt /tmp/\nRUN pip install -r /tmp/requirements.txt\n"
    assert lint(text, select=["TF201"], context=tmp_path) == []


def test_nightly_image_and_a_nightly_install(lint):
    text = "FROM tensorflow/tensorflow:nightly-gpu-py3\nRUN pip install tf-nightly-gpu\n"
    finding = _one(lint, text)
    assert finding.severity.value == "warning"  # which tf-nightly distribution it ships is unknown
    forced = _one(lint, text.replace("install", "install --upgrade --force-reinstall"))
    assert forced.severity.value == "error" and "--upgrade" in forced.message
    other = _one(lint, "FROM tensorflow/tensorflow:nightly-gpu\nRUN pip install tf-nightly-gpu-2.0-preview\n")
    assert "another distribution" in other.message
