"""Hypothesis strategies that generate Dockerfiles (and garbage) for the fuzz properties.

The grammar covers what the parser and the rules look at: every instruction keyword in any case,
builder flags (valid and bogus), line continuations with the ``\\`` and the backtick escape token,
comments and blank lines inside continuations, heredocs (``<<EOF``, ``<<-EOF``, quoted delimiters,
several on one line, COPY heredocs, unterminated), parser directives, JSON forms (valid and broken),
ARG/ENV substitutions (nested, unterminated), multi-stage builds with ARG-resolved base images,
and RUN bodies made of the shell constructs the shell analysis handles (pip/apt/conda installs,
``&&``, ``||``, pipes, subshells, ``$(...)``, backticks, quotes, ``sh -c``). On top of it:
mutations of generated files and of seeds (byte insertions, deletions, truncation), and fully
random bytes and text (NUL, lone surrogates, invalid UTF-8, CR/LF mixes, a BOM).

:data:`INPUT_KINDS` names every top-level strategy; :func:`fuzz_inputs` draws a :class:`FuzzInput`
tagged with the strategy it came from, so a long run can count examples per strategy.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

Draw = Callable[[st.SearchStrategy], object]

KEYWORDS = (
    "from", "run", "cmd", "label", "maintainer", "expose", "env", "add", "copy", "entrypoint",
    "volume", "user", "workdir", "arg", "onbuild", "stopsignal", "healthcheck", "shell",
)  # fmt: skip
BOGUS_KEYWORDS = ("form", "rnu", "copyy", "image", "", "-", "\u00e9cho", "run\u200b", "frombuild")
ARG_NAMES = ("A", "B", "TAG", "BASE", "TF_VERSION", "CUDA", "PYTHON", "version", "HOME", "UNSET", "_x9")
IMAGES = (
    "nvcr.io/nvidia/tensorflow:24.01-tf2-py3",
    "nvcr.io/nvidia/tensorflow:23.10-tf2-py3",
    "nvcr.io/nvidia/tensorflow:19.10-tf1-py3",
    "nvcr.io/nvidia/pytorch:24.01-py3",
    "tensorflow/tensorflow:2.15.0-gpu",
    "tensorflow/tensorflow:latest-gpu-jupyter",
    "tensorflow/tensorflow:2.4.1-gpu",
    "tensorflow/tensorflow",
    "nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04",
    "nvidia/cuda:11.8.0-devel-ubuntu20.04",
    "nvidia/cuda:12.3.1-base-ubi9",
    "python:3.11-slim",
    "python:3.7",
    "ubuntu:22.04",
    "alpine",
    "scratch",
    "docker.io/library/python@sha256:" + "a" * 64,
    "localhost:5000/team/img:1.0",
    "gcr.io/x/y:z@sha256:" + "0" * 64,
    "UPPER/Case:Tag",
    "image:tag:extra",
    "@sha256:",
    "nvcr.io/nvidia/tensorflow:99.99-tf9-py3",
)
PIP_PACKAGES = (
    "tensorflow", "tensorflow-gpu", "tensorflow[and-cuda]", "tf-nightly", "tensorflow-cpu", "numpy",
    "jax[cuda12]", "torch", "nvidia-cudnn-cu12", "nvidia-cuda-runtime-cu11", "keras", "jupyter",
    "tensorrt", "Flask", "requests", "tensorflow_gpu", "TensorFlow", "tensorflow-io", "x",
)  # fmt: skip
PIP_SPECS = (
    "", "==2.15.0", "==2.15.*", ">=2.14,<2.16", "~=2.13.0", "!=2.11", "===2.4.1", "==1.15", "<2", ">1",
    "==8.9.7.29", "==", "==2.15.0; python_version<'3.9'", " @ https://example.invalid/x.whl", "[and-cuda]==2.16.1",
    "==${TF_VERSION}", "==$TF_VERSION", ">=", "==2.99.0", "==0.0.0a1",
)  # fmt: skip
APT_PACKAGES = (
    "curl", "python3", "python3.10", "python3-pip", "cuda-toolkit-12-2", "cuda-compat-12-2", "libcudnn8",
    "libcudnn8=8.9.7.29-1+cuda12.2", "libnccl2=2.18.3-1+cuda12.2", "nvidia-driver-535", "libnvidia-compute-535",
    "cuda-drivers", "wget=1.21-1", "git", "sudo", "nvidia-cuda-toolkit", "python3.6", "pkg=", "=1",
)  # fmt: skip
CONDA_PACKAGES = (
    "cudatoolkit=11.8", "cudnn=8.6", "python=3.10", "tensorflow-gpu=2.4.1", "tensorflow", "cuda-nvcc",
    "numpy>=1.20", "pytorch::pytorch", "conda-forge::cudnn", "python", "=",
)  # fmt: skip
ENV_NAMES = (
    "LD_LIBRARY_PATH", "CUDA_VISIBLE_DEVICES", "NVIDIA_VISIBLE_DEVICES", "NVIDIA_DRIVER_CAPABILITIES",
    "TF_CPP_MIN_LOG_LEVEL", "PATH", "PIP_NO_CACHE_DIR", "TF_FORCE_GPU_ALLOW_GROWTH", "DEBIAN_FRONTEND",
    "HF_TOKEN", "AWS_SECRET_ACCESS_KEY", "PASSWORD", "A", "B", "PYTHONPATH", "HOME", "1BAD", "a-b",
)  # fmt: skip
RULE_TOKENS = ("DF001", "DF004", "DF000", "TF101", "DF9", "apt-get-missing-yes", "NOPE1", "ALL", "", "DF")

#: Small hand-written seeds for the mutation strategy (the corpus is added when ../shared is there).
SEED_FILES: tuple[bytes, ...] = (
    b"FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3\nRUN pip install tensorflow==2.15.0\n",
    b"# syntax=docker/dockerfile:1\n# escape=`\nFROM python:3.11 AS base\nRUN echo a `\n  && echo b\n",
    b"FROM tensorflow/tensorflow:2.15.0-gpu\nCOPY requirements.txt .\n"
    b'RUN pip install -r requirements.txt\nCMD ["python"]\n',
    b"FROM ubuntu:22.04\nRUN <<EOF bash\napt-get update\napt-get install -y curl\nEOF\n"
    b"COPY <<-A <<B /x/\n\tx\n\tA\ny\nB\n",
    b"ARG BASE=nvidia/cuda\nARG TAG=12.2.0-runtime-ubuntu22.04\nFROM ${BASE}:${TAG} AS b\n"
    b'FROM b\nENV LD_LIBRARY_PATH=/x:$LD_LIBRARY_PATH\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\n',
    b"FROM python:3.7\n# tfimage-lint: ignore=DF004\nRUN pip install x \\\n# c\n\n  && conda install -y cudnn=8\n",
)


@dataclass(frozen=True)
class FuzzInput:
    """One generated input: the strategy that made it and the bytes of the Dockerfile."""

    kind: str
    data: bytes


@dataclass(frozen=True)
class BuildContextFiles:
    """Files of a generated build context: relative path -> content."""

    files: dict[str, bytes] = field(default_factory=dict)


# -- atoms ------------------------------------------------------------------------------------------------


@functools.cache
def _any_case(word: str) -> st.SearchStrategy[str]:
    """``word`` in lower, upper, title or a random mix of cases."""
    mixed = st.lists(st.booleans(), min_size=len(word), max_size=len(word)).map(
        lambda ups: "".join(c.upper() if up else c.lower() for c, up in zip(word, ups, strict=True))
    )
    return st.one_of(st.just(word.upper()), st.just(word.lower()), st.just(word.title()), mixed)


@functools.cache
def keywords(valid: bool = False) -> st.SearchStrategy[str]:
    """An instruction keyword in any case; unless ``valid``, now and then an unknown one."""
    # RUN carries most of what the rules analyse: weigh it up
    known = st.sampled_from(KEYWORDS + ("run",) * 8 + ("copy", "env", "arg")).flatmap(_any_case)
    if valid:
        return known
    return st.one_of(known, known, known, known, known, known, known, known, st.sampled_from(BOGUS_KEYWORDS))


@functools.cache
def arg_names() -> st.SearchStrategy[str]:
    """A variable name, mostly from a small set so definitions and uses meet."""
    return st.one_of(st.sampled_from(ARG_NAMES), st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True))


@functools.cache
@st.composite
def substitutions(draw: Draw, depth: int = 0, valid: bool = False) -> str:
    """``$A``, ``${A}``, ``${A:-x}``, ``${A:+y}`` and friends, nested; unless ``valid`` also unterminated."""
    name = draw(arg_names())
    word = draw(st.sampled_from(("x", "1.0", "", "nvidia/cuda", "-") if valid else ("x", "", "a b", "$", "}", "-")))
    if depth < 2 and draw(st.booleans()):
        word = draw(substitutions(depth=depth + 1, valid=valid))
    if valid:
        return draw(
            st.sampled_from(
                (f"${name}", f"${{{name}}}", f"${{{name}:-{word}}}", f"${{{name}:+{word}}}", f"${{{name}-{word}}}")
            )
        )
    forms = (
        f"${name}",
        f"${{{name}}}",
        f"${{{name}:-{word}}}",
        f"${{{name}:+{word}}}",
        f"${{{name}-{word}}}",
        f"${{{name}+{word}}}",
        f"${{{name}:?{word}}}",
        f"${{{name}#{word}}}",
        f"${{{name}%%{word}}}",
        f"${{{name}/{word}/y}}",
        f"${{{name}:1:2}}",
        f"${{{name}:-{word}",
        f"${{{name}",
        "${",
        "${}",
        "$",
        f"\\${name}",
        f"$${name}",
        f"${{{name}:}}",
        f"${{#{name}}}",
    )
    return draw(st.sampled_from(forms))


@functools.cache
@st.composite
def plain_words(draw: Draw, valid: bool = False) -> str:
    """A word for arguments: paths, versions, quoted text, substitutions (unless ``valid``, broken ones too)."""
    if valid:
        return draw(
            st.one_of(
                st.sampled_from(("/app", ".", "app", "/usr/local/cuda/lib64", "requirements.txt", "x", "8888", "1.0")),
                st.sampled_from(('"a b"', "'x y'", "~", "$(id -u)", "a\\b")),
                substitutions(valid=True),
                st.from_regex(r"[A-Za-z0-9_./:-]{1,8}", fullmatch=True),
            )
        )
    return draw(
        st.one_of(
            st.sampled_from(
                ("/app", ".", "app", "/usr/local/cuda/lib64", "requirements.txt", "*.py", "a b", "x", "8888", "--", "-")
            ),
            st.sampled_from(('"a b"', "'x y'", '"unterminated', "'", '"', '\\"', "\\ ", "~", "$(id -u)", "`id`")),
            st.sampled_from(("a\x00b", "\x00", "requirements.txt\x00", "\x1b[31m", "\u202e", "\ufeff", "\r")),
            substitutions(),
            st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\n\r"), max_size=8),
        )
    )


@functools.cache
def json_arrays(items: st.SearchStrategy[str] | None = None, valid: bool = False) -> st.SearchStrategy[str]:
    """A JSON array of strings; unless ``valid``, also broken in the ways BuildKit meets."""
    items = items if items is not None else plain_words(valid=valid)

    valid_only = valid

    @st.composite
    def build(draw: Draw) -> str:
        words = draw(st.lists(items, min_size=1 if valid else 0, max_size=4))
        quoted = [
            '"' + w.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t").replace("\x00", "\\u0000") + '"'
            for w in words
        ]
        sep = draw(st.sampled_from((", ", ",", " , ", ",\t")))
        good = "[" + sep.join(quoted) + "]"
        broken = (
            "[" + ", ".join(quoted) + ",]",
            "[" + ", ".join(f"'{w}'" for w in words) + "]",
            "[" + ", ".join(quoted),
            "[" + " ".join(quoted) + "]",
            "[1, 2]",
            '["a", null]',
            '[["a"]]',
            '{"a": 1}',
            "[]",
            '["\\u00e9", "\\ud800"]',
            '["a\\"]',
            '[ "a" ] trailing',
            '["a", "b"',
            "[",
        )
        if valid_only:
            return good
        return draw(st.one_of(st.just(good), st.just(good), st.sampled_from(broken)))

    return build()


# -- shell ------------------------------------------------------------------------------------------------


@functools.cache
@st.composite
def pip_commands(draw: Draw) -> str:
    """A pip (or uv, python -m pip, conda run ... pip) install with options and pins."""
    tool = draw(
        st.sampled_from(
            (
                "pip",
                "pip3",
                "python -m pip",
                "python3.10 -m pip",
                "/usr/bin/python3 -m pip",
                "uv pip",
                "conda run -n env pip",
                "sudo -H pip3",
                "env PIP_NO_CACHE_DIR=1 pip",
                "pip3.9",
                "${PIP}",
            )
        )
    )
    action = draw(st.sampled_from(("install", "install", "install", "download", "uninstall -y", "wheel", "")))
    options = draw(
        st.lists(
            st.sampled_from(
                (
                    "--no-cache-dir",
                    "-U",
                    "--upgrade",
                    "--user",
                    "--pre",
                    "-q",
                    "-r requirements.txt",
                    "--requirement=requirements.txt",
                    "-r ${REQS}",
                    "-r other.txt",
                    "-c constraints.txt",
                    "-e .",
                    "--index-url https://example.invalid/simple",
                    "--extra-index-url=https://example.invalid",
                    "--no-deps",
                    "--break-system-packages",
                    "-r",
                    "--",
                    ".",
                    "./dist/*.whl",
                    "git+https://example.invalid/x.git@v1",
                )
            ),
            max_size=3,
        )
    )
    packages = draw(
        st.lists(
            st.builds(
                lambda name, spec, quote: f"{quote}{name}{spec}{quote}",
                st.sampled_from(PIP_PACKAGES),
                st.sampled_from(PIP_SPECS),
                st.sampled_from(("", '"', "'")),
            ),
            max_size=3,
        )
    )
    return " ".join(filter(None, (tool, action, *options, *packages)))


@functools.cache
@st.composite
def system_commands(draw: Draw) -> str:
    """An apt-get/apt/yum/apk/dnf command with packages, pins and options."""
    tool = draw(
        st.sampled_from(
            ("apt-get", "apt", "sudo apt-get", "yum", "dnf", "microdnf", "apk", "DEBIAN_FRONTEND=x apt-get")
        )
    )
    action = draw(st.sampled_from(("install", "install", "update", "upgrade", "dist-upgrade", "add", "clean", "")))
    options = draw(
        st.lists(
            st.sampled_from(
                ("-y", "-qq", "--yes", "--no-install-recommends", "-o Dpkg::Options::=--force-confnew", "--no-cache")
            ),
            max_size=3,
        )
    )
    packages = draw(st.lists(st.sampled_from(APT_PACKAGES), max_size=3))
    return " ".join(filter(None, (tool, action, *options, *packages)))


@functools.cache
@st.composite
def conda_commands(draw: Draw) -> str:
    """A conda/mamba/micromamba install or create."""
    tool = draw(st.sampled_from(("conda", "mamba", "micromamba", "/opt/conda/bin/conda")))
    action = draw(st.sampled_from(("install", "create -n env", "update", "env create -f environment.yml", "clean -a")))
    options = draw(st.lists(st.sampled_from(("-y", "-c conda-forge", "-c nvidia", "--override-channels")), max_size=2))
    packages = draw(st.lists(st.sampled_from(CONDA_PACKAGES), max_size=3))
    return " ".join((tool, action, *options, *packages))


SIMPLE_COMMANDS = (
    "rm -rf /var/lib/apt/lists/*",
    "cd /app",
    "cd",
    "echo hello",
    "curl -fsSL https://example.invalid/x.sh | bash",
    "wget -qO- https://example.invalid | sh",
    "python -c 'import tensorflow as tf; print(tf.config.list_physical_devices(\"GPU\"))'",
    "nvidia-smi",
    "useradd -m user",
    "useradd -l -u 1000 user",
    "export PATH=/x:$PATH",
    "export CUDA_VISIBLE_DEVICES=0",
    "source /etc/profile",
    ". /venv/bin/activate",
    "mkdir -p /app",
    "chmod +x /entrypoint.sh",
    "set -o pipefail",
    "set -eux",
    "ln -s /usr/local/cuda/lib64/libcudart.so /usr/lib/",
    "ldconfig",
    "true",
    ":",
    "exit 0",
    "sudo -u nobody whoami",
    "xargs -n1 pip install < requirements.txt",
    "timeout 10 python train.py",
    "nohup python serve.py &",
    "cat requirements.txt | xargs pip install",
    "pip freeze > /requirements.lock",
    "git clone https://example.invalid/x.git",
    "tar -xzf x.tar.gz -C /opt",
    "echo $((1+2))",
    "x=1 y=2",
    "[ -f x ] && echo y",
    "printf '%s\\n' \"$A\"",
)


@functools.cache
@st.composite
def simple_commands(draw: Draw, valid: bool = False) -> str:
    """One simple command: an install or an everyday command, sometimes with a substitution or redirect."""
    command = draw(
        st.one_of(
            pip_commands(),
            pip_commands(),
            system_commands(),
            conda_commands(),
            st.sampled_from(SIMPLE_COMMANDS),
        )
    )
    if draw(st.integers(0, 5)) == 0:
        command += " " + draw(st.sampled_from(("> /dev/null", "2>&1", ">>log", "<in", "2> >(tee err)", "&>x")))
    if draw(st.integers(0, 6)) == 0:
        command += " " + draw(substitutions(valid=valid))
    return command


@functools.cache
def shell_scripts(max_depth: int = 3, valid: bool = False) -> st.SearchStrategy[str]:
    """A shell script made of lists, pipelines, subshells, substitutions, quotes, ``sh -c`` and control flow.

    Unless ``valid``, also unterminated quotes and substitutions and bare newlines (which end the RUN).
    """
    operators = (" && ", " && ", " || ", " | ", "; ", " & ", " |& ") + (() if valid else ("\n",))

    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        broken = (
            inner.map(lambda s: f'"{s}'),
            inner.map(lambda s: f"$({s}"),
        )
        return st.one_of(
            st.tuples(inner, st.sampled_from(operators), inner).map("".join),
            st.tuples(inner, st.sampled_from(operators), inner).map("".join),
            inner.map(lambda s: f"({s})"),
            inner.map(lambda s: f"{{ {s}; }}"),
            inner.map(lambda s: f"echo $({s})"),
            inner.map(lambda s: f"echo `{s}`"),
            inner.map(lambda s: f'sh -c "{s}"'),
            inner.map(lambda s: "bash -c '" + s.replace("'", "") + "'"),
            inner.map(lambda s: f"if {s}; then {s}; else true; fi"),
            inner.map(lambda s: f"for p in a b; do {s}; done"),
            inner.map(lambda s: f"while false; do {s}; done"),
            inner.map(lambda s: f"! {s}"),
            inner.map(lambda s: f"f() {{ {s}; }}; f"),
            inner.map(lambda s: f"case $x in a) {s};; esac"),
            *(() if valid else broken),
        )

    return st.recursive(simple_commands(valid=valid), extend, max_leaves=max_depth * 2)


# -- instructions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeredocSpec:
    """A heredoc: the ``<<WORD`` written on the line and the body lines that follow."""

    word: str
    body: tuple[str, ...]
    terminator: str | None  # None: never terminated


@dataclass(frozen=True)
class InstructionSpec:
    """One instruction before it is laid out: keyword text, flags, argument words, heredocs."""

    keyword: str
    words: tuple[str, ...]
    heredocs: tuple[HeredocSpec, ...] = ()
    json: bool = False


@functools.cache
@st.composite
def heredoc_specs(draw: Draw, name: str | None = None, valid: bool = False) -> HeredocSpec:
    """``<<EOF``, ``<<-EOF``, ``<<'EOF'``, ``<<"EOF"``, ``3<<EOF``; a body; a terminator (unless ``valid``, or none)."""
    name = name or draw(st.sampled_from(("EOF", "eot", "A", "END_1", "x-y")))
    dash = draw(st.sampled_from(("", "", "-")))
    quote = draw(st.sampled_from(("", "", "'", '"') if valid else ("", "", "'", '"', "'broken")))
    fd = draw(st.sampled_from(("", "", "", "3")))
    word = f"{fd}<<{dash}'{name}" if quote == "'broken" else f"{fd}<<{dash}{quote}{name}{quote}"
    body = draw(
        st.lists(
            st.one_of(
                shell_scripts(2, valid=valid),
                st.sampled_from(("", "#!/bin/bash", "$A ${B:-x}", "print('hi')", "\\"))
                if valid
                else st.sampled_from(("", "\t" + name, name + " ", "#!/bin/bash", "$A ${B:-x}", "print('hi')", "\\")),
                plain_words(valid=valid),
            ),
            max_size=4,
        )
    )
    indent = "\t" if dash and draw(st.booleans()) else ""
    lines = tuple(indent + line for line in "\n".join(body).split("\n")) if body else ()
    terminators = (indent + name, name) if valid else (indent + name, indent + name, name, None)
    return HeredocSpec(word, lines, draw(st.sampled_from(terminators)))


_VALID_FLAGS = {
    "from": ("--platform=linux/amd64", "--platform=$BUILDPLATFORM"),
    "run": (
        "--mount=type=cache,target=/root/.cache/pip",
        "--mount=type=cache,target=/var/cache/apt,sharing=locked",
        "--mount=type=secret,id=token",
        "--mount=type=bind,source=requirements.txt,target=/tmp/r.txt",
        "--network=none",
        "--network=host",
        "--security=insecure",
        "--device=nvidia.com/gpu=all",
    ),
    "copy": (
        "--from=builder",
        "--from=0",
        "--from=base",
        "--from=nvcr.io/nvidia/tensorflow:24.01-tf2-py3",
        "--from=${A}",
        "--chown=1000:1000",
        "--chmod=755",
        "--chmod=u+x",
        "--link",
        "--link=false",
        "--parents",
        "--exclude=*.pyc",
    ),
    "add": (
        "--chown=user",
        "--chmod=0644",
        "--checksum=sha256:" + "0" * 64,
        "--keep-git-dir=true",
        "--link",
        "--unpack=true",
        "--from=x",
    ),
    "healthcheck": ("--interval=30s", "--timeout=5s", "--retries=3", "--start-period=1m"),
}
_ODD_FLAGS = {
    "from": ("--platform",),
    "run": ("--mount=type=bogus", "--mount=", "--mount=type=cache"),
    "copy": ("--chmod=999", "--from="),
    "healthcheck": ("--retries=x", "--interval=-1s"),
}
_BOGUS_FLAGS = ("--bogus", "--from=", "--=x", "--", "--mount", "--platform=", "--FROM=x", "--chmod")


def _flags(draw: Draw, keyword: str, valid: bool) -> list[str]:
    """Builder flags for ``keyword``: the ones it accepts, and unless ``valid`` odd and unknown ones."""
    pool = _VALID_FLAGS.get(keyword, ())
    if not valid:
        pool = pool + _ODD_FLAGS.get(keyword, ()) + _BOGUS_FLAGS
    if not pool or draw(st.integers(0, 2)) > 0:
        return []
    return draw(st.lists(st.sampled_from(pool), min_size=1, max_size=2))


@functools.cache
def _json_command_items(valid: bool) -> st.SearchStrategy[str]:
    return st.one_of(plain_words(valid=valid), simple_commands(valid=valid))


@functools.cache
def arg_instructions(valid: bool = False) -> st.SearchStrategy[InstructionSpec]:
    """``ARG NAME``, ``ARG NAME=value`` (image references, substitutions...), several (or unless ``valid``, none)."""
    words = st.lists(
        st.one_of(
            arg_names(),
            st.builds(
                lambda k, v: f"{k}={v}", arg_names(), st.one_of(st.sampled_from(IMAGES), plain_words(valid=valid))
            ),
        ),
        min_size=1 if valid else 0,
        max_size=2,
    )
    return st.builds(lambda keyword, names: InstructionSpec(keyword, tuple(names)), _any_case("arg"), words)


@functools.cache
@st.composite
def instructions(draw: Draw, stage_names: tuple[str, ...] = (), valid: bool = False) -> InstructionSpec:
    """One instruction of any kind, with flags and arguments the kind expects (and unless ``valid``, others)."""
    keyword = draw(keywords(valid))
    lower = keyword.lower()
    if valid and lower == "from":
        keyword, lower = "RUN", "run"  # stages are laid out by dockerfile_texts
    flags = _flags(draw, lower, valid)
    heredocs: tuple[HeredocSpec, ...] = ()
    json = False
    words: list[str]
    word = plain_words(valid=valid)
    if lower == "from":
        image = draw(
            st.one_of(
                st.sampled_from(IMAGES),
                st.sampled_from(stage_names or ("base",)),
                st.sampled_from(
                    ("${BASE}", "${BASE}:${TAG}", "$BASE", "nvidia/cuda:${CUDA:-12.2.0}-runtime", "${BASE:-python}:3")
                ),
                substitutions(),
            )
        )
        words = [image]
        if draw(st.integers(0, 2)) > 0:
            alias = draw(st.sampled_from(("builder", "base", "final", "b-1", "1bad", "Runtime", "a.b_c", "")))
            words += [draw(st.sampled_from(("AS", "as", "As", "AS"))), alias]
        if draw(st.integers(0, 8)) == 0:
            words.append(draw(word))
    elif lower in ("run", "cmd", "entrypoint"):
        form = draw(st.integers(0, 5))
        if form == 0:
            words = [draw(json_arrays(_json_command_items(valid), valid=valid))]
            json = True
        elif form == 1 and lower == "run":
            specs = [draw(heredoc_specs(valid=valid))]
            if draw(st.booleans()):
                specs.append(draw(heredoc_specs(name="EOT2", valid=valid)))
            heredocs = tuple(specs)
            prefix = draw(st.sampled_from(("", "bash", "python3", "cat", "sh -e")))
            suffix = draw(st.sampled_from(("", "> /file", "&& echo done", "| sh")))
            words = [p for p in (prefix, *[h.word for h in specs], suffix) if p]
        else:
            words = [draw(shell_scripts(valid=valid))]
    elif lower in ("copy", "add"):
        form = draw(st.integers(0, 5))
        if form == 0:
            words = [draw(json_arrays(valid=valid))]
            json = True
        elif form == 1:
            specs = [draw(heredoc_specs(valid=valid))]
            if draw(st.booleans()):
                specs.append(draw(heredoc_specs(name="B", valid=valid)))
            heredocs = tuple(specs)
            words = [*(h.word for h in specs), draw(st.sampled_from(("/app/", "/x", "./", "$A")))]
        else:
            sources = draw(
                st.lists(
                    st.one_of(
                        st.sampled_from(
                            (
                                "requirements.txt",
                                "other.txt",
                                "constraints.txt",
                                "pyproject.toml",
                                ".",
                                "src/",
                                "https://example.invalid/x.tar.gz",
                                "*.txt",
                                "../outside",
                                "/abs",
                            )
                        ),
                        word,
                    ),
                    min_size=1 if valid else 0,
                    max_size=3,
                )
            )
            dests = (".", "./", "/app/", "/app", "app", "$HOME/", "/tmp/req.txt") + (() if valid else ("",))
            words = [*sources, draw(st.sampled_from(dests))]
    elif lower in ("env", "label"):
        values = st.one_of(word, st.sampled_from(("0", "3", "all", "compute,utility", '"a b"', "/x:$LD_LIBRARY_PATH")))
        pair = st.builds(lambda k, v: f"{k}={v}", st.sampled_from(ENV_NAMES), values)
        if valid:
            words = [draw(st.builds(lambda k, v: f"{k} {v}", st.sampled_from(ENV_NAMES), values))]
            if draw(st.booleans()):
                words = draw(st.lists(pair, min_size=1, max_size=3))
        else:
            words = draw(
                st.lists(
                    st.one_of(
                        pair,
                        st.builds(lambda k, v: f"{k} {v}", st.sampled_from(ENV_NAMES), word),
                        st.sampled_from(ENV_NAMES),
                        st.sampled_from(("=x", "a=", '"k"="v"', "k=v=w")),
                    ),
                    max_size=3,
                )
            )
    elif lower == "arg":
        words = list(draw(arg_instructions(valid)).words)
    elif lower == "healthcheck":
        choice = draw(st.integers(0, 2 if valid else 3))
        if choice == 0:
            words = ["NONE"]
        elif choice == 1:
            words = ["CMD", draw(json_arrays(valid=valid))]
        elif choice == 2:
            words = ["CMD", draw(shell_scripts(1, valid=valid))]
        else:
            words = [draw(word)]
    elif lower == "onbuild":
        inner = draw(instructions(stage_names, valid))
        if valid and inner.keyword.lower() in ("onbuild", "maintainer"):
            inner = InstructionSpec("RUN", ("true",))
        return InstructionSpec(keyword, (inner.keyword, *inner.words), inner.heredocs, inner.json)
    elif lower == "shell":
        words = [draw(json_arrays(valid=valid))] if valid or draw(st.booleans()) else draw(st.lists(word, max_size=3))
        json = True
    elif lower == "volume":
        words = [draw(json_arrays(valid=valid))] if draw(st.booleans()) else draw(st.lists(word, max_size=3))
        json = True
    elif valid and lower in ("user", "workdir", "stopsignal", "maintainer"):
        words = [draw(word)]
    elif valid and lower == "expose":
        words = draw(st.lists(st.sampled_from(("8888", "6006/tcp", "$PORT", "80")), min_size=1, max_size=2))
    else:
        words = draw(st.lists(word, max_size=3))
    return InstructionSpec(keyword, tuple(flags + words), heredocs, json)


@functools.cache
@st.composite
def suppression_comments(draw: Draw) -> str:
    """A ``# tfimage-lint:`` suppression comment, well-formed or not."""
    scope = draw(st.sampled_from(("", "global ", "GLOBAL ", "globally ")))
    tokens = draw(st.lists(st.sampled_from(RULE_TOKENS), max_size=3))
    head = draw(st.sampled_from(("tfimage-lint:", "tfimage-lint :", "TFIMAGE-LINT:", "tfimage-lint:ignore")))
    return f"# {head} {scope}ignore={','.join(tokens)}"


