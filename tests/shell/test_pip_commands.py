"""pip (and ``uv pip``) commands: recognition, actions, options, requirement specifiers."""

from __future__ import annotations

import pytest

from tfimage_lint.analysis.installs import PipInstall
from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.packages import PipCommand, Requirement, canonical_name, parse_pip, parse_requirement
from tfimage_lint.syntax.parser import parse_dockerfile

HEAD = "FROM python:3.11-slim\n"


def installs(text: str, build_args: dict[str, str] | None = None) -> list[PipInstall]:
    """The pip operations of the last stage, through the real parser, model and facts."""
    dockerfile = build_model(parse_dockerfile(text.encode("utf-8")), "Dockerfile", build_args)
    return list(compute_facts(dockerfile).installs(dockerfile.stages[-1]).pip)


def pip_of(run: str) -> PipCommand:
    """The single pip command of ``RUN <run>``."""
    [install] = installs(HEAD + f"RUN {run}\n")
    return install.pip


def names(run: str) -> list[tuple[str, str]]:
    """``[(name, specifier), ...]`` of the single pip command of ``RUN <run>``."""
    return [(r.name, r.specifier) for r in pip_of(run).requirements]


# -- which commands are pip -----------------------------------------------------------------------

PIPS = {
    "pip": ("pip install a", "pip", None),
    "pip3": ("pip3 install a", "pip", None),
    "pip3.11": ("pip3.11 install a", "pip", "3.11"),
    "python -m pip": ("python -m pip install a", "pip", None),
    "python3 -m pip": ("python3 -m pip install a", "pip", None),
    "python3.10 -m pip": ("python3.10 -m pip install a", "pip", "3.10"),
    "python3 -u -m pip": ("python3 -u -m pip install a", "pip", None),
    "python -mpip": ("python -mpip install a", "pip", None),
    "absolute pip": ("/opt/conda/bin/pip install a", "pip", None),
    "absolute python": ("/usr/bin/python3.11 -m pip install a", "pip", "3.11"),
    "uv pip": ("uv pip install --system a", "uv", None),
    "pip -q install": ("pip -q install a", "pip", None),
    "pip --no-cache-dir install": ("pip --no-cache-dir install a", "pip", None),
    "sudo -H pip3": ("sudo -H pip3 install a", "pip", None),
}


@pytest.mark.parametrize(("run", "tool", "python"), PIPS.values(), ids=PIPS.keys())
def test_pip_spellings(run, tool, python):
    pip = pip_of(run)
    assert (pip.tool, pip.action, pip.is_install, pip.python) == (tool, "install", True, python)
    assert [(r.name, r.raw) for r in pip.requirements] == [("a", "a")]


def test_general_option_before_the_subcommand_counts():
    assert pip_of("pip --no-cache-dir install a").no_cache_dir


def test_short_general_option_before_the_subcommand_is_spelled_out():
    assert "--quiet" in pip_of("pip -q install a").options


NOT_PIP = [
    "python -c 'import pip'",
    "pipx install black",
    "python3 -m venv /venv",
    "pip-compile requirements.in",
    "python setup.py install",
    "echo pip install a",
    "pipenv install",
    "uv sync",
    "python -m pipx install a",
]


@pytest.mark.parametrize("run", NOT_PIP)
def test_not_pip(run):
    assert installs(HEAD + f"RUN {run}\n") == []


def test_unknown_command_word_is_not_pip():
    assert installs(HEAD + "RUN $PIP install a\n") == []


# -- actions --------------------------------------------------------------------------------------


def test_uninstall_is_not_an_install():
    pip = pip_of("pip uninstall -y tensorflow")
    assert (pip.action, pip.is_install, pip.is_uninstall) == ("uninstall", False, True)
    assert [r.name for r in pip.requirements] == ["tensorflow"]
    assert "--yes" in pip.options


@pytest.mark.parametrize(
    ("run", "action"),
    [("pip download -d /w tensorflow", "download"), ("pip wheel a", "wheel"), ("pip freeze", "freeze"),
     ("pip list", "list"), ("pip show tensorflow", "show"), ("pip3 check", "check")],
)  # fmt: skip
def test_other_actions_are_neither_install_nor_uninstall(run, action):
    pip = pip_of(run)
    assert (pip.action, pip.is_install, pip.is_uninstall) == (action, False, False)


def test_download_dest_is_not_a_requirement():
    assert names("pip download -d /w tensorflow") == [("tensorflow", "")]


# -- requirement specifiers -----------------------------------------------------------------------

