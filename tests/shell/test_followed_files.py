"""Files a pip install names, mapped back through COPY/ADD and WORKDIR to the build context (never outside it)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tfimage_lint.analysis.context import MAX_FILE_BYTES, DirectoryContext, normalise
from tfimage_lint.analysis.filesystem import ImageFiles
from tfimage_lint.analysis.installs import PipInstall, StageInstalls
from tfimage_lint.analysis.pip_files import FollowedFile
from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.syntax.parser import parse_dockerfile

HEAD = "FROM python:3.11-slim\n"
REQUIREMENTS = {
    "requirements.txt": "numpy==1.26.4\n-r sub/nested.txt\n",
    "sub/nested.txt": "# nested\ntensorflow==2.15.0\n-c ../cons.txt\n",
    "cons.txt": "tensorflow<2.16\n",
}


def write(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (context-relative names) under ``root``."""
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)


def stage_installs(
    root: Path | None, dockerfile: str, files: dict[str, str | bytes] | None = None, stage: int = -1
) -> StageInstalls:
    """The installs of one stage with ``root`` as the build context (None: no context)."""
    if root is not None:
        write(root, files or {})
    model = build_model(parse_dockerfile(dockerfile.encode("utf-8")), "Dockerfile")
    facts = compute_facts(model, context=DirectoryContext(str(root)) if root is not None else None)
    return facts.installs(model.stages[stage])


def pip_installs(root: Path | None, dockerfile: str, files: dict[str, str | bytes] | None = None) -> list[PipInstall]:
    return list(stage_installs(root, dockerfile, files).pip)


def one_install(root: Path | None, dockerfile: str, files: dict[str, str | bytes] | None = None) -> PipInstall:
    [install] = pip_installs(root, dockerfile, files)
    return install


def requirements(install: PipInstall) -> list[tuple[str, str, str]]:
    """``[(name, specifier, where), ...]``."""
    return [(r.name, r.specifier, r.where) for r in install.requirements]


# -- mapping image paths to context files --------------------------------------------------------


def test_copy_into_workdir(tmp_path):
    text = HEAD + "WORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy==1.26.4\n"})
    assert install.files == (FollowedFile("requirements.txt", "requirements.txt", True),)
    assert requirements(install) == [("numpy", "==1.26.4", "requirements.txt:1")]
    assert install.missing_files == ()


def test_copy_whole_context_then_absolute_path(tmp_path):
    text = HEAD + "COPY . /app\nRUN pip install -r /app/requirements.txt\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert install.files == (FollowedFile("/app/requirements.txt", "requirements.txt", True),)
    assert requirements(install) == [("numpy", "", "requirements.txt:1")]


def test_renamed_copy(tmp_path):
    text = HEAD + "WORKDIR /app\nCOPY docker-requirements.txt ./requirements.txt\nRUN pip install -r requirements.txt\n"
    files = {"docker-requirements.txt": "keras==3.0\n", "requirements.txt": "wrong==1\n"}
    install = one_install(tmp_path, text, files)
    assert install.files[0].context_path == "docker-requirements.txt"
    assert requirements(install) == [("keras", "==3.0", "docker-requirements.txt:1")]


def test_glob_copy(tmp_path):
    text = HEAD + "COPY requirements*.txt ./\nRUN pip install -r requirements-dev.txt -r requirements.txt\n"
    files = {"requirements.txt": "a==1\n", "requirements-dev.txt": "b==2\n", "other.txt": "c\n"}
    install = one_install(tmp_path, text, files)
    assert requirements(install) == [("b", "==2", "requirements-dev.txt:1"), ("a", "==1", "requirements.txt:1")]


def test_cd_before_pip(tmp_path):
    text = HEAD + "COPY . /app\nRUN cd /app && pip install -r requirements.txt\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert requirements(install) == [("numpy", "", "requirements.txt:1")]