@functools.cache
@st.composite
def comment_lines(draw: Draw, valid: bool = False) -> str:
    """A comment line (indented or not), sometimes a suppression or a late parser directive."""
    return draw(
        st.one_of(
            st.just("# a comment"),
            st.just("   # indented"),
            st.just("#"),
            suppression_comments(),
            st.sampled_from(("# escape=`", "# syntax=docker/dockerfile:1", "# check=skip=all")),
            plain_words(valid=valid).map(lambda w: "# " + w),
        )
    )


@st.composite
def directive_blocks(draw: Draw, escape: str, valid: bool = False) -> list[str]:
    """Parser directives at the top: syntax, escape (the chosen token), check; unless ``valid``, duplicates, junk."""
    lines = []
    if draw(st.integers(0, 8)) == 0:
        lines.append("#!/usr/bin/env dockerfile")
    syntax = st.sampled_from(("# syntax=docker/dockerfile:1", "#syntax = docker/dockerfile:1.7", "# SYNTAX=x"))
    check = st.sampled_from(("# check=skip=all", "# check=error=true", "# check=skip=JSONArgsRecommended;error=1"))
    if valid:
        chosen = draw(st.lists(st.sampled_from((draw(syntax), draw(check))), max_size=2, unique=True))
    else:
        candidates = (
            draw(syntax),
            draw(check),
            draw(
                st.sampled_from(("# check=bad", "# directive=unknown", "# escape=x", "# escape=\\", "#   escape  =  `"))
            ),
        )
        chosen = draw(st.lists(st.sampled_from(candidates), max_size=2))
    if escape == "`":
        chosen.insert(
            draw(st.integers(0, len(chosen))), draw(st.sampled_from(("# escape=`", "#escape=`", "# ESCAPE=`")))
        )
    lines.extend(chosen)
    return lines


