"""DF009 add-instead-of-copy."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell.script import missing_variables
from tfimage_lint.syntax.nodes import Instruction
from tfimage_lint.syntax.shell_lex import ShellError, ShellLex

#: ``scheme://`` sources (http, https, git, ssh...) and scp-like git remotes ADD fetches.
_REMOTE_RE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9+.-]*://|git@)")
#: Names of files ADD may extract. BuildKit detects a tar archive by content after an optional
#: gzip, bzip2, xz or zstd decompression, so a bare ``.gz``/``.bz2``/``.xz``/``.zst`` may be one.
ARCHIVE_SUFFIXES = (
    ".tar", ".tgz", ".taz", ".tbz", ".tbz2", ".tb2", ".txz", ".tzst", ".gz", ".bz2", ".xz", ".zst",
)  # fmt: skip
#: Compressions BuildKit does NOT decompress, and other packages: ADD copies such files as they are.
NOT_EXTRACTED_SUFFIXES = (
    ".lz", ".lzma", ".tlz", ".z", ".tz", ".tpz", ".lz4", ".lzo", ".7z", ".zip", ".rar", ".whl", ".jar",
)  # fmt: skip
_FALSE = frozenset({"false", "0", "no", "off"})


def _expanded(word: str, env: Mapping[str, str], escape: str) -> str | None:
    """A source after quote and variable processing; None when it depends on an unknown value."""
    try:
        result = ShellLex(escape).process(word, env)
    except ShellError:
        return None
    if missing_variables(result):
        return None
    return result.result


def is_archive(source: str) -> bool:
    """True when ADD may extract ``source`` (judged by its name, case-insensitively)."""
    return source.lower().rstrip("/").endswith(ARCHIVE_SUFFIXES)


def _suffix(source: str) -> str:
    """The suffix of a file BuildKit copies unextracted although it looks like an archive, or ``""``."""
    lowered = source.lower()
    for suffix in NOT_EXTRACTED_SUFFIXES:
        if lowered.endswith(suffix):
            return suffix
    return ""


def _local_sources(ins: Instruction, env: Mapping[str, str], escape: str) -> list[str]:
    """The sources of an ADD that are plain local files or folders (ADD adds nothing to them)."""
    unpack = ins.flag_value("unpack")
    no_unpack = unpack is not None and unpack.lower() in _FALSE
    local = []
    for word in ins.args[:-1]:
        if word.startswith("<<") and not ins.is_json:
            local.append(word)  # an inline heredoc file: COPY writes it the same way
            continue
        source = _expanded(word, env, escape)
        if not source or _REMOTE_RE.match(source):
            continue
        if is_archive(source) and not no_unpack:
            continue
        local.append(source)
    return local


class AddInsteadOfCopy(Rule):
    """Use `COPY`, not `ADD`, for local files and folders.

    ## What it does
    Reports an `ADD` that has a local file or folder among its sources. Sources ADD does
    something special with are fine: URLs (`http://`, `https://`, `git://`, `ssh://`,
    `git@host:repo.git`) and local tar archives it extracts (`.tar`, `.tar.gz`/`.tgz`,
    `.tar.bz2`/`.tbz2`, `.tar.xz`/`.txz`, `.tar.zst`/`.tzst`, and bare `.gz`/`.bz2`/`.xz`/`.zst`,
    which BuildKit also extracts when the content is a tar). Variables are expanded with the
    known `ARG`/`ENV` values; a source whose value is unknown is skipped. With several
    sources, the `ADD` is reported when any of them is a plain local file. A heredoc source
    (`ADD <<EOF /dest`) is reported too: `COPY <<EOF` writes the same file. An
    `ADD --unpack=false` of an archive copies it as is, so it is reported. An `ONBUILD ADD`
    of a local source is reported at the `ONBUILD` line (it runs in every child build).

    Differences from hadolint DL3020: archive names are matched case-insensitively and
    `.tar.zst`/`.tzst` count as archives (BuildKit extracts zstd tarballs); `.lz`, `.lzma`, `.Z`
    and `.zip` do not count (BuildKit copies those unchanged, so `ADD` only misleads); `git@`,
    `git://` and `ssh://` sources are remote (BuildKit clones them); known variables are
    expanded (`ADD $MODEL_URL /m/` with a URL value is fine) and a source whose value is
    unknown is skipped, where hadolint reports it; heredoc sources and `ONBUILD ADD` are reported.

    ## Why is this bad?
    `ADD` fetches URLs and silently extracts tar archives; for a local file or folder it does
    the same as `COPY` but hides that intent, and a file that later turns into an archive
    changes what lands in the image. `COPY` does exactly one thing.

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    ADD requirements.txt /app/
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    COPY requirements.txt /app/
    ADD https://example.com/model.tar.gz /models/
    ADD weights.tar.gz /models/
    ```
    """

    id = "DF009"
    name = "add-instead-of-copy"
    severity = Severity.ERROR
    families = frozenset()
    see_also = ("hadolint DL3020",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        escape = ctx.dockerfile.syntax.escape_token
        for stage in ctx.dockerfile.stages:
            for position, ins in enumerate(stage.instructions):
                if ins.keyword == "onbuild" and ins.sub is not None and ins.sub.keyword == "add":
                    # runs in the child build, whose ARG/ENV values are unknown here
                    target, env, where = ins.sub, {}, "ONBUILD "
                elif ins.keyword == "add":
                    target, env, where = ins, stage.environment_at(position), ""
                else:
                    continue
                if len(target.args) < 2:
                    continue
                local = _local_sources(target, env, escape)
                if local:
                    yield self.finding(ctx, ins, where + _message(local))


def _message(local: list[str]) -> str:
    names = ", ".join(repr(source) for source in local[:3]) + (", ..." if len(local) > 3 else "")
    kind = "a local source" if len(local) == 1 else "local sources"
    message = (
        f"ADD with {kind} ({names}): use COPY, which only copies; keep ADD for URLs and tar archives it should extract"
    )
    unextracted = sorted({_suffix(source) for source in local if _suffix(source)})
    if unextracted:
        message += f" (ADD does not extract {', '.join(unextracted)} files: it copies them as they are)"
    return message