def test_folder_copy_and_later_copy_wins(tmp_path):
    text = (
        HEAD + "COPY src/ /app/\nRUN pip install -r /app/requirements.txt\n"
        "COPY other.txt /app/requirements.txt\nRUN pip install -r /app/requirements.txt\n"
    )
    files = {"src/requirements.txt": "from-src\n", "other.txt": "from-other\n"}
    first, second = pip_installs(tmp_path, text, files)
    assert requirements(first) == [("from-src", "", "src/requirements.txt:1")]
    assert requirements(second) == [("from-other", "", "other.txt:1")]


def test_copy_into_an_existing_folder_without_slash(tmp_path):
    text = HEAD + "WORKDIR /app\nCOPY requirements.txt /app\nRUN pip install -r /app/requirements.txt\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert install.files[0].found


def test_add_and_copy_flags(tmp_path):
    text = (
        HEAD + "ADD --chown=app:app requirements.txt /r/\nCOPY --chmod=644 more.txt /r/\n"
        "RUN pip install -r /r/requirements.txt -r /r/more.txt\n"
    )
    install = one_install(tmp_path, text, {"requirements.txt": "a\n", "more.txt": "b\n"})
    assert [f.found for f in install.files] == [True, True]


def test_arg_expanded_paths(tmp_path):
    text = HEAD + "ARG REQ=requirements.txt\nARG DIR=/app\nWORKDIR $DIR\nCOPY ${REQ} ./\nRUN pip install -r ${REQ}\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert requirements(install) == [("numpy", "", "requirements.txt:1")]


def test_unknown_path_word(tmp_path):
    install = one_install(tmp_path, HEAD + "COPY . /app\nRUN pip install -r $REQ\n", {"requirements.txt": "a\n"})
    assert install.files == (FollowedFile("$REQ", None, False),)
    assert install.missing_files == install.files


def test_copy_from_a_stage_or_url_is_not_mapped(tmp_path):
    text = (
        "FROM python:3.11-slim AS build\nFROM python:3.11-slim\nCOPY --from=build /requirements.txt /a/\n"
        "ADD https://example.com/requirements.txt /b/\nRUN pip install -r /a/requirements.txt -r /b/requirements.txt\n"
    )
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert [(f.context_path, f.found) for f in install.files] == [(None, False), (None, False)]


def test_no_build_context(tmp_path):
    text = HEAD + "COPY requirements.txt .\nRUN pip install -r requirements.txt\n"
    install = one_install(None, text)
    assert install.files == (FollowedFile("requirements.txt", "requirements.txt", False),)
    assert install.requirements == ()


# -- nested files and locations -------------------------------------------------------------------


def test_nested_includes_with_lines_and_constraints(tmp_path):
    text = HEAD + "WORKDIR /app\nCOPY . .\nRUN apt-get update && \\\n    pip install -r requirements.txt\n"
    install = one_install(tmp_path, text, REQUIREMENTS)
    assert [(r.name, r.specifier, r.line, r.column, r.file, r.file_line) for r in install.requirements] == [
        ("numpy", "==1.26.4", 5, 5, "requirements.txt", 1),
        ("tensorflow", "==2.15.0", 5, 5, "sub/nested.txt", 2),
    ]
    assert [(r.name, r.specifier, r.where, r.line) for r in install.constraints] == [
        ("tensorflow", "<2.16", "cons.txt:1", 5)
    ]
    assert install.files == (
        FollowedFile("requirements.txt", "requirements.txt", True),
        FollowedFile("sub/nested.txt", "sub/nested.txt", True, via="requirements.txt:2"),
        FollowedFile("../cons.txt", "cons.txt", True, constraint=True, via="sub/nested.txt:3"),
    )


def test_requirement_location_follows_the_pip_command_inside_the_run(tmp_path):
    text = HEAD + "COPY . /app\nRUN echo start && pip install -r /app/requirements.txt 'scipy<2'\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert [(r.name, r.line, r.column, r.where) for r in install.requirements] == [
        ("scipy", 3, 56, ""),
        ("numpy", 3, 19, "requirements.txt:1"),
    ]