def _layout(draw: Draw, spec: InstructionSpec, escape: str, valid: bool = False) -> list[str]:
    """Lay one instruction out on physical lines: continuations, comments and blanks inside, heredoc bodies."""
    pieces = [w for w in spec.words if w != ""] if not spec.heredocs else list(spec.words)
    text = spec.keyword
    lines: list[str] = []
    for word in pieces:
        if draw(st.integers(0, 6)) == 0:
            lines.append(text + draw(st.sampled_from(("", " "))) + escape + draw(st.sampled_from(("", "  ", "\t"))))
            for _ in range(draw(st.integers(0, 2)) if draw(st.integers(0, 3)) == 0 else 0):
                lines.append(draw(st.sampled_from(("# inside", "  # inside", "", "   "))))
            text = draw(st.sampled_from(("  ", "\t", " ")))
        text += (" " if text.strip() else "") + word
    if not valid and draw(st.integers(0, 15)) == 0:
        text += " " + escape  # a continuation into whatever follows
    lines.append(text)
    for heredoc in spec.heredocs:
        lines.extend(heredoc.body)
        if heredoc.terminator is not None:
            lines.append(heredoc.terminator)
    return [part for line in lines for part in line.split("\n")]


_NEWLINES = ("\n", "\n", "\n", "\n", "\r\n", "\r")


