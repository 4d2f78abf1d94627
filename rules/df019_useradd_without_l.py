"""DF019 useradd-without-l."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.rule import Rule, RuleContext
from tfimage_lint.shell import Command

#: UIDs from here on are "high": beyond the 16-bit range, lastlog alone grows to 19 MB and more.
HIGH_UID = 65536
#: Bytes per UID of ``/var/log/lastlog`` (``sizeof(struct lastlog)`` with glibc on 64-bit Linux).
_LASTLOG_ENTRY = 292
#: useradd's short options that take a value.
_SHORT_WITH_VALUE = frozenset("bcdefgGkKpsuRPZ")
#: useradd's long options, True when they take a value (getopt_long also accepts unique prefixes).
_LONG = {"--base-dir": True, "--btrfs-subvolume-home": False, "--comment": True, "--home-dir": True,
         "--defaults": False, "--expiredate": True, "--inactive": True, "--gid": True, "--groups": True,
         "--help": False, "--skel": True, "--key": True, "--no-log-init": False, "--create-home": False,
         "--no-create-home": False, "--no-user-group": False, "--non-unique": False, "--password": True,
         "--system": False, "--root": True, "--prefix": True, "--shell": True, "--uid": True,
         "--user-group": False, "--selinux-user": True, "--selinux-range": True, "--badname": False,
         "--badnames": False, "--add-subids-for-system": False, "--extrausers": False}  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Useradd:
    uid: str | None
    uid_known: bool
    no_log_init: bool
    defaults: bool


class UseraddWithoutL(Rule):
    """Create users with a high UID with `useradd -l`.

    ## What it does
    Reports a `useradd` that sets a UID of 65536 or more (`-u 100000`, `-u100000`, `-ou 100000`,
    `--uid 100000`, `--uid=100000`, also from a resolved ARG) without `-l` /
    `--no-log-init`, in any RUN (also behind `sudo`, inside `sh -c '...'` strings, heredoc
    RUNs and `ONBUILD RUN`). The finding points at the `useradd` command's own line inside a
    multi-line RUN. A UID that depends on a variable without a value (`-u $UID`) is unknown
    and not reported; `useradd -D` (which only changes defaults) and `adduser` (a different
    program) are not checked.

    Compared with hadolint DL3046, which reports UIDs of six digits or more (100000 and up),
    written as `-u`: this rule starts at 65536, the first UID beyond the 16-bit range (which
    already makes `/var/log/lastlog` about 19 MB), reads `--uid`, `-u100000` and ARG/ENV
    values (`ARG uid=1000` then `-u ${uid}` is a low UID; hadolint reports any UID written
    as a variable), does not report UIDs from a variable without a value (`-u $UID`), and
    reports each `useradd` (hadolint reports a RUN once) at its own line.

    ## Why is this bad?
    Without `-l`, `useradd` records the user in `/var/log/lastlog` and `/var/log/faillog`,
    files with one fixed-size entry per UID, written at the offset of the user's UID. On disk
    they are sparse, but image layers store them in full: `/var/log/lastlog` alone takes
    292 bytes for every UID up to the user's (about 29 MB for UID 100000, and hundreds of
    gigabytes for the UIDs that user-namespace setups use, until the disk fills up).

    ## Example
    ```dockerfile
    FROM python:3.11-slim
    RUN useradd --create-home --uid 100000 app
    ```

    ## Use instead
    ```dockerfile
    FROM python:3.11-slim
    RUN useradd --no-log-init --create-home --uid 100000 app
    ```
    """

    id = "DF019"
    name = "useradd-without-l"
    severity = Severity.WARNING
    see_also = ("hadolint DL3046",)

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        for stage in ctx.dockerfile.stages:
            installs = ctx.stage_facts.installs(stage)
            for command in (*installs.commands, *installs.onbuild_commands):
                if command.name != "useradd":
                    continue
                parsed = _parse(command)
                if parsed.no_log_init or parsed.defaults or not parsed.uid_known or parsed.uid is None:
                    continue
                uid = _number(parsed.uid)
                if uid is None or uid < HIGH_UID:
                    continue
                yield self.finding(
                    ctx, command.line,
                    f"`useradd` with UID {uid} and without -l (--no-log-init): it writes the user's entry at "
                    f"offset {uid} of /var/log/lastlog and /var/log/faillog, which the image layer stores in full "
                    f"(about {_size(uid * _LASTLOG_ENTRY)} for lastlog alone). Add -l",
                    column=command.column,
                )  # fmt: skip


def _parse(command: Command) -> _Useradd:
    """The UID word and the options that matter, read as getopt_long would."""
    uid: str | None = None
    uid_known = True
    no_log_init = defaults = False
    args = command.args
    index = 0
    while index < len(args):
        word = args[index]
        text = word.text
        if text == "--":
            break
        value: str | None = None
        if text.startswith("--"):
            name, has_value, attached = text.partition("=")
            option = _long_option(name)
            if option is None:
                index += 1
                continue
            if _LONG[option] and not has_value:
                index += 1
                value_known = index < len(args) and args[index].known
                value = args[index].text if index < len(args) else None
            else:
                value_known = word.known
                value = attached if has_value else None
            no_log_init = no_log_init or option == "--no-log-init"
            defaults = defaults or option == "--defaults"
            if option == "--uid":
                uid, uid_known = value, value_known
        elif text.startswith("-") and len(text) > 1 and word.known:
            for position, letter in enumerate(text[1:], start=1):
                no_log_init = no_log_init or letter == "l"
                defaults = defaults or letter == "D"
                if letter in _SHORT_WITH_VALUE:
                    attached_value = text[position + 1 :]
                    if attached_value:
                        value, value_known = attached_value, word.known
                    else:
                        index += 1
                        value = args[index].text if index < len(args) else None
                        value_known = index < len(args) and args[index].known
                    if letter == "u":
                        uid, uid_known = value, value_known
                    break
        index += 1
    return _Useradd(uid, uid_known, no_log_init, defaults)


def _long_option(name: str) -> str | None:
    """The long option ``name`` stands for (exact, or a unique prefix as getopt_long allows)."""
    if name in _LONG:
        return name
    matches = [option for option in _LONG if option.startswith(name)] if len(name) > 2 else []
    return matches[0] if len(matches) == 1 else None


def _number(text: str) -> int | None:
    text = text.strip()
    return int(text) if text.isascii() and text.isdigit() else None


def _size(size: int) -> str:
    """A byte count in rounded units: ``29 MB``, ``292 GB``."""
    for unit, scale in (("TB", 10**12), ("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.0f} {unit}"
    return f"{size} B"