def test_heredoc_pip_install_with_file(tmp_path):
    text = HEAD + "COPY . /app\nRUN <<EOF\nset -e\ncd /app\npip install -r requirements.txt\nEOF\n"
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert [(r.name, r.line, r.column, r.where) for r in install.requirements] == [
        ("numpy", 6, 1, "requirements.txt:1")
    ]


def test_constraint_file_on_the_command_line(tmp_path):
    text = HEAD + "COPY . /app\nRUN pip install -c /app/cons.txt tensorflow\n"
    install = one_install(tmp_path, text, {"cons.txt": "tensorflow==2.15.0\n"})
    assert [(r.name, r.where) for r in install.requirements] == [("tensorflow", "")]
    assert [(r.name, r.pinned_version, r.where) for r in install.constraints] == [
        ("tensorflow", "2.15.0", "cons.txt:1")
    ]
    assert install.files == (FollowedFile("/app/cons.txt", "cons.txt", True, constraint=True),)


def test_pip_constraint_from_env(tmp_path):
    text = HEAD + "COPY cons.txt /etc/pip/\nENV PIP_CONSTRAINT=/etc/pip/cons.txt\nRUN pip install tensorflow\n"
    install = one_install(tmp_path, text, {"cons.txt": "tensorflow==2.15.0\n"})
    assert [(r.name, r.specifier, r.where) for r in install.constraints] == [("tensorflow", "==2.15.0", "cons.txt:1")]
    assert install.files == (FollowedFile("/etc/pip/cons.txt", "cons.txt", True, constraint=True),)


def test_pip_constraint_prefix_assignment(tmp_path):
    text = HEAD + "COPY cons.txt /c/\nRUN PIP_CONSTRAINT=/c/cons.txt pip install tensorflow\n"
    install = one_install(tmp_path, text, {"cons.txt": "tensorflow<2.16\n"})
    assert [(r.name, r.specifier) for r in install.constraints] == [("tensorflow", "<2.16")]


def test_include_cycle_is_cut(tmp_path):
    files = {"a.txt": "x\n-r b.txt\n", "b.txt": "y\n-r a.txt\n"}
    install = one_install(tmp_path, HEAD + "COPY . /app\nRUN pip install -r /app/a.txt\n", files)
    assert requirements(install) == [("x", "", "a.txt:1"), ("y", "", "b.txt:1")]
    assert [(f.context_path, f.via) for f in install.files] == [
        ("a.txt", None),
        ("b.txt", "a.txt:2"),
        ("a.txt", "b.txt:2"),
    ]


def test_missing_files(tmp_path):
    text = (
        HEAD + "WORKDIR /app\nCOPY missing.txt .\nCOPY requirements.txt .\n"
        "RUN pip install -r missing.txt -r requirements.txt -r never-copied.txt\n"
    )
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n-r gone.txt\n"})
    assert install.files == (
        FollowedFile("missing.txt", "missing.txt", False),
        FollowedFile("requirements.txt", "requirements.txt", True),
        FollowedFile("gone.txt", None, False, via="requirements.txt:2"),
        FollowedFile("never-copied.txt", None, False),
    )
    assert [f.written for f in install.missing_files] == ["missing.txt", "gone.txt", "never-copied.txt"]
    assert requirements(install) == [("numpy", "", "requirements.txt:1")]


# -- never outside the build context --------------------------------------------------------------


@pytest.fixture
def context(tmp_path: Path) -> Path:
    """A build context folder with a secret file next to it (outside)."""
    root = tmp_path / "ctx"
    root.mkdir()
    (tmp_path / "secret.txt").write_text("secret-package==1\n")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "requirements.txt").write_text("secret-package==1\n")
    return root