@st.composite
def dockerfile_texts(draw: Draw, valid: bool = False) -> str:
    """A whole Dockerfile from the grammar, as text; ``valid`` keeps to what BuildKit mostly accepts."""
    escape = draw(st.sampled_from(("\\", "\\", "`")))
    lines = draw(directive_blocks(escape, valid))
    stage_names: list[str] = []
    for _ in range(draw(st.integers(0, 2))):
        lines.extend(_layout(draw, draw(arg_instructions(valid)), escape, valid))
    for _ in range(draw(st.integers(1, 3))):
        image = draw(
            st.one_of(
                st.sampled_from(IMAGES[:-3] if valid else IMAGES),
                st.sampled_from(("${BASE}:${TAG}", "$BASE", "${BASE:-ubuntu}", "nvidia/cuda:${CUDA:-12.2.0}-base")),
                st.sampled_from(tuple(stage_names) or ("scratch",)),
            )
        )
        alias = draw(st.sampled_from(("", "builder", "base", "final", "stage2")))
        flags = tuple(_flags(draw, "from", valid))
        from_spec = InstructionSpec(draw(_any_case("from")), (*flags, image, "AS", alias) if alias else (*flags, image))
        if alias:
            stage_names.append(alias)
        lines.extend(_layout(draw, from_spec, escape, valid))
        for _ in range(draw(st.integers(0, 6))):
            item = draw(st.integers(0, 9))
            if item == 0:
                lines.append(draw(comment_lines(valid)))
            elif item == 1:
                lines.append(draw(st.sampled_from(("", "   ", "\t"))))
            else:
                lines.extend(_layout(draw, draw(instructions(tuple(stage_names), valid)), escape, valid))
    if not valid and draw(st.integers(0, 7)) == 0:
        # instructions before FROM, heredoc bodies out of place: orders the rules must tolerate
        lines = draw(st.permutations(lines))
    newline = draw(st.sampled_from(("\n", "\n", "\r\n") if valid else (*_NEWLINES[:4], "mixed")))
    if newline == "mixed":
        return "".join(line + draw(st.sampled_from(_NEWLINES)) for line in lines)
    return newline.join(lines) + draw(st.sampled_from((newline, "", newline * 2)))


