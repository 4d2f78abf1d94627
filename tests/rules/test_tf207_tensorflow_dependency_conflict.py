"""TF207 tensorflow-dependency-conflict: NumPy 2 / Keras 3 / Keras 2 next to a TensorFlow they break."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines
from tfimage_lint.kb import load_kb

RULE = "TF207"
PY = "FROM python:3.11-slim\n"

OK = {
    "NumPy 1 pin": PY + "RUN pip install tensorflow==2.15.0 numpy==1.26.4\n",
    "unpinned numpy is not known": PY + "RUN pip install tensorflow==2.15.0 numpy\n",
    "numpy range reaching below 2": PY + "RUN pip install tensorflow==2.15.0 'numpy>=1.26'\n",
    "NumPy 2 with TensorFlow 2.18": PY + "RUN pip install tensorflow==2.18.0 'numpy>=2'\n",
    "unpinned TensorFlow is not known": PY + "RUN pip install tensorflow 'numpy>=2' 'keras<3'\n",
    "TensorFlow range is not known": PY + "RUN pip install 'tensorflow<2.16' 'numpy>=2'\n",
    "no TensorFlow at all": PY + "RUN pip install 'numpy>=2' keras==2.15.0\n",
    "Keras 3 with TensorFlow 2.16": PY + "RUN pip install tensorflow==2.16.1 keras==3.3.3\n",
    "Keras 2 with TensorFlow 2.15": PY + "RUN pip install tensorflow==2.15.0 keras==2.15.0\n",
    "Keras 2 kept the documented way": (
        PY + "RUN pip install tensorflow==2.16.1 keras==2.15.0 tf-keras==2.16.0\nENV TF_USE_LEGACY_KERAS=1\n"
    ),
    "TF_USE_LEGACY_KERAS from a default value in the last ENV": (
        PY + "RUN pip install tensorflow==2.16.1 keras==2.15.0 tf-keras\nENV TF_USE_LEGACY_KERAS=${LEGACY:-1} A=1\n"
    ),
    "Keras 2 kept the documented way in the only stage built on it": (
        PY.replace("\n", " AS base\n") + "RUN pip install tensorflow==2.16.1 'keras<3' tf-keras~=2.16\n"
        "FROM base\nENV TF_USE_LEGACY_KERAS=true\n"
    ),
    "TensorFlow installed afterwards re-resolves NumPy": (
        PY + "RUN pip install 'numpy>=2'\nRUN pip install tensorflow==2.15.0\n"
    ),
    "keras range reaching 3": PY + "RUN pip install tensorflow==2.16.1 'keras>=2.15'\n",
    "marker": PY + "RUN pip install tensorflow==2.15.0 'numpy>=2; python_version>\"3.12\"'\n",
    "uninstall": "FROM tensorflow/tensorflow:2.15.0\nRUN pip uninstall -y numpy==2.0.0\n",
    "unknown words": PY + "RUN pip install tensorflow==2.15.0 numpy==${NUMPY} ${EXTRA} –upgrade\n",
    "unparsable specifier": PY + "RUN pip install tensorflow==2.15.0 'numpy>=two'\n",
    "unknown base TensorFlow (floating tag)": "FROM tensorflow/tensorflow:latest-gpu\nRUN pip install 'numpy>=2'\n",
}
BAD = {
    "numpy>=2 with a TensorFlow pin": (PY + "RUN pip install tensorflow==2.15.0 'numpy>=2'\n", [2]),
    "numpy==2.1.0 installed after TensorFlow": (
        PY + "RUN pip install tensorflow==2.17.0\nRUN pip install numpy==2.1.0\n",
        [3],
    ),
    "numpy==2.* on a Docker Hub base": ("FROM tensorflow/tensorflow:2.15.0\nRUN pip install 'numpy==2.*'\n", [2]),
    "numpy~=2.0 on an NGC base": (
        "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN pip install 'numpy~=2.0'\n",
        [2],
    ),
    "keras>=3 with TensorFlow 2.15": (PY + "RUN pip install tensorflow==2.15.0 'keras>=3'\n", [2]),
    "keras==2.15.0 with TensorFlow 2.16": (PY + "RUN pip install tensorflow==2.16.1 keras==2.15.0\n", [2]),
    "keras<3 with tf-keras but no TF_USE_LEGACY_KERAS": (
        PY + "RUN pip install tensorflow==2.17.0 'keras<3' tf-keras==2.17.0\n",
        [2],
    ),
    "keras~=2.15 with TF_USE_LEGACY_KERAS but no tf-keras": (
        PY + "ENV TF_USE_LEGACY_KERAS=1\nRUN pip install tensorflow==2.16.1 'keras~=2.15'\n",
        [3],
    ),
    "continuation line of a multi-line RUN": (
        PY + "RUN pip install --no-cache-dir \\\n    tensorflow==2.15.0 \\\n    'numpy>=2.0' \\\n    pandas\n",
        [4],
    ),
    "heredoc RUN": (
        "FROM tensorflow/tensorflow:2.15.0\nRUN <<EOF\nset -e\npip install --no-cache-dir numpy==2.0.2\nEOF\n",
        [4],
    ),
    "ARG-resolved base": ("ARG TF=2.15.0\nFROM tensorflow/tensorflow:${TF}-gpu\nRUN pip install 'numpy>=2'\n", [3]),
    "stage built on an earlier stage": (
        "FROM tensorflow/tensorflow:2.15.0 AS base\nRUN pip install pandas\nFROM base\nRUN pip install 'keras>=3'\n",
        [4],
    ),
    "keras<3 with TF_USE_LEGACY_KERAS only in one of two stages built on it": (
        PY.replace("\n", " AS base\n") + "RUN pip install tensorflow==2.16.1 'keras<3' tf-keras\n"
        "FROM base AS a\nENV TF_USE_LEGACY_KERAS=1\nFROM base AS b\n",
        [2],
    ),
    "TF_USE_LEGACY_KERAS from an unset variable": (
        PY + "RUN pip install tensorflow==2.16.1 keras==2.15.0 tf-keras\nENV TF_USE_LEGACY_KERAS=${LEGACY}\n",
        [2],
    ),
    "TensorFlow installed later with --no-deps does not re-resolve": (
        PY + "RUN pip install 'numpy>=2'\nRUN pip install --no-deps tensorflow==2.15.0\n",
        [2],
    ),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=[RULE])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=[RULE])
    assert ids_and_lines(findings) == [(RULE, line) for line in lines]
    assert {f.severity.value for f in findings} == {"error"}


def test_column_points_at_the_requirement(lint):
    (finding,) = lint(PY + "RUN pip install tensorflow==2.15.0 \\\n      numpy==2.0.0\n", select=[RULE])
    assert (finding.line, finding.column) == (3, 7)


def test_numpy_message(lint):
    (finding,) = lint(PY + "RUN pip install tensorflow==2.15.0 'numpy>=2'\n", select=[RULE])
    assert finding.message == (
        "`numpy>=2` installs NumPy 2 next to TensorFlow 2.15.0 (pip install at line 2): TensorFlow before 2.18 is "
        "built against NumPy 1.x, so pip fails to resolve the build or `import tensorflow` fails ('A module that "
        "was compiled using NumPy 1.x cannot be run in NumPy 2'). Pin `numpy<2`, or use TensorFlow 2.18 or later."
    )


def test_keras_messages(lint):
    (keras3,) = lint("FROM tensorflow/tensorflow:2.15.0\nRUN pip install keras==3.0.0\n", select=[RULE])
    assert keras3.message.startswith(
        "`keras==3.0.0` installs Keras 3 next to TensorFlow 2.15.0 (the base image tensorflow/tensorflow:2.15.0): "
        "TensorFlow before 2.16 is made for Keras 2"
    )
    (keras2,) = lint(PY + "RUN pip install tensorflow==2.16.1 keras==2.15.0\n", select=[RULE])
    assert "from TensorFlow 2.16 on, `tf.keras` is Keras 3" in keras2.message
    assert "install `tf-keras` (same minor as TensorFlow) and set `ENV TF_USE_LEGACY_KERAS=1`" in keras2.message


def test_followed_requirements_with_nested_r(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("tensorflow==2.16.1\n-r extra.txt\n")
    (tmp_path / "extra.txt").write_text("pandas\n\nkeras==2.15.0  # old code\n")
    text = PY + "COPY requirements.txt extra.txt /app/\nRUN pip install \\\n    -r /app/requirements.txt\n"
    (finding,) = lint(text, select=[RULE], context=tmp_path)
    assert (finding.line, finding.column) == (3, 5)
    assert finding.message.startswith("`keras==2.15.0` (extra.txt:3) installs Keras 2 next to TensorFlow 2.16.1")


def test_build_arg_resolves_the_base(lint):
    text = "ARG TF\nFROM tensorflow/tensorflow:${TF}\nRUN pip install 'numpy>=2'\n"
    assert ids_and_lines(lint(text, select=[RULE], build_args={"TF": "2.17.0"})) == [(RULE, 3)]
    assert ids_and_lines(lint(text, select=[RULE], build_args={"TF": "2.18.0"})) == []
    assert lint(text, select=[RULE]) == []


def test_thresholds_come_from_the_knowledge_base():
    topics = {row["topic"]: row["tf"] for row in load_kb().data["tf_milestones"]}
    assert topics["numpy-2"] == "2.18"
    assert topics["keras-3-default"] == "2.16.1"
