"""TF305 secret-in-build.

No message of this rule may contain a secret's value: names, hosts and variable references are
shown, values are replaced by ``****``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from tfimage_lint.analysis.environment import env_settings, word_offsets
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.dockerfile import Dockerfile, Stage
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command
from tfimage_lint.shell.command import Word
from tfimage_lint.syntax.nodes import Instruction

MASK = "****"
#: Well-known names of credentials (compared in upper case).
SECRET_NAMES = frozenset({
    "NGC_API_KEY", "NGC_CLI_API_KEY", "NGC_KEY", "HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_HUB_TOKEN",
    "HUGGINGFACE_TOKEN", "WANDB_API_KEY", "KAGGLE_KEY", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
    "GITHUB_TOKEN", "GH_TOKEN", "GITLAB_TOKEN", "CI_JOB_TOKEN", "NPM_TOKEN", "PYPI_TOKEN", "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY", "COMET_API_KEY", "NEPTUNE_API_TOKEN", "AZURE_STORAGE_KEY", "AZURE_CLIENT_SECRET",
})  # fmt: skip
#: Last words of a name that make it a credential (``HF_TOKEN``, ``DB_PASSWORD``, ``CLIENT_SECRET``).
_CREDENTIAL_WORDS = frozenset({"TOKEN", "PASSWORD", "PASSWD", "PASS", "PW", "PASSPHRASE", "APIKEY", "SECRET"})
#: ``<word>_KEY`` names that are credentials (``GPG_KEY`` is a public key fingerprint: not one of them).
_KEY_KINDS = frozenset({"API", "PRIVATE", "SECRET", "ACCOUNT", "AUTH", "ENCRYPTION", "SIGNING", "MASTER"})
#: Last words that make a name *about* a credential, not the credential (``HF_TOKEN_PATH``, ``PASSWORD_MIN_LENGTH``).
_NOT_THE_VALUE = frozenset({
    "FILE", "PATH", "DIR", "NAME", "ID", "URL", "ENABLED", "LENGTH", "TYPE", "HEADER", "MOUNT", "LOCATION",
    "ARN", "REF", "ENV", "VAR", "PREFIX", "SUFFIX", "POLICY", "EXPIRY", "TTL", "MIN", "MAX", "COUNT", "SIZE",
    "LIMIT", "HOST", "PORT", "USER", "USERNAME", "DISABLED", "REQUIRED", "HASH", "USAGE", "FORMAT",
})  # fmt: skip
#: Token formats that are credentials wherever they appear.
TOKEN_RE = re.compile(
    r"(?<![A-Za-z0-9_-])(?:hf_[A-Za-z0-9]{30,}|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,}"
    r"|glpat-[A-Za-z0-9_-]{20,}|nvapi-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9-]{10,}"
    r"|sk-(?:proj-)?[A-Za-z0-9_-]{32,}|pypi-[A-Za-z0-9_-]{40,})"
)
#: ``scheme://user:password@host`` (and ``scheme://token@host``).
URL_CREDENTIALS_RE = re.compile(
    r"(?<![A-Za-z0-9+.-])(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<user>[^\s/@:'\"]*)(?::(?P<password>[^\s/@'\"]*))?"
    r"@(?P<host>[^\s/:@'\"?#]+)"
)
_REFERENCE_RE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_NETRC_RE = re.compile(r"\bpassword\s+\S+")
_REGISTRY_CLIENTS = frozenset({"docker", "podman", "buildah", "nerdctl", "skopeo"})
_SECRET_MOUNT = "RUN --mount=type=secret"


def secret_name(name: str) -> bool:
    """True for names of credentials: ``HF_TOKEN``, ``*_PASSWORD``, ``*_SECRET*``, ``*_API_KEY``...

    Words of the name are compared whole: ``TOKENIZERS_PARALLELISM`` and ``GPG_KEY`` are not
    credentials, nor is a name that ends with a locator (``HF_TOKEN_PATH``, ``SECRETS_DIR``).
    """
    upper = name.upper()
    if upper in SECRET_NAMES:
        return True
    words = [word for word in re.split(r"[^A-Z0-9]+", upper) if word]
    if not words or words[-1] in _NOT_THE_VALUE:
        return False
    last = words[-1]
    if last in _CREDENTIAL_WORDS:
        return True
    if last == "KEY" and len(words) > 1 and words[-2] in _KEY_KINDS:
        return True
    return any(word.startswith("SECRET") for word in words)


@dataclass(frozen=True, slots=True)
class Leak:
    """A credential found in a text: how to show it (masked) and what it is."""

    shown: str
    kind: str


def url_leaks(text: str) -> list[tuple[re.Match[str], Leak]]:
    """Credentials embedded in URLs of ``text`` (``https://user:token@host``, ``https://token@host``)."""
    found: list[tuple[re.Match[str], Leak]] = []
    if "://" not in text:
        return found
    for match in URL_CREDENTIALS_RE.finditer(text):
        user, password, host = match["user"], match["password"], match["host"]
        if password:
            user_shown = MASK if TOKEN_RE.search(user) or len(user) >= 20 else user
            found.append((match, Leak(f"{match['scheme']}://{user_shown}:{MASK}@{host}", "a URL with a password")))
        elif user and ("$" in user or TOKEN_RE.fullmatch(user) or _token_like(user)):
            found.append((match, Leak(f"{match['scheme']}://{MASK}@{host}", "a URL with a token as user name")))
    return found


def _token_like(text: str) -> bool:
    """A long run of letters and digits mixed: an access token used as a URL user name."""
    return len(text) >= 20 and bool(re.fullmatch(r"[A-Za-z0-9_.~-]+", text)) and bool(re.search(r"\d", text))


def _credential_part(match: re.Match[str]) -> str:
    return match["password"] if match["password"] else match["user"]


@dataclass(frozen=True)
class _Scope:
    """Names ARG/ENV declare in a stage and the stages it is built on."""

    declared: frozenset[str]

    def exposure(self, raw: str) -> str | None:
        """Why a credential written as ``raw`` in a RUN is exposed, or None when it is not (or not known).

        A literal is in the Dockerfile and the image history; a build argument or ENV value is
        recorded too (reported at its ARG/ENV when its name says it is a credential). A command
        substitution or a variable the RUN sets itself (from a secret mount) is not judged.
        """
        if "$(" in raw or "`" in raw:
            return None
        names = _REFERENCE_RE.findall(raw)
        if not names:
            return "written in the Dockerfile and kept in the image history"
        from_build = [name for name in names if name in self.declared]
        if from_build and not all(secret_name(name) for name in from_build):
            listed = ", ".join(f"${name}" for name in from_build)
            return f"taken from {listed}, an ARG/ENV value recorded in the image history"
        return None


def _declared(ins: Instruction) -> list[str]:
    if ins.keyword == "arg":
        return [word.partition("=")[0] for word in ins.args]
    if ins.keyword == "env":
        return [ins.args[index] for index in range(0, len(ins.args) - 2, 3)]
    return []


def _scopes(dockerfile: Dockerfile, stage: Stage) -> dict[int, _Scope]:
    """For each instruction of ``stage`` (by ``id``; ONBUILD RUNs by their RUN): the names declared before it."""
    inherited: set[str] = set()
    parent = stage.base.stage_index
    seen = {stage.index}
    while parent is not None and parent not in seen and parent < len(dockerfile.stages):
        seen.add(parent)
        ancestor = dockerfile.stages[parent]
        for ins in ancestor.instructions:
            inherited.update(_declared(ins))
        parent = ancestor.base.stage_index
    scopes: dict[int, _Scope] = {}
    names = set(inherited)
    for ins in stage.instructions:
        scope = _Scope(frozenset(names))
        scopes[id(ins)] = scope
        if ins.sub is not None:
            scopes[id(ins.sub)] = scope
        names.update(_declared(ins))
    return scopes


class SecretInBuild(Rule):
    """Do not put credentials in ARG, ENV or RUN lines.

    ## What it does
    Reports, in any stage (and global `ARG`s):

    * an `ARG` or `ENV` whose name is a credential's: `NGC_API_KEY`, `NGC_CLI_API_KEY`,
      `HF_TOKEN`, `HUGGING_FACE_HUB_TOKEN`, `WANDB_API_KEY`, `KAGGLE_KEY`,
      `AWS_SECRET_ACCESS_KEY`, and any name whose last word is `TOKEN`, `PASSWORD`, `PASSWD`,
      `PASS`, `PW`, `SECRET`, `APIKEY`, or `API_KEY`/`PRIVATE_KEY`/`SECRET_KEY`..., or that holds a
      word starting with `SECRET`. Words are compared whole: `TOKENIZERS_PARALLELISM`,
      `GPG_KEY` (a public key fingerprint) and names about a credential (`HF_TOKEN_PATH`,
      `PASSWORD_MIN_LENGTH`, `SECRETS_DIR`) are not reported. An `ARG` with no value is
      reported too: it exists to receive the secret with `--build-arg`. An `ENV` with an empty
      value or a `/run/secrets/...` path is not.
    * an `ARG`/`ENV` value, or a `RUN` word, holding a URL with embedded credentials
      (`https://user:token@host` in `pip --index-url`/`--extra-index-url`, `PIP_INDEX_URL`,
      `git clone`...) or a token of a well-known format (`hf_...`, `ghp_...`, `nvapi-...`,
      `AKIA...`, `pypi-...`);
    * `docker login -p`/`--password` (also podman, buildah, nerdctl, skopeo, `helm registry
      login`), `huggingface-cli login --token`, `wandb login KEY`;
    * `ngc config set` fed a key in the same `RUN` (it writes the key to `~/.ngc/config`): an
      `echo`/`printf` whose first answer is a variable, a command substitution or a literal of a
      key's shape (not NGC's `no-apikey`), or an `NGC_CLI_API_KEY=...` prefix;
    * a `.netrc` written with a `password` (unless the same `RUN` deletes it);
    * a `NAME=value` prefix or `export NAME=value` of a credential's name with a literal value.

    A value in a `RUN` that is computed there (`$(cat /run/secrets/token)`) or comes from a
    variable the `RUN` sets itself is not reported: that is how a secret mount is used. A
    `RUN` value taken from an `ARG` whose name is already reported is not reported twice.
    Messages never show a secret's value: it is masked (`https://user:****@host`,
    `NGC_API_KEY=****`).

    ## Why is this bad?
    `ENV` values are part of the image configuration: anyone who can pull the image reads
    them with `docker inspect`. Build arguments are recorded in the image history
    (`docker history`) and the build's provenance, and anything written in a `RUN` line is in
    the Dockerfile and the history. Files a `RUN` writes (`~/.netrc`, `~/.docker/config.json`,
    `~/.ngc/config`) stay in the layer even if a later `RUN` deletes them. NGC API keys and
    Hugging Face tokens leaked this way give access to private models and registries.

    ## Example
    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    ARG NGC_API_KEY
    RUN pip install --extra-index-url https://user:s3cr3tpassw0rd@pypi.example.com/simple mypkg
    ```

    ## Use instead
    Pass secrets with `docker build --secret id=...` and read them in the one `RUN` that needs
    them: BuildKit mounts them under `/run/secrets/` (or sets an environment variable with
    `env=`) for that command only.

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:24.01-tf2-py3
    RUN --mount=type=secret,id=pip_index_url \\
        pip install --extra-index-url "$(cat /run/secrets/pip_index_url)" mypkg
    ```
    """

    id = "TF305"
    name = "secret-in-build"
    severity = Severity.ERROR
    redacts_source = True
    families = frozenset()

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        dockerfile = ctx.dockerfile
        for ins in dockerfile.preamble:
            if ins.keyword == "arg":
                yield from self._arg(ctx, ins)
        for stage in dockerfile.stages:
            for ins in stage.instructions:
                if ins.keyword == "arg":
                    yield from self._arg(ctx, ins)
            yield from self._env(ctx, stage)
            scopes = _scopes(dockerfile, stage)
            installs = ctx.stage_facts.installs(stage)
            commands = (*installs.commands, *installs.onbuild_commands)
            seen: set[tuple[int, int, str]] = set()
            for command in commands:
                scope = scopes.get(id(command.instruction), _Scope(frozenset()))
                for finding in self._command(ctx, command, commands, scope):
                    key = (finding.line, finding.column, finding.message)
                    if key not in seen:
                        seen.add(key)
                        yield finding
            for ins in stage.instructions:
                run = ins.sub if ins.keyword == "onbuild" and ins.sub is not None else ins
                if run.keyword == "run":
                    yield from self._netrc_heredoc(ctx, run, commands)

    # -- ARG and ENV ------------------------------------------------------------------------

    def _arg(self, ctx: RuleContext, ins: Instruction) -> Iterator[Finding]:
        offsets = word_offsets(ins, ins.args)
        for word, offset in zip(ins.args, offsets, strict=True):
            name, eq, default = word.partition("=")
            line, column = ins.locate(offset) if offset is not None else (ins.start_line, 1)
            end = column + len(name)
            value_leak = _value_leak(default) if eq else None
            if secret_name(name):
                if eq and default.strip("\"'"):
                    text = (
                        f"ARG {name}={MASK} writes a credential into the Dockerfile as a build argument's default: "
                        "it is in the source and in the image history"
                    )
                else:
                    text = (
                        f"ARG {name} declares a build argument for a credential: the value given with "
                        "`--build-arg` is recorded in the image history (`docker history`) and the build's "
                        "provenance, and every later RUN sees it"
                    )
            elif value_leak is not None:
                text = (
                    f"ARG {name}={value_leak.shown} puts a credential ({value_leak.kind}) in a build argument's "
                    "default: it is in the source and in the image history"
                )
            else:
                continue
            yield self.finding(ctx, line, f"{text}; {_advice(name)}", column=column, end_column=end)

    def _env(self, ctx: RuleContext, stage: Stage) -> Iterator[Finding]:
        for setting in env_settings(ctx.dockerfile, stage):
            raw = setting.raw.strip("\"'")
            if not raw or raw.startswith("/run/secrets/"):
                continue
            leak = _value_leak(setting.raw) or (_value_leak(setting.value) if setting.value else None)
            origin = ""
            if setting.references:
                origin = " (from " + ", ".join(f"${name}" for name in setting.references) + " at build time)"
            if secret_name(setting.key):
                text = f"ENV {setting.key}={MASK}{origin} stores a credential in the image configuration"
            elif leak is not None:
                text = f"ENV {setting.key}={leak.shown} stores a credential ({leak.kind}) in the image configuration"
            else:
                continue
            yield self.finding(
                ctx,
                setting.line,
                f"{text}: anyone who can pull the image reads it (`docker inspect`); {_advice(setting.key)}",
                column=setting.column,
                end_column=setting.end_column,
            )

    # -- RUN --------------------------------------------------------------------------------

    def _command(
        self, ctx: RuleContext, command: Command, commands: tuple[Command, ...], scope: _Scope
    ) -> Iterator[Finding]:
        texts = command.texts()
        name = command.name
        args = command.args
        yield from self._assignments(ctx, command)
        registry_login = (name in _REGISTRY_CLIENTS and "login" in texts[1:3]) or (
            name == "helm" and texts[1:3] == ["registry", "login"]
        )
        hub_login = (name == "huggingface-cli" and texts[1:2] == ["login"]) or (
            name == "hf" and texts[1:3] == ["auth", "login"]
        )
        login: list[Finding] = []
        if registry_login:
            login.extend(self._option_secret(ctx, command, ("-p", "--password"), scope, f"{name} login"))
        elif hub_login:
            what = "hf auth login" if name == "hf" else "huggingface-cli login"
            login.extend(self._option_secret(ctx, command, ("--token",), scope, what))
        elif name == "wandb" and texts[1:2] == ["login"]:
            positional = [word for word in args[1:] if not word.text.startswith("-")]
            if positional:
                login.extend(self._secret_word(ctx, positional[0], positional[0].raw, scope, "wandb login KEY"))
        elif name == "ngc" and texts[1:3] == ["config", "set"]:
            yield from self._ngc(ctx, command, commands)
        if login:
            yield from login  # the login's finding covers its value: no second finding for the same word
            return
        if _NETRC_RE.search(" ".join(texts[1:])) and name in ("echo", "printf"):
            yield from self._netrc(ctx, command, commands)
        for word in command.words:
            yield from self._word(ctx, word, scope)

    def _assignments(self, ctx: RuleContext, command: Command) -> Iterator[Finding]:
        for variable, value in command.assignments:
            if not value or not secret_name(variable):
                continue
            raw = _assignment_raw(ctx.dockerfile, command, variable)
            if raw is None or "$" in raw or "`" in raw or not raw.strip("\"'"):
                continue
            verb = "export " if command.name == "export" else ""
            yield self.finding(
                ctx,
                command.line,
                f"RUN {verb}{variable}={MASK} writes a credential into the RUN line: it is in the Dockerfile and the "
                f"image history; {_advice(variable)}",
                column=command.column,
            )

    def _option_secret(
        self, ctx: RuleContext, command: Command, options: tuple[str, ...], scope: _Scope, what: str
    ) -> Iterator[Finding]:
        args = command.args
        for index, word in enumerate(args):
            text = word.text
            raw: str | None = None
            used = text
            if text in options:
                raw = args[index + 1].raw if index + 1 < len(args) else None
            else:
                for option in options:
                    long_form = option.startswith("--") and text.startswith(option + "=")
                    short_form = not option.startswith("--") and text.startswith(option) and len(text) > len(option)
                    if long_form or short_form:
                        used = option
                        raw = word.raw.split("=", 1)[-1] if long_form else word.raw[len(option) :]
            if raw is not None:
                yield from self._secret_word(ctx, word, raw, scope, f"{what} {used}")
                return

    def _secret_word(self, ctx: RuleContext, word: Word, raw: str, scope: _Scope, what: str) -> Iterator[Finding]:
        why = scope.exposure(raw) if raw.strip("\"'") else None
        if why is None:
            return
        yield self.finding(
            ctx,
            word.line,
            f"`{what}` passes a credential on the command line ({MASK}, {why}); the login also stores it in a "
            f"file of the image layer; {_advice(None)}",
            column=word.column,
        )

    def _ngc(self, ctx: RuleContext, command: Command, commands: tuple[Command, ...]) -> Iterator[Finding]:
        same = [other for other in commands if other.instruction is command.instruction]
        fed = any(secret_name(variable) for variable, _ in command.assignments) or any(
            other.name in ("echo", "printf") and _answers_with_key(other) for other in same
        )
        if not fed:
            return
        if _removes(same, ".ngc"):
            return
        yield self.finding(
            ctx,
            command.line,
            "`ngc config set` is fed an NGC API key in this RUN: it writes the key to ~/.ngc/config in the image "
            "layer (and the key, or the ARG holding it, is in the image history); "
            + _advice("NGC_CLI_API_KEY")
            + " (the NGC CLI reads NGC_CLI_API_KEY, no config file needed)",
            column=command.column,
        )

    def _netrc(self, ctx: RuleContext, command: Command, commands: tuple[Command, ...]) -> Iterator[Finding]:
        ins = command.instruction
        same = [other for other in commands if other.instruction is ins]
        if ".netrc" not in ins.original or _removes(same, ".netrc"):
            return
        yield self.finding(ctx, command.line, _NETRC_MESSAGE, column=command.column)

    def _netrc_heredoc(self, ctx: RuleContext, run: Instruction, commands: tuple[Command, ...]) -> Iterator[Finding]:
        if ".netrc" not in run.original:
            return
        same = [other for other in commands if other.instruction is run]
        if _removes(same, ".netrc"):
            return
        for heredoc in run.heredocs:
            match = _NETRC_RE.search(heredoc.content)
            if match is None or not re.search(r"\b(?:machine|default|login)\b", heredoc.content):
                continue
            line = heredoc.start_line + heredoc.content.count("\n", 0, match.start())
            yield self.finding(ctx, line, _NETRC_MESSAGE)

    def _word(self, ctx: RuleContext, word: Word, scope: _Scope) -> Iterator[Finding]:
        leaks = url_leaks(word.raw)
        for match, leak in leaks:
            why = scope.exposure(_credential_part(match))
            if why is None:
                continue
            yield self.finding(
                ctx,
                word.line,
                f"{leak.shown} puts a credential in a RUN ({leak.kind}, {why}); {_advice(None)}",
                column=word.column,
            )
        if leaks:
            return
        for match in TOKEN_RE.finditer(word.raw):
            yield self.finding(
                ctx,
                word.line,
                f"a {_token_kind(match.group(0))} ({match.group(0)[:3]}{MASK}) is written in a RUN: it is in the "
                f"Dockerfile and the image history; {_advice(None)}",
                column=word.column,
            )
            return


_NETRC_MESSAGE = (
    "this RUN writes a password into .netrc: the file stays in the image layer, even if a later RUN deletes it; "
    "mount it for the one command that needs it instead: "
    "RUN --mount=type=secret,id=netrc,target=/root/.netrc ..."
)


def _advice(name: str | None) -> str:
    if name:
        secret_id = name.lower()
        mount = f"{_SECRET_MOUNT},id={secret_id},env={name} ..."
        return f"pass it with `docker build --secret id={secret_id}` and `{mount}`"
    return f"pass it with `docker build --secret id=...` and `{_SECRET_MOUNT},id=...` in the RUN that needs it"


def _value_leak(raw: str | None) -> Leak | None:
    if not raw:
        return None
    leaks = url_leaks(raw)
    if leaks:
        return leaks[0][1]
    match = TOKEN_RE.search(raw)
    if match:
        return Leak(f"{match.group(0)[:3]}{MASK}", _token_kind(match.group(0)))
    return None


def _token_kind(token: str) -> str:
    kinds = (("hf_", "Hugging Face token"), ("gh", "GitHub token"), ("github_pat_", "GitHub token"),
             ("glpat-", "GitLab token"), ("nvapi-", "NVIDIA API key"), ("AKIA", "AWS access key"),
             ("xox", "Slack token"), ("sk-", "API key"), ("pypi-", "PyPI token"))  # fmt: skip
    for prefix, kind in kinds:
        if token.startswith(prefix):
            return kind
    return "token"


def _answers_with_key(command: Command) -> bool:
    """An ``echo``/``printf`` whose first answer (text before the first newline) looks like an API key.

    A variable or command substitution counts (the key comes from the build), a literal counts
    when it has a key's shape; ``echo "no-apikey\\nascii"`` (NGC's own "no key" answer) does not.
    """
    args = list(command.args)
    while len(args) > 1 and args[0].text.startswith("-"):
        args.pop(0)
    if not args:
        return False
    first = re.split(r"\\n|\n", args[0].raw.strip("\"'"), maxsplit=1)[0]
    return "$" in first or "`" in first or bool(TOKEN_RE.search(first) or re.search(r"[A-Za-z0-9+/=_-]{32,}", first))


def _removes(commands: list[Command], suffix: str) -> bool:
    """One of ``commands`` deletes a path ending with ``suffix`` (``rm ~/.netrc``)."""
    return any(
        command.name in ("rm", "shred", "unlink")
        and any(word.text.rstrip("/").endswith(suffix) for word in command.args)
        for command in commands
    )


def _assignment_raw(dockerfile: Dockerfile, command: Command, variable: str) -> str | None:
    """The value of ``variable=`` as written before ``command`` on its line (None when not found)."""
    text = dockerfile.source_line(command.line)
    match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(variable)}=(\S*)", text[max(command.column - 1, 0) :])
    if match is None:
        match = re.search(rf"(?<![A-Za-z0-9_]){re.escape(variable)}=(\S*)", text)
    return match.group(1) if match else None