@functools.cache
def dockerfiles(valid: bool = False) -> st.SearchStrategy[bytes]:
    """A generated Dockerfile as UTF-8 bytes, sometimes with a BOM."""
    return st.builds(
        lambda text, bom: (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8", "surrogatepass"),
        dockerfile_texts(valid),
        st.integers(0, 9).map(lambda n: n == 0),
    )


# -- mutations and garbage ------------------------------------------------------------------------------


def _corpus_seeds() -> tuple[bytes, ...]:
    """The real Dockerfiles of ../shared/corpus (sorted, so runs stay deterministic), if present."""
    folder = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "files"
    if not folder.is_dir():
        return ()
    return tuple(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file() and "__REQ__" not in p.name)


CORPUS_SEEDS = _corpus_seeds()


@st.composite
def mutated(draw: Draw, base: st.SearchStrategy[bytes]) -> bytes:
    """``base`` with a few random edits: inserted bytes, deleted, duplicated or blown-up slices, truncation."""
    data = bytearray(draw(base))
    interesting = (
        b"\x00", b"\\", b"`", b"\n", b"\r", b"\r\n", b"<<", b"<<EOF", b"EOF\n", b"$", b"${", b"}", b"[", b"]",
        b'"', b"'", b"#", b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\t", b" ", b"--", b"=", b"\\\n",
    )  # fmt: skip
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 12))
        pos = draw(st.integers(0, len(data)))
        if op == 0:
            data[pos:pos] = draw(st.sampled_from(interesting))
        elif op == 1:
            data[pos:pos] = draw(st.binary(min_size=1, max_size=4))
        elif op == 2:
            end = draw(st.integers(pos, min(len(data), pos + 16)))
            del data[pos:end]
        elif op == 3:
            end = draw(st.integers(pos, min(len(data), pos + 32)))
            data[pos:pos] = data[pos:end]
        elif op == 4:
            del data[pos:]
        elif op == 5:
            # blow a slice up: long lines, thousands of continuations, deep nesting
            end = draw(st.integers(pos, min(len(data), pos + 24)))
            data[pos:pos] = data[pos:end] * draw(st.sampled_from((50, 500, 3000)))
        else:
            data[pos:pos] = draw(st.sampled_from(interesting))
    return bytes(data)