SPECIFIERS = {
    "plain": ("tensorflow", "tensorflow", frozenset(), "", None, None, None, False),
    "normalised name": ("TensorFlow_GPU", "tensorflow-gpu", frozenset(), "", None, None, None, False),
    "pin": ("tensorflow==2.15.0", "tensorflow", frozenset(), "==2.15.0", None, None, None, False),
    "extras": ('"tensorflow[and-cuda]==2.17.0"', "tensorflow", frozenset({"and-cuda"}), "==2.17.0", None, None,
               None, False),
    "extras upper case": ("'Keras[JAX]>=3'", "keras", frozenset({"jax"}), ">=3", None, None, None, False),
    "compatible": ("numpy~=1.26", "numpy", frozenset(), "~=1.26", None, None, None, False),
    "range": ('"x>=1,<2"', "x", frozenset(), "<2,>=1", None, None, None, False),
    "marker": ("'pkg; python_version<\"3.11\"'", "pkg", frozenset(), "", 'python_version < "3.11"', None, None,
               False),
    "name @ url": ('"bar @ https://example.com/bar.tar.gz"', "bar", frozenset(), "", None,
                   "https://example.com/bar.tar.gz", None, False),
    "wheel url": ("https://example.com/p/foo-1.2.3-py3-none-any.whl", "foo", frozenset(), "==1.2.3", None,
                  "https://example.com/p/foo-1.2.3-py3-none-any.whl", None, False),
    "wheel file": ("./dist/tensorflow_gpu-2.11.0-cp310-cp310-manylinux2014_x86_64.whl", "tensorflow-gpu",
                   frozenset(), "==2.11.0", None, None,
                   "./dist/tensorflow_gpu-2.11.0-cp310-cp310-manylinux2014_x86_64.whl", False),
    "bare wheel file name": ("tensorflow-2.15.0-cp311-cp311-manylinux_2_17_x86_64.whl", "tensorflow", frozenset(),
                             "==2.15.0", None, None, "tensorflow-2.15.0-cp311-cp311-manylinux_2_17_x86_64.whl",
                             False),
    "sdist": ("/tmp/pkg-1.0.tar.gz", "pkg", frozenset(), "==1.0", None, None, "/tmp/pkg-1.0.tar.gz", False),
    "vcs egg": ("git+https://github.com/x/y.git#egg=foo", "foo", frozenset(), "", None,
                "git+https://github.com/x/y.git#egg=foo", None, False),
    "local folder": ("./local", "", frozenset(), "", None, None, "./local", False),
    "dot": (".", "", frozenset(), "", None, None, ".", False),
    "editable dot": ("-e .", "", frozenset(), "", None, None, ".", True),
    "editable vcs": ("-e git+https://github.com/x/y.git#egg=bar", "bar", frozenset(), "", None,
                     "git+https://github.com/x/y.git#egg=bar", None, True),
    "editable long": ("--editable=./pkg", "", frozenset(), "", None, None, "./pkg", True),
}  # fmt: skip


@pytest.mark.parametrize(
    ("word", "name", "extras", "specifier", "marker", "url", "path", "editable"),
    SPECIFIERS.values(),
    ids=SPECIFIERS.keys(),
)
def test_requirement_specifiers(word, name, extras, specifier, marker, url, path, editable):
    [requirement] = pip_of(f"pip install {word}").requirements
    assert (requirement.name, requirement.extras, requirement.specifier) == (name, extras, specifier)
    assert (requirement.marker, requirement.url, requirement.path, requirement.editable) == (
        marker,
        url,
        path,
        editable,
    )
    assert requirement.valid and requirement.known
    assert (requirement.file, requirement.file_line, requirement.where) == (None, None, "")


def test_requirement_location_is_its_word():
    text = HEAD + "RUN apt-get update && \\\n    pip install --no-deps \\\n        numpy==1.26.4 'tensorflow<2.16'\n"
    [install] = installs(text)
    assert [(r.name, r.line, r.column) for r in install.requirements] == [("numpy", 4, 9), ("tensorflow", 4, 23)]
    assert (install.command.line, install.command.column) == (3, 5)


def test_several_requirements_in_order():
    assert names("pip install a b==1 'c>=2'") == [("a", ""), ("b", "==1"), ("c", ">=2")]


def test_unknown_requirement_word():
    [requirement] = pip_of("pip install $PKG").requirements
    assert (requirement.name, requirement.known, requirement.raw) == ("", False, "$PKG")
    assert requirement.allows("1.0") is None


def test_requirement_with_command_substitution_is_unknown():
    [requirement] = pip_of("pip install tensorflow==$(cat version)").requirements
    assert requirement.known is False
    assert requirement.allows("2.15.0") is None


def test_en_dash_is_not_upgrade():
    pip = pip_of("pip install –upgrade tensorflow")
    assert not pip.upgrade
    assert "--upgrade" not in pip.options
    assert [(r.raw, r.valid) for r in pip.requirements] == [("–upgrade", False), ("tensorflow", True)]
    assert pip.requirements[1].name == "tensorflow"


