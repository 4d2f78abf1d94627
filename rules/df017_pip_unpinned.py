"""DF017 pip-unpinned."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import Stage
from tfimage_lint.packages import PipCommand, Requirement, parse_pip
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command

#: Specifier operators that bound the version from above (an exact pin, a compatible release, a cap).
_BOUNDING = frozenset({"==", "===", "~=", "<", "<="})
_ARCHIVES = (".whl", ".tar.gz", ".tgz", ".tar.bz2", ".zip")
_EXTRAS_RE = re.compile(r"\[[^\]]*\]$")
_VCS_PREFIXES = ("git+", "hg+", "svn+", "bzr+", "git://")


class PipUnpinned(Rule):
    """Pin the versions of the Python packages you install with pip.

    ## What it does
    Reports each package a `pip install` (or `uv pip install`) installs without a version,
    whether named on the command line or in a requirements file the install reads (`-r`,
    nested `-r` included, followed through the build context): a finding about a file's line
    points at the pip command and names the file and line (`requirements.txt:3`).

    A requirement counts as pinned when it has:

    - a version specifier that bounds it from above: `==1.2.3`, `==1.2.*`, `===1.2.3`,
      `~=1.2`, or a cap such as `<2` / `>=1.4,<2`. A lower bound alone (`>=1.4`, `>1`, `!=1.3`)
      is not a pin;
    - a direct reference: `name @ https://...`, a URL to an archive or wheel, or a VCS URL
      that names a revision (`git+https://github.com/org/repo@v1.2.0`). A VCS URL without
      `@<tag or commit>` follows a branch and is reported;
    - a local path, project or wheel (`.`, `-e .`, `-e "python[all]"`, `./dist/pkg-1.0-py3-none-any.whl`,
      `pkg-1.0-py3-none-any.whl[extra]`);
    - a pinned entry for its name in a constraints file (`-c constraints.txt`, or
      `PIP_CONSTRAINT`, nested `-c` lines included).

    Not reported: requirements that depend on a variable without a value (`$PKGS`), words
    that do not parse as requirements, the dependencies of a local project
    (`pip install .` reads `pyproject.toml`, whose ranges are the project's business), and
    every requirement of an install whose constraints file cannot be read from the build
    context (it may pin them). A requirements file that cannot be read is unknown and not
    reported either. Upgrading the installer itself (`pip install -U pip setuptools wheel`)
    is reported like any other package: new releases of pip and setuptools have broken
    builds (setuptools 58 dropped `use_2to3`), so pin them too. `ONBUILD RUN` installs are
    checked on their command line.

    Compared with hadolint DL3013, which checks only the command line: this rule also checks
    requirements files, accepts a constraints file only when it pins the package, reports
    `>=` without an upper bound (hadolint accepts any version operator), accepts a pinned VCS
    URL, skips unknown words (`$PKGS`, which hadolint reports), also checks `uv pip install`,
    and reports each unpinned requirement (hadolint reports a RUN once) at the requirement's
    own line and column inside a multi-line RUN.

    ## Why is this bad?
    An unpinned package resolves to whatever release is newest on the day of the build. Two
    builds of the same Dockerfile then install different code, and a new major release (or a
    release that drops support for the image's Python or its TensorFlow) breaks a build
    that worked yesterday, with nothing changed in the repository.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir flask 'requests>=2.31'
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN pip install --no-cache-dir flask==3.0.3 'requests~=2.31.0'
    ```
    """

    id = "DF017"
    name = "pip-unpinned"
    severity = Severity.WARNING
    see_also = ("hadolint DL3013",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            for install in installs.pip:
                if not install.pip.is_install:
                    continue
                if any(followed.constraint and not followed.found for followed in install.files):
                    continue  # an unreadable constraints file may pin everything
                constrained = {constraint.name for constraint in install.constraints if _pinned(constraint)}
                for requirement in install.requirements:
                    if _reportable(requirement) and requirement.name not in constrained:
                        yield self._finding(ctx, install.pip, requirement)
            for command in installs.onbuild_commands:
                pip = parse_pip(command)
                if pip is None or not pip.is_install or pip.constraint_files:
                    continue
                if "PIP_CONSTRAINT" in dict(command.assignments) or _stage_constraint(stage, command):
                    continue
                for requirement in pip.requirements:
                    if _reportable(requirement):
                        yield self._finding(ctx, pip, requirement)

    def _finding(self, ctx: RuleContext, pip: PipCommand, requirement: Requirement) -> Finding:
        tool = "uv pip install" if pip.tool == "uv" else "pip install"
        source = f" (from {requirement.where})" if requirement.where else ""
        name = requirement.name or "the package"
        if requirement.url:
            why = "a VCS URL without a revision follows a branch, so each build can get other code"
            fix = "Add `@<tag or commit>` to the URL"
        elif requirement.specifier:
            why = f"`{requirement.specifier}` has no upper bound, so each build installs the newest release"
            fix = f"Pin it (`{name}=={{version}}`, `{name}~={{version}}`) or pin it in a constraints file (-c)"
        else:
            why = "no version is given, so each build installs whatever release is newest then"
            fix = f"Pin it (`{name}=={{version}}`) or pin it in a constraints file (-c)"
        return self.finding(
            ctx, requirement.line, f"`{tool} {requirement.raw}`{source}: {why}. {fix.format(version='<version>')}",
            column=requirement.column,
        )  # fmt: skip


def _reportable(requirement: Requirement) -> bool:
    """A known, parsed requirement that is not pinned (and not a local project's dependency)."""
    if not requirement.known or not requirement.valid or _pinned(requirement):
        return False
    if requirement.file and posixpath.basename(requirement.file) == "pyproject.toml":
        return False
    return bool(requirement.name) or requirement.url is not None


def _pinned(requirement: Requirement) -> bool:
    """An upper-bounding specifier, a direct reference (VCS ones with a revision) or a local path."""
    if requirement.path is not None or _local_archive(requirement.raw):
        return True
    if requirement.editable and requirement.url is None:
        return True  # `-e` takes a local project folder (`-e "python[all]"`) or a VCS URL
    if requirement.url is not None:
        return not _is_vcs(requirement.url) or _has_revision(requirement.url)
    specifiers = requirement.specifier_set()
    if specifiers is None:
        return True  # does not parse: unknown, not reported
    return any(specifier.operator in _BOUNDING for specifier in specifiers)


def _local_archive(raw: str) -> bool:
    """A wheel or sdist file with extras (``dist/pkg-1.0-py3-none-any.whl[all]``), which pip reads as a path."""
    base = _EXTRAS_RE.sub("", raw.strip())
    return "@" not in base and base.lower().endswith(_ARCHIVES)


def _is_vcs(url: str) -> bool:
    return url.lower().startswith(_VCS_PREFIXES)


def _has_revision(url: str) -> bool:
    """``git+https://host/org/repo@v1.0#egg=x`` names a revision after ``@`` in the path."""
    address = url.split("+", 1)[1] if "+" in url.split("://", 1)[0] else url
    try:
        path = urlsplit(address).path
    except ValueError:
        return True  # unknown: not reported
    return "@" in path and bool(path.rsplit("@", 1)[-1])


def _stage_constraint(stage: Stage, command: Command) -> bool:
    """``PIP_CONSTRAINT`` set by an ENV/ARG before the ONBUILD instruction."""
    return bool(stage.environment_before(command.instruction, onbuild=True).get("PIP_CONSTRAINT"))