@functools.cache
def seeds() -> st.SearchStrategy[bytes]:
    """A seed file: a hand-written one or, when ../shared is present, a corpus Dockerfile."""
    if CORPUS_SEEDS:
        return st.one_of(st.sampled_from(SEED_FILES), st.sampled_from(CORPUS_SEEDS))
    return st.sampled_from(SEED_FILES)


@functools.cache
def random_texts() -> st.SearchStrategy[bytes]:
    """Random text (lone surrogates included) encoded with ``surrogatepass`` or another codec, CR/LF mixes, a BOM."""
    alphabet = st.one_of(
        st.characters(),
        st.sampled_from(("\n", "\r", "\r\n", "\\", "`", "\x00", "\ufeff", "\ud800", "\udfff", "#", "<<EOF", "FROM ")),
    )
    encodings = st.sampled_from(("utf-8", "utf-8", "utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252"))

    def encode(text: str, encoding: str, bom: bool) -> bytes:
        prefix = b"\xef\xbb\xbf" if bom else b""
        if encoding == "utf-8":
            return prefix + text.encode("utf-8", "surrogatepass")
        return prefix + text.encode(encoding, "replace" if encoding in ("latin-1", "cp1252") else "surrogatepass")

    return st.builds(encode, st.lists(alphabet, max_size=60).map("".join), encodings, st.booleans())