# -- options --------------------------------------------------------------------------------------


def test_requirement_and_constraint_files():
    pip = pip_of("pip install -r a.txt --requirement b.txt -rc.txt --requirement=d.txt -c e.txt --constraint=f.txt")
    assert [w.text for w in pip.requirement_files] == ["a.txt", "b.txt", "c.txt", "d.txt"]
    assert [w.text for w in pip.constraint_files] == ["e.txt", "f.txt"]
    assert pip.requirements == ()
    assert {"-r", "--requirement", "-c", "--constraint"} <= pip.options


def test_requirement_file_word_location():
    pip = pip_of("pip install -r requirements.txt")
    [word] = pip.requirement_files
    assert (word.line, word.column) == (2, 20)


FLAGS = {
    "-U": ("pip install -U x", "upgrade"),
    "--upgrade": ("pip install --upgrade x", "upgrade"),
    "-qU cluster": ("pip install -qU x", "upgrade"),
    "-Ur cluster": ("pip install -Ur r.txt", "upgrade"),
    "--force-reinstall": ("pip install --force-reinstall x", "force_reinstall"),
    "-I": ("pip install -I x", "force_reinstall"),
    "--ignore-installed": ("pip install --ignore-installed x", "force_reinstall"),
    "--no-deps": ("pip install --no-deps x", "no_deps"),
    "--no-cache-dir": ("pip install --no-cache-dir x", "no_cache_dir"),
    "uv --no-cache": ("uv pip install --no-cache x", "no_cache_dir"),
}


@pytest.mark.parametrize(("run", "flag"), FLAGS.values(), ids=FLAGS.keys())
def test_flag_properties(run, flag):
    assert getattr(pip_of(run), flag) is True
    assert getattr(pip_of("pip install x"), flag) is False


def test_short_flag_cluster_is_spelled_out():
    pip = pip_of("pip install -qU x")
    assert {"--quiet", "--upgrade"} <= pip.options
    assert names("pip install -qU x") == [("x", "")]


def test_cluster_ending_in_r_takes_the_next_word():
    pip = pip_of("pip install -Ur r2.txt")
    assert [w.text for w in pip.requirement_files] == ["r2.txt"]
    assert pip.requirements == ()


def test_long_options():
    run = (
        "pip install --pre --break-system-packages --index-url https://i.example/simple "
        "--extra-index-url=https://e.example/simple -i https://j.example/simple --no-cache-dir x"
    )
    pip = pip_of(run)
    assert {"--pre", "--break-system-packages", "--index-url", "--extra-index-url", "--no-cache-dir"} <= pip.options
    assert [w.text for w in pip.index_urls] == [
        "https://i.example/simple",
        "https://e.example/simple",
        "https://j.example/simple",
    ]
    assert [r.name for r in pip.requirements] == ["x"]


@pytest.mark.parametrize(
    "run",
    ["pip install --target /x numpy", "pip install -t /x numpy", "pip install --prefix /usr/local numpy",
     "pip install -f https://f.example/wheels numpy", "pip install --extra-index-url https://e.example numpy",
     "pip install --upgrade-strategy only-if-needed numpy", "pip install --root-user-action ignore numpy",
     "pip install --platform manylinux2014_x86_64 --only-binary=:all: numpy", "pip install -- numpy"],
)  # fmt: skip
def test_option_values_are_not_requirements(run):
    assert names(run) == [("numpy", "")]


def test_no_cache_dir_from_a_prefix_assignment():
    [install] = installs(HEAD + "RUN PIP_NO_CACHE_DIR=1 pip install x\n")
    assert install.pip.no_cache_dir
    assert install.no_cache_dir
    assert install.command.assignments == (("PIP_NO_CACHE_DIR", "1"),)


def test_no_cache_dir_from_env():
    [install] = installs(HEAD + "ENV PIP_NO_CACHE_DIR=1\nRUN pip install x\n")
    assert not install.pip.no_cache_dir  # not on the command itself
    assert install.no_cache_dir


def test_no_cache_dir_absent():
    [install] = installs(HEAD + "RUN pip install x\n")
    assert not install.no_cache_dir


def test_variables_hiding_the_pip_command():
    text = HEAD + 'ENV PIP_INSTALL="pip install --no-cache-dir"\nRUN $PIP_INSTALL tensorflow==2.15.0\n'
    [install] = installs(text)
    assert install.pip.no_cache_dir
    assert [(r.name, r.pinned_version, r.line, r.column) for r in install.requirements] == [
        ("tensorflow", "2.15.0", 3, 18)
    ]