def test_dot_dot_on_the_command_line(context):
    text = HEAD + "WORKDIR /app\nCOPY . .\nRUN pip install -r ../secret.txt\n"
    install = one_install(context, text, {"requirements.txt": "numpy\n"})
    assert install.files == (FollowedFile("../secret.txt", None, False),)
    assert install.requirements == ()


def test_dot_dot_in_a_copy_source(context):
    text = HEAD + "COPY ../secret.txt /app/\nRUN pip install -r /app/secret.txt\n"
    install = one_install(context, text)
    assert install.files == (FollowedFile("/app/secret.txt", None, False),)
    assert install.requirements == ()


def test_dot_dot_in_a_nested_include(context):
    text = HEAD + "COPY . /app\nRUN pip install -r /app/requirements.txt\n"
    install = one_install(context, text, {"requirements.txt": "numpy\n-r ../secret.txt\n-r /etc/abs.txt\n"})
    assert install.files[1:] == (
        FollowedFile("../secret.txt", None, False, via="requirements.txt:2"),
        FollowedFile("/etc/abs.txt", None, False, via="requirements.txt:3"),
    )
    assert [r.name for r in install.requirements] == ["numpy"]


def test_absolute_path_not_copied(context):
    text = HEAD + "RUN pip install -r /etc/reqs.txt\n"
    install = one_install(context, text, {"etc/reqs.txt": "numpy\n"})
    assert install.files == (FollowedFile("/etc/reqs.txt", None, False),)


def test_symlink_to_a_file_outside(context):
    os.symlink(context.parent / "secret.txt", context / "link.txt")
    text = HEAD + "COPY link.txt /app/\nRUN pip install -r /app/link.txt\n"
    install = one_install(context, text)
    assert install.files == (FollowedFile("/app/link.txt", "link.txt", False),)
    assert install.requirements == ()


def test_symlink_to_a_folder_outside(context):
    os.symlink(context.parent / "outside", context / "linked")
    text = HEAD + "COPY . /app\nRUN pip install -r /app/linked/requirements.txt\n"
    install = one_install(context, text)
    assert install.files == (FollowedFile("/app/linked/requirements.txt", "linked/requirements.txt", False),)
    assert install.requirements == ()


def test_symlink_inside_the_context_is_read(context):
    write(context, {"real/requirements.txt": "numpy\n"})
    os.symlink(context / "real" / "requirements.txt", context / "requirements.txt")
    install = one_install(context, HEAD + "COPY . /app\nRUN pip install -r /app/requirements.txt\n")
    assert requirements(install) == [("numpy", "", "requirements.txt:1")]


def test_file_over_one_mib_is_not_read(tmp_path):
    big = "numpy==1.0\n" + "#" * MAX_FILE_BYTES
    small = "numpy==1.0\n" + "#" * (MAX_FILE_BYTES - 20)
    text = HEAD + "COPY . /app\nRUN pip install -r /app/big.txt -r /app/small.txt\n"
    install = one_install(tmp_path, text, {"big.txt": big, "small.txt": small})
    assert [(f.context_path, f.found) for f in install.files] == [("big.txt", False), ("small.txt", True)]
    assert requirements(install) == [("numpy", "==1.0", "small.txt:1")]


# -- pip install . and pyproject.toml -------------------------------------------------------------

PYPROJECT = '[project]\nname = "x"\ndependencies = [\n  "tensorflow==2.16.1",\n  "numpy<2",\n]\n'


def test_pip_install_dot_reads_pyproject_dependencies(tmp_path):
    text = HEAD + "WORKDIR /app\nCOPY . .\nRUN pip install --no-cache-dir .\n"
    install = one_install(tmp_path, text, {"pyproject.toml": PYPROJECT})
    assert [(r.name, r.specifier, r.path, r.line, r.where) for r in install.requirements] == [
        ("", "", ".", 4, ""),
        ("tensorflow", "==2.16.1", None, 4, "pyproject.toml:4"),
        ("numpy", "<2", None, 4, "pyproject.toml:5"),
    ]
    assert install.files == (FollowedFile(".", "pyproject.toml", True, project=True),)


