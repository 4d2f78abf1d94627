"""TF304 gpu-check-at-build-time."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

TF = "FROM tensorflow/tensorflow:2.15.0-gpu\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"

OK = {
    "nvidia-smi in an echo": TF + 'RUN echo "run nvidia-smi later"\n',
    "nvidia-smi looked up": TF + "RUN command -v nvidia-smi && which nvidia-smi\n",
    "commented out": TF + "# RUN nvidia-smi\nRUN true\n",
    "nvidia-smi in CMD": TF + 'CMD ["nvidia-smi"]\n',
    "nvidia-smi in ENTRYPOINT script": TF + "ENTRYPOINT nvidia-smi && python serve.py\n",
    "built with CUDA is a build fact": TF
    + 'RUN python -c "import tensorflow as tf; assert tf.test.is_built_with_cuda()"\n',
    "build info": TF + "RUN python3 -c 'import tensorflow as tf; print(tf.sysconfig.get_build_info())'\n",
    "CPU devices": TF + "RUN python -c \"import tensorflow as tf; print(tf.config.list_physical_devices('CPU'))\"\n",
    "all devices without a type": TF
    + 'RUN python -c "import tensorflow as tf; print(tf.config.list_physical_devices())"\n',
    "nvcc version": "FROM nvidia/cuda:12.3.2-devel-ubuntu22.04\nRUN nvcc --version\n",
    "script file is not read": TF + "RUN python check_gpu.py\n",
    "python code written to a file": TF
    + "RUN cat > /check.py <<EOF\nimport tensorflow as tf\ntf.test.gpu_device_name()\nEOF\n",
    "shell heredoc that only mentions it": TF + "RUN <<EOF\necho 'tf.test.is_gpu_available() needs a GPU'\nEOF\n",
    "not python": TF + "RUN grep -r list_local_devices /usr/lib\n",
}
BAD = {
    "nvidia-smi": ("FROM nvidia/cuda:12.3.2-runtime-ubuntu22.04\nRUN nvidia-smi\n", [2]),
    "nvidia-smi || true": (TF + "RUN nvidia-smi || true\n", [2]),
    "sudo nvidia-smi": (TF + "RUN sudo -E nvidia-smi -L\n", [2]),
    "sh -c nvidia-smi": (TF + "RUN sh -c 'nvidia-smi'\n", [2]),
    "nvidia-smi in a command substitution": (
        TF + "RUN GPU=$(nvidia-smi --query-gpu=name --format=csv) && echo $GPU\n",
        [2],
    ),
    "continuation line of a multi-line RUN": (
        TF + "RUN pip install --no-cache-dir pandas && \\\n    nvidia-smi && \\\n    python -V\n",
        [3],
    ),
    "list_physical_devices GPU": (
        TF + "RUN python -c \"import tensorflow as tf; print(tf.config.list_physical_devices('GPU'))\"\n",
        [2],
    ),
    "experimental list_physical_devices": (
        TF + 'RUN python3 -c "import tensorflow as tf; tf.config.experimental.list_physical_devices(\\"GPU\\")"\n',
        [2],
    ),
    "is_gpu_available": (TF + "RUN python3.11 -c 'import tensorflow as tf; assert tf.test.is_gpu_available()'\n", [2]),
    "gpu_device_name": (TF + "RUN python -c 'import tensorflow as tf; print(tf.test.gpu_device_name())'\n", [2]),
    "list_local_devices": (
        TF + "RUN python -c 'from tensorflow.python.client import device_lib; device_lib.list_local_devices()'\n",
        [2],
    ),
    "call on a continuation line of python -c": (
        TF + 'RUN python -c "import tensorflow as tf; \\\n    print(tf.test.gpu_device_name())"\n',
        [3],
    ),
    "exec form": (
        TF + 'RUN ["python", "-c", "import tensorflow as tf; tf.config.list_physical_devices(\'GPU\')"]\n',
        [2],
    ),
    "python heredoc": (
        TF + "RUN python3 <<EOF\nimport tensorflow as tf\nprint(tf.config.list_physical_devices('GPU'))\nEOF\n",
        [4],
    ),
    "python - heredoc with quoted delimiter": (
        TF
        + "RUN python - <<'PY'\nfrom tensorflow.python.client import device_lib\n\n"
        + "device_lib.list_local_devices()\nPY\n",
        [5],
    ),
    "shebang heredoc": (
        TF + "RUN <<EOF\n#!/usr/bin/env python3\nimport tensorflow as tf\ntf.test.is_built_with_cuda()\n"
        'tf.config.list_physical_devices(device_type="GPU")\nEOF\n',
        [6],
    ),
    "shell heredoc running python -c": (
        TF + 'RUN <<EOF\nset -e\npython -c "import tensorflow as tf; print(tf.test.is_gpu_available())"\nEOF\n',
        [4],
    ),
    "shell heredoc running nvidia-smi": (TF + "RUN <<EOF\napt-get update\nnvidia-smi\nEOF\n", [4]),
    "ONBUILD RUN": (TF + "ONBUILD RUN nvidia-smi\n", [2]),
    "ARG-resolved base": ("ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\nRUN nvidia-smi\n", [3]),
    "stage built on an earlier stage": (
        NGC.replace("\n", " AS base\n") + "FROM base AS test\nRUN python -c 'import tensorflow as tf; "
        'assert tf.config.list_physical_devices("GPU")\'\n',
        [3],
    ),
    "one finding per command": (TF + "RUN nvidia-smi && nvidia-smi -L\n", [2, 2]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["TF304"]), "TF304") == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["TF304"])
    assert ids_and_lines(findings, "TF304") == [("TF304", line) for line in lines]
    assert all(f.severity.value == "warning" for f in findings if f.rule_id == "TF304")


def test_columns(lint):
    findings = lint(TF + "RUN pip install x && \\\n    nvidia-smi || true\n", select=["TF304"])
    assert [(f.line, f.column) for f in findings] == [(3, 5)]
    text = TF + 'RUN python -c "import tensorflow as tf; \\\n    print(tf.test.gpu_device_name())"\n'
    assert [(f.line, f.column) for f in lint(text, select=["TF304"])] == [(3, 19)]
    text = TF + "RUN python3 <<EOF\nimport tensorflow as tf\nprint(tf.config.list_physical_devices('GPU'))\nEOF\n"
    assert [(f.line, f.column) for f in lint(text, select=["TF304"])] == [(4, 17)]


def test_nvidia_smi_message(lint):
    (finding,) = lint(TF + "RUN nvidia-smi\n", select=["TF304"])
    assert finding.message.startswith("nvidia-smi is called at build time in a RUN")
    assert "has no GPU" in finding.message
    assert "when the container starts" in finding.message


def test_tensorflow_message(lint):
    (finding,) = lint(TF + "RUN python -c 'import tensorflow as tf; tf.test.is_gpu_available()'\n", select=["TF304"])
    assert finding.message.startswith("`is_gpu_available()` asks TensorFlow for GPUs at build time")


def test_onbuild_message(lint):
    (finding,) = lint(TF + "ONBUILD RUN nvidia-smi\n", select=["TF304"])
    assert "ONBUILD RUN" in finding.message