def test_shell_assignment_hiding_pip():
    [install] = installs(HEAD + "RUN P=pip3 && $P install x\n")
    assert (install.pip.action, [r.name for r in install.requirements]) == ("install", ["x"])


def test_official_tf_pattern_with_build_arg():
    text = (
        HEAD + "ARG PIP=pip3\nARG TF_PACKAGE=tensorflow\nARG TF_PACKAGE_VERSION\n"
        "RUN ${PIP} install ${TF_PACKAGE}${TF_PACKAGE_VERSION:+==${TF_PACKAGE_VERSION}}\n"
    )
    [install] = installs(text, build_args={"TF_PACKAGE_VERSION": "2.15.0"})
    assert [(r.name, r.specifier, r.known) for r in install.requirements] == [("tensorflow", "==2.15.0", True)]


def test_pip_inside_wrappers_and_heredocs():
    text = HEAD + "RUN <<EOF\nset -e\nsudo -E pip install a\nEOF\nRUN sh -c 'conda run -n base pip install b'\n"
    assert [(i.command.line, [r.name for r in i.requirements]) for i in installs(text)] == [(4, ["a"]), (6, ["b"])]


def test_onbuild_pip_is_not_an_install_of_this_image():
    assert installs(HEAD + "ONBUILD RUN pip install a\n") == []


# -- Requirement -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "pinned"),
    [("x==2.15.0", "2.15.0"), ("x===2.15.0", "2.15.0"), ("x==2.15.*", None), ("x>=2.15", None),
     ("x>=2,<3", None), ("x", None), ("x==2.15.0,!=2.15.1", "2.15.0"), ("x~=2.15.0", None)],
)  # fmt: skip
def test_pinned_version(text, pinned):
    assert parse_requirement(text).pinned_version == pinned


@pytest.mark.parametrize(
    ("text", "version", "allowed"),
    [("x>=2.15,<2.16", "2.15.1", True), ("x>=2.15,<2.16", "2.16.0", False), ("x", "9.9", True),
     ("x~=2.15.0", "2.15.3", True), ("x~=2.15.0", "2.16.0", False), ("x>=2.15", "2.16.0rc1", True),
     ("x==2.15.*", "2.15.7", True),
     ("https://example.com/x-1.0-py3-none-any.whl", "1.0", None), ("x>=>1", "1.0", None)],
)  # fmt: skip
def test_allows(text, version, allowed):
    assert parse_requirement(text).allows(version) is allowed


def test_allows_an_invalid_version_is_unknown():
    assert parse_requirement("x>=1").allows("not a version") is None


def test_specifier_set():
    assert parse_requirement("x>=1,<2").specifier_set().contains("1.5")
    assert parse_requirement("x").specifier_set() is not None


def test_invalid_requirement_keeps_the_name():
    requirement = parse_requirement("tensorflow==>2")
    assert (requirement.name, requirement.valid, requirement.raw) == ("tensorflow", False, "tensorflow==>2")
    assert requirement.allows("2.0") is None


def test_empty_requirement():
    requirement = parse_requirement("  ")
    assert (requirement.name, requirement.valid) == ("", False)


def test_located_and_where():
    requirement = parse_requirement("numpy<2").located(file="reqs/base.txt", file_line=3, line=7, column=5)
    assert isinstance(requirement, Requirement)
    assert (requirement.where, requirement.line, requirement.column) == ("reqs/base.txt:3", 7, 5)


@pytest.mark.parametrize(
    ("name", "canonical"),
    [
        ("TensorFlow_GPU", "tensorflow-gpu"),
        ("Keras.CV", "keras-cv"),
        ("a__b--c", "a-b-c"),
        ("tf-nightly", "tf-nightly"),
    ],
)
def test_canonical_name(name, canonical):
    assert canonical_name(name) == canonical


def test_parse_pip_on_a_non_pip_command_is_none():
    dockerfile = build_model(parse_dockerfile(b"FROM python:3.11-slim\nRUN echo hi\n"), "Dockerfile")
    [command] = compute_facts(dockerfile).installs(dockerfile.stages[0]).commands
    assert parse_pip(command) is None


def test_local_wheel_with_extras_is_a_path():
    requirement = parse_requirement("dist/x-1.0-py3-none-any.whl[all]")
    assert (requirement.name, requirement.path, requirement.extras, requirement.specifier) == (
        "x",
        "dist/x-1.0-py3-none-any.whl",
        frozenset({"all"}),
        "==1.0",
    )


def test_editable_without_url_is_a_folder():
    requirement = parse_requirement("python[all]", editable=True)
    assert (requirement.name, requirement.path, requirement.extras, requirement.editable) == (
        "",
        "python",
        frozenset({"all"}),
        True,
    )