def test_editable_subfolder_project(tmp_path):
    text = HEAD + "COPY . /src\nRUN pip install -e /src/pkg\n"
    install = one_install(tmp_path, text, {"pkg/pyproject.toml": PYPROJECT})
    assert [(r.name, r.where) for r in install.requirements[1:]] == [
        ("tensorflow", "pkg/pyproject.toml:4"),
        ("numpy", "pkg/pyproject.toml:5"),
    ]
    assert install.requirements[0].editable


def test_project_without_dependencies_and_unreadable_projects(tmp_path):
    files = {
        "empty/pyproject.toml": '[project]\nname = "x"\n',
        "broken/pyproject.toml": "[project\n",
        "poetry/pyproject.toml": "[tool.poetry]\nname = 'x'\n",
    }
    text = HEAD + "COPY . /src\nRUN pip install /src/empty /src/broken /src/poetry /src/absent\n"
    install = one_install(tmp_path, text, files)
    assert [(f.context_path, f.found) for f in install.files] == [
        ("empty/pyproject.toml", True),
        ("broken/pyproject.toml", False),
        ("poetry/pyproject.toml", False),
        ("absent/pyproject.toml", False),
    ]
    assert all(r.path for r in install.requirements)


def test_wheel_path_is_not_a_project(tmp_path):
    text = HEAD + "COPY . /src\nRUN pip install /src/dist/x-1.0-py3-none-any.whl\n"
    install = one_install(tmp_path, text, {"pyproject.toml": PYPROJECT})
    assert install.files == ()
    assert [(r.name, r.specifier) for r in install.requirements] == [("x", "==1.0")]


def test_pyproject_copied_alone(tmp_path):
    text = HEAD + "WORKDIR /app\nCOPY pyproject.toml .\nRUN pip install .\n"
    install = one_install(tmp_path, text, {"pyproject.toml": PYPROJECT})
    assert [r.where for r in install.requirements[1:]] == ["pyproject.toml:4", "pyproject.toml:5"]


# -- stages ---------------------------------------------------------------------------------------


def test_child_stage_sees_parent_copy_and_workdir(tmp_path):
    text = (
        "FROM python:3.11-slim AS base\nWORKDIR /app\nCOPY requirements.txt .\n"
        "FROM base\nRUN pip install -r requirements.txt\n"
    )
    installs = stage_installs(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert [c.cwd for c in installs.commands] == ["/app"]
    assert requirements(installs.pip[0]) == [("numpy", "", "requirements.txt:1")]
    assert installs.parent is not None
    assert installs.parent.pip == ()


def test_unrelated_stage_does_not_see_copies(tmp_path):
    text = (
        "FROM python:3.11-slim AS base\nWORKDIR /app\nCOPY requirements.txt .\n"
        "FROM python:3.11-slim\nRUN pip install -r /app/requirements.txt\n"
    )
    installs = stage_installs(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert installs.parent is None
    assert installs.pip[0].files == (FollowedFile("/app/requirements.txt", None, False),)


def test_child_copy_does_not_change_the_parent(tmp_path):
    text = (
        "FROM python:3.11-slim AS base\nRUN pip install -r /r.txt\n"
        "FROM base\nCOPY requirements.txt /r.txt\nRUN pip install -r /r.txt\n"
    )
    files = {"requirements.txt": "numpy\n"}
    child = stage_installs(tmp_path, text, files)
    parent = stage_installs(tmp_path, text, files, stage=0)
    assert [f.found for f in parent.pip[0].files] == [False]
    assert [f.found for f in child.pip[0].files] == [True]
    assert [[f.found for f in p.files] for p in child.all_pip()] == [[False], [True]]


def test_site_packages_copies(tmp_path):
    text = (
        "FROM python:3.11-slim AS build\nRUN pip install --target /x numpy\nFROM python:3.11-slim\n"
        "COPY --from=build /usr/lib/python3/dist-packages /usr/lib/python3/dist-packages\n"
        "COPY --from=build /usr/local/lib/python3.11/site-packages/ /usr/local/lib/python3.11/site-packages/\n"
        "COPY --from=build /x /x\nCOPY site-packages.txt /y\n"
    )
    installs = stage_installs(tmp_path, text)
    assert [ins.start_line for ins in installs.site_packages_copies] == [4, 5]
    assert installs.parent is None
    assert installs.pip == ()


# -- the context and image-file helpers -----------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [("a/b", "a/b"), ("./a//b/", "a/b"), ("/a/./b", "a/b"), ("", "."), (".", "."), ("/", "."), ("a/../b", "b"),
     ("..", None), ("../x", None), ("a/../../x", None), ("a\\b", "a/b")],
)  # fmt: skip
def test_normalise(path, expected):
    assert normalise(path) == expected


