"""The effective TensorFlow/CUDA/cuDNN/Python stack of a stage, and known fixes installed."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfimage_lint.analysis.context import DirectoryContext
from tfimage_lint.analysis.stack import Stack, StackValue
from tfimage_lint.facts import Facts, compute_facts
from tfimage_lint.kb import load_kb
from tfimage_lint.model.build import build_model
from tfimage_lint.model.dockerfile import Dockerfile
from tfimage_lint.model.imageref import parse_image_ref
from tfimage_lint.syntax.parser import parse_dockerfile


def analyse(
    text: str, context: Path | None = None, build_args: dict[str, str] | None = None
) -> tuple[Dockerfile, Facts]:
    dockerfile = build_model(parse_dockerfile(text.encode("utf-8")), "Dockerfile", build_args)
    facts = compute_facts(dockerfile, context=DirectoryContext(str(context)) if context is not None else None)
    return dockerfile, facts


def stack(text: str, stage: int = -1, context: Path | None = None, build_args: dict[str, str] | None = None) -> Stack:
    """The stack of one stage (the last by default)."""
    dockerfile, facts = analyse(text, context, build_args)
    return facts.stack(dockerfile.stages[stage])


def kb_fact(image: str, family: str, name: str) -> str | None:
    facts = load_kb().facts_for(parse_image_ref(image), family)
    assert facts is not None
    return getattr(facts, name).value


def major_minor(pin: str) -> str:
    return ".".join(pin.lstrip("=").split(".")[:2])


# -- from the base --------------------------------------------------------------------------------


def test_dockerhub_gpu_base():
    image = "tensorflow/tensorflow:2.15.0-gpu"
    result = stack(f"FROM {image}\n")
    assert result.tensorflow == StackValue("2.15.0", "base image", None, True, True, "verified")
    assert result.base_tensorflow == result.tensorflow
    assert result.tensorflow_distribution == "tensorflow"
    cuda = kb_fact(image, "dockerhub-tensorflow", "cuda")
    cudnn = kb_fact(image, "dockerhub-tensorflow", "cudnn")
    assert result.cuda == StackValue(cuda, "base image", present=True, evidence="inferred")
    assert result.cudnn == StackValue(cudnn, "base image", present=True, evidence="inferred")
    assert result.cuda.value is not None and result.cudnn.value is not None
    assert result.cudnn.value.startswith("8.")


def test_arg_resolved_base():
    assert stack("ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:${TAG}\n").tensorflow.value == "2.15.0"
    result = stack("ARG TAG\nFROM tensorflow/tensorflow:${TAG}\n", build_args={"TAG": "2.16.1-gpu"})
    assert result.tensorflow.value == "2.16.1"


def test_python_base_from_its_tag():
    result = stack("FROM python:3.12-slim\n")
    assert result.python == StackValue("3.12", "base image tag", present=True, evidence="verified")
    assert (result.tensorflow.value, result.tensorflow.present) == (None, False)
    assert result.tensorflow_distribution is None


def test_nvidia_cuda_cudnn_base():
    result = stack("FROM nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04\n")
    assert (result.cuda.value, result.cuda.present) == ("12.2.0", True)
    assert (result.cudnn.value, result.cudnn.present) == ("8", True)
    assert result.tensorflow.present is False


def test_nvidia_cuda_base_without_cudnn():
    result = stack("FROM nvidia/cuda:12.2.0-base-ubuntu22.04\n")
    assert result.cuda.value == "12.2.0"
    assert (result.cudnn.value, result.cudnn.present) == (None, False)


def test_unknown_base_is_unknown():
    result = stack("FROM example.com/team/custom:1\n")
    for value in (result.tensorflow, result.cuda, result.cudnn, result.python):
        assert (value.value, value.present) == (None, None)


# -- pip ------------------------------------------------------------------------------------------


def test_pinned_pip_install():
    result = stack("FROM python:3.11-slim\nRUN pip install tensorflow==2.15.0\n")
    assert result.tensorflow == StackValue("2.15.0", "pip install", 2, True, True)
    assert result.base_tensorflow.present is False
    assert result.python.value == "3.11"


def test_unpinned_pip_install_is_not_exact():
    result = stack("FROM python:3.11-slim\nRUN pip install 'tensorflow>=2.15'\n")
    assert result.tensorflow == StackValue(None, "pip install", 2, False, True)


@pytest.mark.parametrize("name", ["tensorflow-cpu", "tensorflow-gpu", "tf-nightly", "intel-tensorflow"])
def test_distribution_is_recorded(name):
    result = stack(f"FROM python:3.11-slim\nRUN pip install {name}==2.11.0\n")
    assert (result.tensorflow.value, result.tensorflow_distribution) == ("2.11.0", name)


def test_line_of_the_install_inside_a_multi_line_run():
    text = "FROM python:3.11-slim\nRUN apt-get update && \\\n    pip install \\\n      tensorflow==2.15.0\n"
    assert stack(text).tensorflow.line == 3


def test_pip_uninstall_removes_tensorflow():
    result = stack("FROM tensorflow/tensorflow:2.15.0-gpu\nRUN pip uninstall -y tensorflow\n")
    assert result.tensorflow == StackValue(None, "pip uninstall", 2, True, False)
    assert result.tensorflow_distribution is None
    assert result.base_tensorflow.value == "2.15.0"


def test_uninstall_then_install():
    text = (
        "FROM tensorflow/tensorflow:2.15.0-gpu\nRUN pip uninstall -y tensorflow && pip install tensorflow-cpu==2.16.1\n"
    )
    result = stack(text)
    assert (result.tensorflow.value, result.tensorflow.present, result.tensorflow_distribution) == (
        "2.16.1",
        True,
        "tensorflow-cpu",
    )


@pytest.mark.parametrize(
    "run",
    ["pip download tensorflow==2.16.1", "pip wheel tensorflow==2.16.1", "pip show tensorflow", "echo pip install x"],
)
def test_other_pip_actions_do_not_change_the_stack(run):
    result = stack(f"FROM tensorflow/tensorflow:2.15.0-gpu\nRUN {run}\n")
    assert result.tensorflow == result.base_tensorflow


def test_later_install_wins():
    text = "FROM python:3.11-slim\nRUN pip install tensorflow==2.15.0\nRUN pip install -U tensorflow==2.16.1\n"
    assert (stack(text).tensorflow.value, stack(text).tensorflow.line) == ("2.16.1", 3)


def test_and_cuda_cudnn_from_the_kb_pins():
    pins = load_kb().and_cuda_pins("2.17.0")
    assert pins is not None
    expected = major_minor(pins["nvidia-cudnn-cu12"])
    result = stack('FROM python:3.11-slim\nRUN pip install "tensorflow[and-cuda]==2.17.0"\n')
    assert result.tensorflow == StackValue("2.17.0", "pip install", 2, True, True)
    assert result.cudnn == StackValue(expected, "pip install tensorflow[and-cuda]", 2, True, True)
    assert expected == "8.9"


def test_unpinned_and_cuda_cudnn_is_unknown():
    result = stack('FROM python:3.11-slim\nRUN pip install "tensorflow[and-cuda]"\n')
    assert result.cudnn == StackValue(None, "pip install tensorflow[and-cuda]", 2, False, True)


@pytest.mark.parametrize(
    ("requirement", "value", "exact"),
    [("nvidia-cudnn-cu12==9.3.0.75", "9.3", True), ("'nvidia-cudnn-cu12>=9.1,<10'", "9.1", True),
     ("nvidia-cudnn-cu12", None, False), ("nvidia-cudnn-cu11==8.6.0.163", "8.6", True)],
)  # fmt: skip
def test_pip_cudnn_wheels(requirement, value, exact):
    result = stack(f"FROM python:3.11-slim\nRUN pip install {requirement}\n")
    assert result.cudnn == StackValue(value, "pip install", 2, exact, True)


def test_tensorflow_from_a_followed_file(tmp_path):
    (tmp_path / "requirements.txt").write_text("numpy\ntensorflow==2.16.1\n")
    text = "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    result = stack(text, context=tmp_path)
    assert result.tensorflow == StackValue("2.16.1", "pip install", 3, True, True)


# -- apt and conda --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("packages", "value", "exact"),
    [("libcudnn8=8.9.6.50-1+cuda12.2", "8.9", True), ("libcudnn8", "8", False), ("cudnn9-cuda-12", "9", False),
     ("libcudnn9-dev-cuda-12=9.1.0.70-1", "9.1", True), ("libcudnn8 cudnn9-cuda-12", "9", False)],
)  # fmt: skip
def test_apt_cudnn(packages, value, exact):
    text = f"FROM nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04\nRUN apt-get install -y {packages}\n"
    assert stack(text).cudnn == StackValue(value, "apt-get install", 2, exact, True)


def test_apt_remove_does_not_install():
    text = "FROM nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04\nRUN apt-get remove -y libcudnn8=8.9.6.50-1+cuda12.2\n"
    assert stack(text).cudnn == StackValue("8", "base image", present=True, evidence="inferred")


@pytest.mark.parametrize(
    ("spec", "value", "exact"),
    [("cudnn=8.9", "8.9", True), ("cudnn=8.9.7", "8.9", True), ("'cudnn>=8.9'", "8.9", False), ("cudnn", None, False),
     ("conda-forge::cudnn=9.1", "9.1", True)],
)  # fmt: skip
def test_conda_cudnn(spec, value, exact):
    result = stack(f"FROM python:3.11-slim\nRUN conda install -y {spec}\n")
    assert result.cudnn == StackValue(value, "conda install", 2, exact, True)


def test_conda_tensorflow():
    result = stack("FROM python:3.11-slim\nRUN mamba install -y -c conda-forge tensorflow=2.15\n")
    assert result.tensorflow == StackValue("2.15", "conda install", 2, True, True)
    result = stack("FROM python:3.11-slim\nRUN conda install -y 'tensorflow>=2.15'\n")
    assert result.tensorflow == StackValue(None, "conda install", 2, False, True)


# -- stages ---------------------------------------------------------------------------------------


def test_child_stage_inherits_the_parent_installs():
    text = (
        "FROM python:3.11-slim AS a\nRUN pip install tensorflow==2.15.0\n"
        "FROM a\nRUN apt-get install -y libcudnn8=8.9.6.50-1+cuda12.2\n"
    )
    parent, child = stack(text, stage=0), stack(text, stage=1)
    assert parent.tensorflow == child.tensorflow == StackValue("2.15.0", "pip install", 2, True, True)
    assert parent.cudnn.value is None
    assert child.cudnn == StackValue("8.9", "apt-get install", 4, True, True)
    assert child.python.value == "3.11"


def test_child_uninstall_does_not_change_the_parent():
    text = "FROM tensorflow/tensorflow:2.15.0-gpu AS base\nFROM base\nRUN pip uninstall -y tensorflow\n"
    assert stack(text, stage=0).tensorflow.present is True
    assert stack(text, stage=1).tensorflow.present is False
    assert stack(text, stage=1).base_tensorflow.value == "2.15.0"


def test_unrelated_stage_does_not_inherit():
    text = "FROM python:3.11-slim AS a\nRUN pip install tensorflow==2.15.0\nFROM python:3.12-slim\nRUN echo\n"
    result = stack(text)
    assert result.tensorflow.present is False
    assert result.python.value == "3.12"


def test_copy_from_site_packages_is_not_guessed():
    text = (
        "FROM python:3.11-slim AS build\nRUN pip install tensorflow==2.15.0\nFROM python:3.11-slim\n"
        "COPY --from=build /usr/local/lib/python3.11/site-packages /usr/local/lib/python3.11/site-packages\n"
    )
    assert stack(text).tensorflow.present is False


# -- known fixes ----------------------------------------------------------------------------------

FIXES = {
    "and-cuda pinned": ('pip install "tensorflow[and-cuda]==2.18.0"', True),
    "and-cuda unpinned": ('pip install "tensorflow[and-cuda]"', True),
    "cudnn wheel lower bound": ('pip install "nvidia-cudnn-cu12>=9"', True),
    "cudnn wheel pin 9": ("pip install nvidia-cudnn-cu12==9.3.0.75", True),
    "cudnn wheel unpinned": ("pip install nvidia-cudnn-cu12", True),
    "cudnn wheel pin 8": ("pip install nvidia-cudnn-cu12==8.9.7.29", False),
    "apt cudnn9": ("apt-get update && apt-get install -y cudnn9-cuda-12", True),
    "apt libcudnn9": ("apt-get install -y libcudnn9-cuda-12", True),
    "apt remove": ("apt-get remove -y cudnn9-cuda-12", False),
    "plain tensorflow": ("pip install tensorflow", False),
    "uninstall": ('pip uninstall -y "tensorflow[and-cuda]"', False),
    "download": ('pip download "tensorflow[and-cuda]"', False),
}


@pytest.mark.parametrize(("run", "fixed"), FIXES.values(), ids=FIXES.keys())
def test_installs_fix(run, fixed):
    problem = load_kb().known_problem("dockerhub-gpu-cudnn8")
    assert problem is not None and "pip:tensorflow[and-cuda]" in problem.fixed_by
    dockerfile, facts = analyse(f"FROM tensorflow/tensorflow:2.18.0-gpu\nRUN {run}\n")
    assert facts.installs_fix(dockerfile.stages[0], "dockerhub-gpu-cudnn8") is fixed


def test_onbuild_install_is_not_a_fix():
    dockerfile, facts = analyse(
        'FROM tensorflow/tensorflow:2.18.0-gpu\nONBUILD RUN pip install "tensorflow[and-cuda]"\n'
    )
    assert facts.installs_fix(dockerfile.stages[0], "dockerhub-gpu-cudnn8") is False


def test_fix_in_a_parent_stage_counts():
    text = (
        'FROM tensorflow/tensorflow:2.18.0-gpu AS base\nRUN pip install "tensorflow[and-cuda]"\nFROM base\nRUN true\n'
    )
    dockerfile, facts = analyse(text)
    assert facts.installs_fix(dockerfile.stages[1], "dockerhub-gpu-cudnn8") is True


def test_fix_from_a_followed_file(tmp_path):
    (tmp_path / "requirements.txt").write_text("nvidia-cudnn-cu12==9.3.0.75\n")
    text = "FROM tensorflow/tensorflow:2.18.0-gpu\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    dockerfile, facts = analyse(text, context=tmp_path)
    assert facts.installs_fix(dockerfile.stages[0], "dockerhub-gpu-cudnn8") is True


def test_unknown_problem_is_never_fixed():
    dockerfile, facts = analyse('FROM tensorflow/tensorflow:2.18.0-gpu\nRUN pip install "tensorflow[and-cuda]"\n')
    assert facts.installs_fix(dockerfile.stages[0], "no-such-problem") is False