@functools.cache
def random_bytes() -> st.SearchStrategy[bytes]:
    """Fully random bytes, and keyword lines glued to random bytes."""
    return st.one_of(
        st.binary(max_size=200),
        st.builds(lambda head, tail: head + tail, st.sampled_from((b"FROM ", b"RUN ", b"# escape=", b"")), st.binary()),
    )


#: (head, opening, middle, closing, tail): ``head + opening * n + middle + closing * n + tail`` nests ``n`` deep.
NESTINGS: tuple[tuple[bytes, bytes, bytes, bytes, bytes], ...] = (
    (b"ARG A\nFROM python:", b"${A:-", b"3", b"}", b"\n"),
    (b"FROM python\nENV X=", b"${A:+", b"x", b"}", b"\nRUN echo $X\n"),
    (b"FROM python\nARG B=", b'"${A:-', b"x", b'}"', b"\nCOPY $B /x\n"),
    (b"FROM python\n", b"ONBUILD ", b"RUN pip install x", b"", b"\n"),
    (b"FROM python\nRUN ", b"$(", b"pip install x", b")", b"\n"),
    (b"FROM python\nRUN ", b"(", b"pip install x", b")", b"\n"),
    (b"FROM python\nRUN ", b"{ ", b"pip install x", b"; }", b"\n"),
    (b"FROM python\nRUN ", b"if true; then ", b"apt-get install x", b"; fi", b"\n"),
    (b"FROM python\nRUN echo ", b'"$(echo ', b"x", b')"', b"\n"),
    (b"FROM python\nRUN ", b"`echo ", b"x", b"`", b"\n"),
    (b"FROM python\nCMD ", b"[", b'"x"', b"]", b"\n"),
    (b"FROM python\nENTRYPOINT ", b"[ ", b'["x"]', b"", b"\n"),
    (b"FROM python\nRUN ", b"sudo env A=1 ", b"pip install x", b"", b"\n"),
    (b"FROM python\nRUN pip install x ", b"\\\n", b"", b"", b"&& true\n"),
    (b"FROM python\nRUN pip install x \\\n", b"# c\n\n", b"", b"", b"  -r r.txt\n"),
    (b"FROM python\nRUN <<EOF\n", b"bash <<E\n", b"pip install x\n", b"E\n", b"EOF\n"),
    (b"FROM python\nLABEL a=", b'"\\', b"", b'"', b"\n"),
)