def test_directory_context(tmp_path):
    write(tmp_path, {"a/requirements.txt": "x\n", "a/other.txt": "y\n", "b.txt": "z\n"})
    ctx = DirectoryContext(str(tmp_path))
    assert ctx.read_text("a/requirements.txt") == "x\n"
    assert ctx.read_text("/b.txt") == "z\n"
    assert ctx.read_text("a/../b.txt") == "z\n"
    assert ctx.read_text("missing.txt") is None
    assert ctx.read_text("a") is None
    assert ctx.read_text("../" + tmp_path.name + "/b.txt") is None
    assert ctx.is_dir("a") and ctx.is_dir(".") and not ctx.is_dir("b.txt") and not ctx.is_dir("..")
    assert ctx.glob("a/*.txt") == ["a/other.txt", "a/requirements.txt"]
    assert ctx.glob("*.txt") == ["b.txt"]
    assert ctx.glob("../*") == []
    assert ctx.label("./a//requirements.txt") == "a/requirements.txt"


def test_image_files():
    files = ImageFiles()
    assert files.absolute("x") == "/x"
    files.set_workdir("/app")
    files.set_workdir("sub")
    assert (files.workdir, files.workdir_known) == ("/app/sub", True)
    assert files.absolute("../r.txt") == "/app/r.txt"
    assert files.absolute("r.txt", cwd="/w") == "/w/r.txt"
    files.set_workdir(None)
    assert files.absolute("r.txt") is None
    assert files.absolute("/abs/r.txt") == "/abs/r.txt"
    child = files.child()
    child.set_workdir("/other")
    assert files.workdir_known is False


def test_a_nested_file_is_read_only_when_it_is_in_the_image(tmp_path):
    """Pip reads ``-r other.txt`` next to the including file in the image, not in the context."""
    files = {"requirements.txt": "numpy\n-r other.txt\n", "other.txt": "keras\n"}
    only_one = one_install(
        tmp_path, HEAD + "COPY requirements.txt /app/\nRUN pip install -r /app/requirements.txt\n", files
    )
    assert [r.name for r in only_one.requirements] == ["numpy"]
    assert only_one.missing_files == (FollowedFile("other.txt", None, False, via="requirements.txt:2"),)
    both = one_install(tmp_path, HEAD + "COPY . /app/\nRUN pip install -r /app/requirements.txt\n", files)
    assert [(r.name, r.where) for r in both.requirements] == [("numpy", "requirements.txt:1"), ("keras", "other.txt:1")]


def test_quoted_workdir_and_destination_are_read_like_buildkit(tmp_path):
    text = HEAD + 'WORKDIR "/app"\nCOPY requirements.txt "/app/"\nRUN pip install -r requirements.txt\n'
    install = one_install(tmp_path, text, {"requirements.txt": "numpy\n"})
    assert install.files == (FollowedFile("requirements.txt", "requirements.txt", True),)
