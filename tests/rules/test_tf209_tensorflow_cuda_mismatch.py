"""TF209 tensorflow-cuda-mismatch: TensorFlow built for another CUDA/cuDNN than the nvidia/cuda base."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.kb import load_kb

RULE = "TF209"
CU122 = "FROM nvidia/cuda:12.2.2-cudnn8-runtime-ubuntu22.04\n"
CU118 = "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\n"
BASE122 = "FROM nvidia/cuda:12.2.0-base-ubuntu22.04\n"
APT_PY = "RUN apt-get update && apt-get install -y --no-install-recommends python3-pip\n"

OK = {
    "matching pin": CU122 + "RUN pip install tensorflow==2.15.0\n",
    "newer CUDA minor than the build": CU118 + "RUN pip install tensorflow==2.11.0\n",
    "and-cuda brings its own CUDA": (
        "FROM nvidia/cuda:12.3.2-base-ubuntu22.04\nRUN pip install 'tensorflow[and-cuda]==2.18.0'\n"
    ),
    "CPU-only distribution": "FROM nvidia/cuda:10.0-base-ubuntu18.04\nRUN pip install tensorflow-cpu==2.15.0\n",
    "tensorflow before 2.1 is CPU-only": "FROM nvidia/cuda:9.0-base-ubuntu16.04\nRUN pip install tensorflow==1.15.0\n",
    "apt cuDNN on a base tag": BASE122 + "RUN apt-get install -y libcudnn8=8.9.4.25-1+cuda12.2\n"
    "RUN pip install tensorflow==2.15.0\n",
    "pip cuDNN on a base tag": BASE122 + "RUN pip install nvidia-cudnn-cu12==8.9.7.29 tensorflow==2.15.0\n",
    "conda cuDNN on a base tag": BASE122 + "RUN conda install -y cudnn=8.9\nRUN pip install tensorflow==2.15.0\n",
    "cuDNN installed in the only stage built on it": (
        "FROM nvidia/cuda:12.2.0-base-ubuntu22.04 AS base\nRUN pip install tensorflow==2.15.0\nFROM base\n"
        "RUN apt-get install -y libcudnn8\n"
    ),
    "not an nvidia/cuda base": "FROM python:3.11-slim\nRUN pip install tensorflow==2.15.0\n",
    "replaced later by and-cuda": (
        CU118 + "RUN pip install tensorflow==2.15.0 && pip install 'tensorflow[and-cuda]==2.15.0'\n"
    ),
    "uninstalled later": CU118 + "RUN pip install tensorflow==2.15.0\nRUN pip uninstall -y tensorflow\n",
    "unknown version": CU118 + "ARG TF\nRUN pip install tensorflow==${TF}\n",
    "unknown words and odd shell": CU118 + "RUN $PIP install ${TF_PACKAGE} –upgrade; pip install tensorflow==2.\n",
    "unpinned, Python unknown, an older release fits": (
        "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu20.04\nRUN pip install tensorflow\n"
    ),
    "unpinned on Ubuntu 20.04's Python 3.8: 2.13 fits CUDA 11.8": (
        "FROM nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu20.04\n" + APT_PY + "RUN pip3 install tensorflow\n"
    ),
    "cuDNN through variables the analysis cannot read": (
        "FROM nvidia/cuda:10.0-devel-ubuntu18.04\nARG CUDNN_VERSION=7.6.0.64-1+cuda10.0\n"
        'RUN CUDNN_MAJOR=$(cut -d . -f 1 <<< "$CUDNN_VERSION"); apt-get install -y libcudnn${CUDNN_MAJOR}\n'
        "RUN pip install tensorflow-gpu==1.15.0\n"
    ),
    "CUDA libraries of another version installed by apt": (
        "FROM nvidia/cuda:10.0-base-ubuntu18.04\nRUN apt-get install -y cuda-libraries-11-2 "
        "libcudnn8=8.1.1.33-1+cuda11.2\nRUN pip install tensorflow==2.5.0\n"
    ),
    "unpinned tensorflow-gpu is TF206's": CU118 + "RUN pip install tensorflow-gpu\n",
    "ONBUILD is not this image's build": CU118 + "ONBUILD RUN pip install tensorflow==2.15.0\n",
    "tf-nightly has no known version": CU118 + "RUN pip install tf-nightly\n",
}
BAD = {
    "CUDA major": (CU118 + "RUN pip install tensorflow==2.15.0\n", [2], "error"),
    "no cuDNN in a runtime tag": (
        "FROM nvidia/cuda:12.2.2-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
        [2],
        "error",
    ),
    "no cuDNN in a base tag": (BASE122 + "RUN pip install tensorflow==2.15.0\n", [2], "error"),
    "cuDNN major of the tag": (
        "FROM nvidia/cuda:8.0-cudnn7-devel-ubuntu16.04\nRUN pip install tensorflow-gpu==1.0.0\n",
        [2],
        "error",
    ),
    "CUDA minor before 11 (library names carry it)": (
        "FROM nvidia/cuda:10.1-cudnn7-runtime-ubuntu18.04\nRUN pip install tensorflow-gpu==1.15.0\n",
        [2],
        "error",
    ),
    "older CUDA minor": (
        "FROM nvidia/cuda:12.1.1-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
        [2],
        "warning",
    ),
    "older cuDNN minor": (
        BASE122 + "RUN apt-get install -y libcudnn8=8.6.0.163-1+cuda11.8\nRUN pip install tensorflow==2.15.0\n",
        [3],
        "warning",
    ),
    "unpinned judged against the newest release for the apt Python": (
        CU122 + APT_PY + "RUN pip3 install tensorflow\n",
        [3],
        "error",
    ),
    "continuation line of a multi-line RUN": (
        CU118 + "RUN apt-get update && \\\n    pip install --no-cache-dir \\\n        tensorflow==2.15.0 \\\n"
        "        pandas\n",
        [4],
        "error",
    ),
    "heredoc RUN": (CU118 + "RUN <<EOF\napt-get update\npip install tensorflow==2.16.1\nEOF\n", [4], "error"),
    "ARG-resolved base": (
        "ARG CUDA=11.8.0\nFROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
        [3],
        "error",
    ),
    "stage built on an earlier stage": (
        CU118.replace("\n", " AS base\n") + "RUN echo base\nFROM base\nRUN pip install tensorflow==2.15.0\n",
        [4],
        "error",
    ),
    "cuDNN installed in only one of two stages built on it": (
        "FROM nvidia/cuda:12.2.0-base-ubuntu22.04 AS base\nRUN pip install tensorflow==2.15.0\nFROM base AS a\n"
        "RUN apt-get install -y libcudnn8\nFROM base AS b\n",
        [2],
        "error",
    ),
    "nvcr.io nvidia/cuda": (
        "FROM nvcr.io/nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n",
        [2],
        "error",
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=[RULE])) == []


@pytest.mark.parametrize(("text", "lines", "severity"), BAD.values(), ids=BAD.keys())
def test_finding_lines_and_severity(lint, text, lines, severity):
    findings = lint(text, select=[RULE])
    assert ids_and_lines(findings) == [(RULE, line) for line in lines]
    assert {f.severity.value for f in findings} == {severity}


def test_column_points_at_the_requirement(lint):
    (finding,) = lint(CU118 + "RUN pip install -q \\\n      tensorflow==2.15.0\n", select=[RULE])
    assert (finding.line, finding.column) == (3, 7)


def test_message_for_a_cuda_major(lint):
    (finding,) = lint(CU118 + "RUN pip install tensorflow==2.15.0\n", select=[RULE])
    assert finding.message == (
        "`tensorflow==2.15.0`: TensorFlow 2.15.0 is built for CUDA 12.2 and cuDNN 8.9, but "
        "nvidia/cuda:11.8.0-cudnn8-runtime-ubuntu22.04: it has CUDA 11.8.0, another major version: TensorFlow "
        "cannot load its CUDA libraries and runs on the CPU. Fix: use an nvidia/cuda 12.2 tag with cuDNN 8 "
        "(`-cudnn` flavour), or install `tensorflow[and-cuda]==2.15.0`, which brings the CUDA and cuDNN it needs."
    )


def test_message_for_a_tag_without_cudnn(lint):
    (finding,) = lint(BASE122 + "RUN pip install tensorflow==2.15.0\n", select=[RULE])
    assert "its tag has no cuDNN and the stage installs none: TensorFlow needs cuDNN" in finding.message
    assert "use a `cudnn` tag or `tensorflow[and-cuda]`" in finding.message


def test_unpinned_message_says_what_it_was_judged_against(lint):
    kb = load_kb()
    newest = kb.newest_tf_release()[0]
    (finding,) = lint(CU122 + APT_PY + "RUN pip3 install tensorflow\n", select=[RULE])
    assert f"TensorFlow {newest} (the requirement is not pinned: judged as the newest release" in finding.message
    assert f"for Python 3.10, as of {kb.as_of})" in finding.message
    assert "cuDNN 8 (its tag) has another major version" in finding.message


def test_unpinned_with_unknown_python_judged_against_the_newest(lint):
    newest = load_kb().newest_tf_release()[0]
    (finding,) = lint(CU122 + "RUN pip install tensorflow\n", select=[RULE])
    assert finding.severity.value == "error"
    expected = f"TensorFlow {newest} (the requirement is not pinned: judged as the newest release the knowledge base"
    assert expected + " lists, as of" in finding.message


def test_older_cudnn_minor_message(lint):
    text = BASE122 + "RUN apt-get install -y libcudnn8=8.6.0.163-1+cuda11.8\nRUN pip install tensorflow==2.15.0\n"
    (finding,) = lint(text, select=[RULE])
    assert "cuDNN 8.6 (apt-get install at line 2) is older than 8.9" in finding.message


def test_followed_requirements_with_nested_r(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("pandas\n-r gpu.txt\n")
    (tmp_path / "gpu.txt").write_text("# GPU\ntensorflow==2.15.0\n")
    text = CU118 + "WORKDIR /app\nCOPY . /app\nRUN pip install \\\n    -r requirements.txt\n"
    (finding,) = lint(text, select=[RULE], context=tmp_path)
    assert (finding.line, finding.column) == (4, 5)
    assert finding.message.startswith("`tensorflow==2.15.0` (gpu.txt:2): TensorFlow 2.15.0 is built for CUDA 12.2")


def test_build_arg_resolves_the_base(lint):
    text = "ARG CUDA\nFROM nvidia/cuda:${CUDA}-cudnn8-runtime-ubuntu22.04\nRUN pip install tensorflow==2.15.0\n"
    assert ids_and_lines(lint(text, select=[RULE], build_args={"CUDA": "11.8.0"})) == [(RULE, 3)]
    assert ids_and_lines(lint(text, select=[RULE], build_args={"CUDA": "12.2.2"})) == []
    assert lint(text, select=[RULE]) == []


def test_the_rule_follows_the_knowledge_base():
    config = load_kb().tested_gpu_config("2.15.0")
    assert config is not None and (config.cuda, config.cudnn) == ("12.2", "8.9")
