"""DF017 pip-unpinned: pip installs of packages without a version."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

PY = "FROM python:3.11-slim\n"
NGC = "FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\n"
PIP = "RUN pip install --no-cache-dir "

OK = {
    "==": PY + PIP + "flask==3.0.3\n",
    "== with extras": PY + PIP + "'flask[async]==3.0.3'\n",
    "== wildcard": PY + PIP + "'flask==3.0.*'\n",
    "~=": PY + PIP + "'requests~=2.31.0'\n",
    "===": PY + PIP + "'flask===3.0.3'\n",
    "a cap": PY + PIP + "'pandas<3'\n",
    "a range with a cap": PY + PIP + "'numpy>=1.24,<2'\n",
    "name @ URL": PY + PIP + "'flask @ https://example.com/flask-3.0.3-py3-none-any.whl'\n",
    "URL to an archive": PY + PIP + "https://example.com/pkg/archive/v1.2.0.tar.gz\n",
    "VCS URL with a tag": PY + PIP + "git+https://github.com/org/repo.git@v1.2.0#egg=repo\n",
    "VCS URL with a commit, ssh": PY + PIP + "'repo @ git+ssh://git@github.com/org/repo.git@3f2a1bc'\n",
    "local project": PY + "COPY . /app\nWORKDIR /app\n" + PIP + ".\n",
    "editable local project": PY + PIP + "-e .\n",
    "local wheel": PY + PIP + "./dist/app-1.0-py3-none-any.whl /tmp/*.whl\n",
    "local wheel with extras": PY + PIP + "tritonclient-2.35.0-py3-none-manylinux1_x86_64.whl[all]\n",
    "editable local folder with extras": PY + "RUN cd /src && pip install --no-cache-dir -e 'python[all]'\n",
    "unreadable constraints file": PY + PIP + "-c /tmp/constraints.txt flask\n",
    "unreadable PIP_CONSTRAINT": PY + "ENV PIP_CONSTRAINT=/etc/pip/c.txt\n" + PIP + "flask\n",
    "unreadable requirements file": PY + PIP + "-r requirements.txt\n",
    "unknown words": PY + PIP + '$PKGS ${EXTRA} "flask==$FLASK_VERSION"\n',
    "version from an ARG": PY + "ARG V=3.0.3\n" + PIP + "flask==$V\n",
    "uninstall": PY + "RUN pip uninstall -y flask\n",
    "download": PY + "RUN pip download flask -d /wheels\n",
    "not pip": PY + "RUN echo pip install flask && apt-get install -y python3-pip\n",
    "redirection is not part of the requirement": PY + PIP + "'flask==3.0.3' > /tmp/log\n",
    "ONBUILD with a constraints file": PY + "ONBUILD RUN pip install -c c.txt flask\n",
}

BAD = {
    "bare name": (PY + PIP + "flask\n", [2]),
    "name with extras": (PY + PIP + "'flask[async]'\n", [2]),
    ">= alone": (PY + PIP + "'requests>=2.31'\n", [2]),
    "!= alone": (PY + PIP + "'requests!=2.30.0'\n", [2]),
    "each unpinned package": (PY + PIP + "flask==3.0.3 requests numpy\n", [2, 2]),
    "pip upgrade": (PY + "RUN pip install --no-cache-dir --upgrade pip setuptools wheel\n", [2, 2, 2]),
    "VCS URL without a revision": (PY + PIP + "git+https://github.com/org/repo.git\n", [2]),
    "VCS URL with a name and no revision": (PY + PIP + "'repo @ git+https://github.com/org/repo'\n", [2]),
    "python -m pip": (PY + "RUN python3 -m pip install --no-cache-dir flask\n", [2]),
    "uv pip install": (PY + "RUN uv pip install --system flask\n", [2]),
    "editable VCS without a revision": (PY + PIP + "-e git+https://github.com/org/repo#egg=repo\n", [2]),
    "continuation line of a multi-line RUN": (
        NGC + "RUN apt-get update \\\n    && pip install --no-cache-dir \\\n        pandas==2.2.2 \\\n"
        "        scikit-learn \\\n    && rm -rf /root/.cache\n",
        [5],
    ),
    "heredoc RUN": (PY + "RUN <<EOF\nset -e\npip install --no-cache-dir \\\n    flask\nEOF\n", [5]),
    "sh -c string": (PY + "RUN sh -c 'pip install --no-cache-dir flask'\n", [2]),
    "behind sudo": (PY + "RUN sudo pip install --no-cache-dir flask\n", [2]),
    "exec form": (PY + 'RUN ["pip", "install", "--no-cache-dir", "flask"]\n', [2]),
    "ARG-resolved base": (
        "ARG TAG=24.01-tf2-py3\nFROM nvcr.io/nvidia/tensorflow:${TAG}\n" + PIP + "pandas\n",
        [3],
    ),
    "stage built from an earlier stage": (
        NGC.replace("\n", " AS base\n") + PIP + "pandas==2.2.2\nFROM base\n" + PIP + "scikit-learn\n",
        [4],
    ),
    "an unreadable constraints file guards only its own command": (
        PY + "RUN PIP_CONSTRAINT=/nope pip install flask\n" + PIP + "requests\n",
        [3],
    ),
    "ONBUILD RUN": (PY + "ONBUILD RUN pip install flask\n", [2]),
    "version from an ARG without an upper bound": (PY + "ARG V=3.0\n" + PIP + '"flask>=$V"\n', [3]),
}


@pytest.mark.parametrize("text", OK.values(), ids=OK.keys())
def test_no_finding(lint, text):
    assert ids_and_lines(lint(text, select=["DF017"])) == []


@pytest.mark.parametrize(("text", "lines"), BAD.values(), ids=BAD.keys())
def test_finding_lines(lint, text, lines):
    findings = lint(text, select=["DF017"])
    assert ids_and_lines(findings) == [("DF017", line) for line in lines]
    assert {f.severity.value for f in findings} == {"warning"}


def test_points_at_the_requirement_word(lint):
    findings = lint(PY + "RUN pip install --no-cache-dir flask==3.0.3 \\\n    requests\n", select=["DF017"])
    assert [(f.line, f.column) for f in findings] == [(3, 5)]
    assert findings[0].message.startswith("`pip install requests`: no version is given")
    assert "`requests==<version>`" in findings[0].message and "constraints file" in findings[0].message


def test_lower_bound_message(lint):
    (finding,) = lint(PY + PIP + "'requests>=2.31'\n", select=["DF017"])
    assert "`>=2.31` has no upper bound" in finding.message


def test_vcs_message(lint):
    (finding,) = lint(PY + PIP + "git+https://github.com/org/repo.git\n", select=["DF017"])
    assert "without a revision" in finding.message and "@<tag or commit>" in finding.message


def test_requirements_file_with_nested_include(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("-r base.txt\nflask==3.0.3\nrequests\n")
    (tmp_path / "base.txt").write_text("# base\nnumpy>=1.24\npandas~=2.2.0\n")
    text = (
        PY + "COPY requirements.txt base.txt /app/\nRUN pip install --no-cache-dir \\\n    -r /app/requirements.txt\n"
    )
    findings = lint(text, select=["DF017"], context=tmp_path)
    assert ids_and_lines(findings) == [("DF017", 3), ("DF017", 3)]
    messages = sorted(f.message for f in findings)
    assert "(from base.txt:2)" in messages[0] and "numpy>=1.24" in messages[0]
    assert "(from requirements.txt:3)" in messages[1] and "`pip install requests`" in messages[1]


def test_requirements_file_after_copy_and_workdir(lint, tmp_path):
    (tmp_path / "requirements.txt").write_text("flask\n")
    text = PY + "WORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir -r requirements.txt\n"
    assert ids_and_lines(lint(text, select=["DF017"], context=tmp_path)) == [("DF017", 4)]


def test_constraints_file_pins(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("flask==3.0.3\nrequests>=2\n")
    text = PY + "COPY constraints.txt /tmp/\nRUN pip install --no-cache-dir -c /tmp/constraints.txt flask requests\n"
    findings = lint(text, select=["DF017"], context=tmp_path)
    assert [(f.line, f.column) for f in findings] == [(3, 62)]
    assert "`pip install requests`" in findings[0].message


def test_pip_constraint_env_and_nested_constraint(lint, tmp_path):
    (tmp_path / "constraints.txt").write_text("flask==3.0.3\n")
    (tmp_path / "requirements.txt").write_text("-c constraints.txt\nflask\n")
    text = PY + "COPY constraints.txt /etc/pip/\nENV PIP_CONSTRAINT=/etc/pip/constraints.txt\n" + PIP + "flask\n"
    assert lint(text, select=["DF017"], context=tmp_path) == []
    text = PY + "COPY requirements.txt constraints.txt /app/\n" + PIP + "-r /app/requirements.txt\n"
    assert lint(text, select=["DF017"], context=tmp_path) == []


def test_project_dependencies_are_not_checked(lint, tmp_path):
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "app"\nversion = "1"\ndependencies = ["flask"]\n')
    text = PY + "COPY . /app\nWORKDIR /app\n" + PIP + ".\n"
    assert lint(text, select=["DF017"], context=tmp_path) == []