def deep_nesting() -> st.SearchStrategy[bytes]:
    """Constructs nested ``n`` deep (substitutions, ONBUILD chains, ``$(...)``, JSON, heredocs...), around limits."""
    return st.builds(
        lambda nesting, depth: nesting[0] + nesting[1] * depth + nesting[2] + nesting[3] * depth + nesting[4],
        st.sampled_from(NESTINGS),
        st.sampled_from((1, 5, 31, 32, 33, 99, 100, 101, 400, 1200)),
    )


#: name -> strategy of Dockerfile bytes; :func:`fuzz_inputs` draws from all of them.
INPUT_KINDS: dict[str, st.SearchStrategy[bytes]] = {
    "grammar-valid": dockerfiles(valid=True),
    "grammar": dockerfiles(),
    "mutated-grammar": mutated(dockerfiles()),
    "mutated-seed": mutated(seeds()),
    "random-text": random_texts(),
    "random-bytes": random_bytes(),
    "deep-nesting": st.one_of(deep_nesting(), mutated(deep_nesting())),
}


def fuzz_inputs(kinds: tuple[str, ...] | None = None) -> st.SearchStrategy[FuzzInput]:
    """A :class:`FuzzInput` from one of ``kinds`` (all of :data:`INPUT_KINDS` by default)."""
    names = kinds or tuple(INPUT_KINDS)
    return st.one_of(*(INPUT_KINDS[name].map(lambda data, name=name: FuzzInput(name, data)) for name in names))


# -- build contexts -------------------------------------------------------------------------------------


@functools.cache
@st.composite
def requirement_lines(draw: Draw) -> str:
    """One line of a requirements file: a pin, an option, an include (recursive ones too), junk."""
    return draw(
        st.one_of(
            st.builds(lambda n, s: n + s, st.sampled_from(PIP_PACKAGES), st.sampled_from(PIP_SPECS)),
            st.sampled_from(
                (
                    "-r requirements.txt",
                    "-r other.txt",
                    "--requirement other.txt",
                    "-c constraints.txt",
                    "-r missing.txt",
                    "-r ../escape.txt",
                    "-r /etc/passwd",
                    "-e .",
                    "--index-url https://example.invalid",
                    "# comment",
                    "",
                    "tensorflow==2.15.0 \\",
                    "-r",
                    "${TF_VERSION}",
                    "tensorflow==${TF_VERSION}",
                    "--hash=sha256:00",
                    ".",
                )
            ),
            plain_words(),
        )
    )


@functools.cache
@st.composite
def build_contexts(draw: Draw) -> BuildContextFiles:
    """A build context holding a requirements file (and sometimes files it includes, or pyproject.toml)."""

    def requirements() -> st.SearchStrategy[bytes]:
        text = st.lists(requirement_lines(), max_size=6).map(lambda lines: "\n".join(lines).encode())
        return st.one_of(text, text, text, st.binary(max_size=64))

    files = {"requirements.txt": draw(requirements())}
    if draw(st.booleans()):
        files["other.txt"] = draw(requirements())
    if draw(st.integers(0, 3)) == 0:
        files["constraints.txt"] = draw(requirements())
    if draw(st.integers(0, 3)) == 0:
        files["pyproject.toml"] = draw(
            st.sampled_from(
                (
                    b'[project]\nname = "x"\ndependencies = ["tensorflow==2.15.0", "numpy<2"]\n',
                    b"[project]\ndependencies = 3\n",
                    b"[project\n",
                    b'[tool.poetry.dependencies]\ntensorflow = "^2.15"\n',
                    b"\xff\xfe",
                )
            )
        )
    return BuildContextFiles(files)


@functools.cache
def build_args() -> st.SearchStrategy[dict[str, str]]:
    """``--build-arg`` values: mostly none, sometimes the names the grammar uses."""
    return st.dictionaries(
        st.sampled_from(ARG_NAMES),
        st.one_of(st.sampled_from(IMAGES), st.sampled_from(("2.15.0", "12.2.0", "", "${A}", "x y"))),
        max_size=2,
    )
