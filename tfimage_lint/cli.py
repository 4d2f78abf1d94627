"""Command-line interface: ``tfimage-lint [OPTIONS] PATH...`` and the ``rules``/``explain``/``parse`` commands.

Heavy modules are imported inside the commands so that ``--version`` and ``--help`` start fast.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from tfimage_lint import __version__
from tfimage_lint.batch import JOBS_ENV, POOL_MIN_FILES

if TYPE_CHECKING:
    from tfimage_lint.baseline import Baseline
    from tfimage_lint.registry import RuleRegistry

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROG = "tfimage-lint"


#: Sub-commands imported only when they run (``name -> "module:attribute"``), to keep start-up lean.
_LAZY_COMMANDS = {
    "probe": "tfimage_lint.smoke.probe_cli:probe",
    "smoke": "tfimage_lint.smoke.smoke_cli:smoke",
}


class _DefaultCommandGroup(click.Group):
    """A group that runs ``check`` when the first argument is not a sub-command; some commands load lazily."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        known = args and (args[0] in self.commands or args[0] in _LAZY_COMMANDS)
        if not args or (not known and args[0] not in ("--help", "-h", "--version")):
            args = ["check", *args]
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *_LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in _LAZY_COMMANDS and cmd_name not in self.commands:
            import importlib

            module_name, attribute = _LAZY_COMMANDS[cmd_name].split(":")
            self.add_command(getattr(importlib.import_module(module_name), attribute), cmd_name)
        return super().get_command(ctx, cmd_name)


def _stderr(level: str, message: str) -> None:
    from tfimage_lint.reporters.escape import escape_control

    click.echo(f"{PROG}: {level}: {escape_control(message)}", err=True)


def _fail(message: str) -> NoReturn:
    _stderr("error", message)
    sys.exit(EXIT_ERROR)


def _write(text: str, output: str | None) -> None:
    if output:
        try:
            Path(output).write_text(text, encoding="utf-8")
        except OSError as exc:
            _fail(f"cannot write {output}: {exc.strerror or exc}")
        return
    stream = sys.stdout
    encoding = getattr(stream, "encoding", None) or "utf-8"
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        stream.flush()
        buffer.write(text.encode(encoding, "backslashreplace"))
        buffer.flush()
    else:
        stream.write(text)


def parse_build_args(values: Iterable[str]) -> dict[str, str]:
    """``NAME=VALUE`` pairs; a bare ``NAME`` takes its value from the environment, as docker does."""
    build_args: dict[str, str] = {}
    for value in values:
        name, eq, arg_value = value.partition("=")
        if not name:
            raise click.BadParameter(f"{value!r} is not NAME=VALUE", param_hint="--build-arg")
        if eq:
            build_args[name] = arg_value
        elif name in os.environ:
            build_args[name] = os.environ[name]
    return build_args


def _output_plan(formats: Sequence[str], outputs: Sequence[str]) -> list[tuple[str, str | None]]:
    """Pair each --format with the --output at the same position; the rest go to standard output."""
    formats = list(formats) or ["text"]
    if len(outputs) > len(formats):
        _fail("more --output than --format options: give each --output its --format")
    plan = [(name, outputs[index] if index < len(outputs) else None) for index, name in enumerate(formats)]
    if sum(output is None for _, output in plan) > 1:
        _fail("several --format options would write to standard output: give all but one an --output FILE")
    return plan


def _strictest(thresholds: Sequence[str]) -> str | None:
    """The most demanding fail-on of the runs (``info`` < ``warning`` < ``error`` < ``never``)."""
    order = ("info", "warning", "error", "never")
    return min(thresholds, key=order.index) if thresholds else None


def _utc_now() -> str:
    """The current UTC time in ISO 8601 with a ``Z``, as SARIF wants it."""
    import datetime

    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _folder_of(path: str) -> str:
    """The absolute folder holding ``path``."""
    return os.path.dirname(os.path.abspath(path))


def _load_baseline(path: str) -> Baseline:
    """The baseline in ``path``; its paths are relative to its own folder, so it works from any directory."""
    from tfimage_lint.baseline import Baseline, BaselineError

    try:
        return Baseline.load(path, _folder_of(path))
    except BaselineError as exc:
        _fail(str(exc))


def _split_tokens(values: Sequence[str]) -> list[str]:
    return [token.strip() for value in values for token in value.split(",") if token.strip()]


def _load_registry() -> RuleRegistry:
    from tfimage_lint.registry import RuleLoadError, load_registry

    try:
        return load_registry()
    except RuleLoadError as exc:
        _fail(str(exc))


def _color_enabled(no_color: bool, output: str | None, output_format: str) -> bool:
    if no_color or output or output_format != "text" or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


@click.group(cls=_DefaultCommandGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name=PROG)
def main() -> None:
    """Lint Dockerfiles of TensorFlow GPU images (NGC, Docker Hub, nvidia/cuda and python bases).

    Run `tfimage-lint PATH...` to lint files or directories (the `check` command).
    """


@main.command("check")
@click.argument("paths", nargs=-1, required=True)
@click.option(
    "--format",
    "output_formats",
    type=click.Choice(["text", "json", "sarif", "github", "junit", "gitlab", "checkstyle"]),
    multiple=True,
    help="Output format (default text); repeat with --output for several: --format sarif -o r.sarif --format text.",
)
@click.option(
    "--output",
    "-o",
    "outputs",
    metavar="FILE",
    multiple=True,
    help="Write the report of the matching --format (same position) to FILE; formats without one go to stdout.",
)
@click.option("--sarif-category", default="tfimage-lint/", show_default=True, help="SARIF automationDetails.id.")
@click.option("--sarif-include-suppressed", is_flag=True, help="Emit suppressed findings in SARIF (kind inSource).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    default=None,
    help="Exit 1 when a finding has at least this severity (default: the configuration's, else warning).",
)
@click.option("--config", "config_file", metavar="FILE", help="Use this configuration file (no discovery).")
@click.option("--policy", metavar="NAME", help="Use a shipped policy preset: default, strict, ngc, workstation.")
@click.option("--isolated", is_flag=True, help="Ignore every configuration file: built-in defaults only.")
@click.option("--baseline", "baseline_file", metavar="FILE", help="Hide the findings recorded in FILE.")
@click.option("--write-baseline", metavar="FILE", help="Record the current findings in FILE (then exit 0).")
@click.option("--baseline-report", is_flag=True, help="List baseline entries that no longer match (stale).")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="Set a build arg (repeatable).")
@click.option("--select", multiple=True, metavar="RULES", help="Only these rules: ids, names or id prefixes.")
@click.option("--ignore", multiple=True, metavar="RULES", help="Skip these rules: ids, names or id prefixes.")
@click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set).")
@click.option("--quiet", "-q", is_flag=True, help="Only the finding lines: no source excerpts, no summary.")
@click.option("--stdin-filename", metavar="NAME", help="Name to show for standard input ('-').")
@click.option(
    "--context",
    "context_dir",
    metavar="DIR",
    type=click.Path(exists=True, file_okay=False),
    help="Build context where COPY sources and requirement files are read (default: each Dockerfile's folder).",
)
@click.option("--driver", metavar="VERSION", help="The fleet's NVIDIA driver version (enables TF401).")
@click.option(
    "--compute-capability",
    "compute_capabilities",
    multiple=True,
    metavar="CC[,CC...]",
    help="The fleet's GPU compute capabilities, e.g. 8.0,9.0 (enables TF402).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help=f"Processes for many files (default: ${JOBS_ENV} or the CPU count; 1: one process). "
    f"Fewer than {POOL_MIN_FILES} files always use one process.",
)
@click.version_option(__version__, prog_name=PROG)
def check(
    paths: tuple[str, ...],
    output_formats: tuple[str, ...],
    outputs: tuple[str, ...],
    sarif_category: str,
    sarif_include_suppressed: bool,
    fail_on: str | None,
    config_file: str | None,
    policy: str | None,
    isolated: bool,
    baseline_file: str | None,
    write_baseline: str | None,
    baseline_report: bool,
    build_args: tuple[str, ...],
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    no_color: bool,
    quiet: bool,
    stdin_filename: str | None,
    context_dir: str | None,
    driver: str | None,
    compute_capabilities: tuple[str, ...],
    jobs: int | None,
) -> None:
    """Lint Dockerfiles; a directory is searched for Dockerfile-like names, '-' reads stdin.

    Settings come from the command line, then a configuration file (`.tfimage-lint.yaml`, `.yml`,
    `.toml` or `[tool.tfimage-lint]` in `pyproject.toml`, searched from each file's folder up to
    the repository root), then the policy it extends, then built-in defaults.
    """
    from tfimage_lint.config.chooser import ConfigChooser
    from tfimage_lint.findings import Severity
    from tfimage_lint.settings import CommandLine

    if sum(bool(option) for option in (config_file, policy, isolated)) > 1:
        _fail("--config, --policy and --isolated exclude each other")
    plan = _output_plan(output_formats, outputs)
    started = _utc_now()
    registry = _load_registry()
    chooser = ConfigChooser(registry, config_file=config_file, policy=policy, isolated=isolated)
    cli = CommandLine(
        select=tuple(_split_tokens(select)) or None,
        ignore=tuple(_split_tokens(ignore)) or None,
        fail_on=fail_on,
        build_args=parse_build_args(build_args),
        driver=driver,
        compute_capabilities=compute_capabilities,
        context_dir=context_dir,
    )
    from tfimage_lint.inputs import collect_targets

    targets = collect_targets(paths)
    for warning in targets.warnings:
        _stderr("warning", warning)
    if baseline_report and not baseline_file:
        _fail("--baseline-report needs --baseline FILE")
    baseline = _load_baseline(baseline_file) if baseline_file else None
    from tfimage_lint.batch import BatchError, lint_targets

    try:
        batch = lint_targets(chooser, cli, targets.files, stdin_filename, jobs)
    except BatchError as exc:
        _fail(str(exc))
    results, read_errors, ran = batch.results, batch.errors, batch.ran
    if write_baseline:
        from tfimage_lint.baseline import Baseline, BaselineError

        try:
            reports_now = [report for report, _ in results]
            Baseline.from_reports(reports_now, _folder_of(write_baseline)).write(write_baseline)
        except BaselineError as exc:
            _fail(str(exc))
        count = sum(len(report.findings) for report, _ in results)
        _stderr("info", f"recorded {count} finding(s) in {write_baseline}")
        sys.exit(EXIT_ERROR if targets.errors or read_errors else EXIT_OK)
    if baseline is not None:
        outcome = baseline.filter([report for report, _ in results], checked_rules=ran)
        results = [(report, threshold) for report, (_, threshold) in zip(outcome.reports, results, strict=True)]
        if baseline_report:
            from tfimage_lint.baseline import format_stale_report

            for line in format_stale_report(outcome.stale, outcome.hidden).splitlines():
                _stderr("baseline", line)
    reports = [report for report, _ in results]
    io_errors = targets.errors + read_errors
    failing = any(
        threshold != "never" and finding.severity.rank >= Severity(threshold).rank
        for report, threshold in results
        for finding in report.findings
    )
    exit_code = EXIT_ERROR if io_errors else (EXIT_FINDINGS if failing else EXIT_OK)
    if reports or not io_errors:
        from tfimage_lint.reporters.context import RenderContext
        from tfimage_lint.reporters.dispatch import render

        ctx = RenderContext(
            rules=tuple(rule for rule in registry.rules if rule.id in ran),
            exit_code=exit_code,
            fail_on=_strictest([threshold for _, threshold in results]) or fail_on or "warning",
            root=os.getcwd(),
            errors=tuple(io_errors),
            command_line=tuple(sys.argv),
            start_time=started,
            end_time=_utc_now(),
            sarif_category=sarif_category,
            include_suppressed=sarif_include_suppressed,
            quiet=quiet,
        )
        for output_format, output in plan:
            color = output_format == "text" and _color_enabled(no_color, output, output_format)
            _write(render(output_format, reports, replace(ctx, color=color)), output)
    for message in io_errors:
        _stderr("error", message)
    sys.exit(exit_code)


@main.command("config")
@click.argument("path", required=False, default=".")
@click.option("--config", "config_file", metavar="FILE", help="Show this configuration file (no discovery).")
@click.option("--policy", metavar="NAME", help="Show a shipped policy preset: default, strict, ngc, workstation.")
@click.option("--isolated", is_flag=True, help="Show the built-in defaults.")
def show_config(path: str, config_file: str | None, policy: str | None, isolated: bool) -> None:
    """Print the effective configuration for PATH (a Dockerfile or folder) and where each value came from."""
    from tfimage_lint.config.chooser import ConfigChooser
    from tfimage_lint.config.describe import describe
    from tfimage_lint.config.errors import ConfigError

    if sum(bool(option) for option in (config_file, policy, isolated)) > 1:
        _fail("--config, --policy and --isolated exclude each other")
    registry = _load_registry()
    chooser = ConfigChooser(registry, config_file=config_file, policy=policy, isolated=isolated)
    target = os.path.join(path, "Dockerfile") if os.path.isdir(path) else path
    try:
        config = chooser.for_path(target)
    except ConfigError as exc:
        _fail(str(exc))
    _write(describe(config, registry), None)


@main.command("rules")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def list_rules(output_format: str) -> None:
    """List every rule: id, name, severity, base families."""
    import json

    registry = _load_registry()
    rows = [
        {
            "id": rule.id,
            "name": rule.name,
            "severity": rule.severity.value,
            "families": sorted(rule.families),
            "default_enabled": rule.default_enabled,
            "see_also": list(rule.see_also),
            "summary": rule.summary(),
        }
        for rule in registry.rules
    ]
    if output_format == "json":
        _write(json.dumps(rows, indent=2) + "\n", None)
        return
    width = max(len(row["name"]) for row in rows)
    families = {row["id"]: ",".join(row["families"]) or "all" for row in rows}
    family_width = max(len("FAMILIES"), *(len(text) for text in families.values()))
    see_also = {row["id"]: ", ".join(row["see_also"]) or "-" for row in rows}
    see_width = max(len("SEE ALSO"), *(len(text) for text in see_also.values()))
    lines = [
        f"{'ID':<6} {'NAME':<{width}} {'SEVERITY':<8} {'FAMILIES':<{family_width}} {'SEE ALSO':<{see_width}} SUMMARY"
    ]
    for row in rows:
        severity = row["severity"] if row["default_enabled"] else f"{row['severity']}*"
        lines.append(
            f"{row['id']:<6} {row['name']:<{width}} {severity:<8} "
            f"{families[row['id']]:<{family_width}} {see_also[row['id']]:<{see_width}} {row['summary']}"
        )
    lines.append("* off by default: runs only when selected by its exact id or name")
    _write("\n".join(lines) + "\n", None)


@main.command("explain")
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation of a rule, by id or name."""
    registry = _load_registry()
    found = registry.lookup(rule)
    if found is None:
        _fail(f"unknown rule {rule!r} (see `tfimage-lint rules`)")
    families = ", ".join(sorted(found.families)) or "all"
    header = f"{found.id} {found.name} ({found.severity.value}; base families: {families})"
    extra = f"See also: {', '.join(found.see_also)}\n\n" if found.see_also else ""
    off = "" if found.default_enabled else "Off by default: select it by its exact id or name.\n\n"
    context = "\n".join(found.example_context_lines())
    _write(f"{header}\n{'=' * len(header)}\n\n{off}{extra}{found.docs()}\n" + (f"\n{context}" if context else ""), None)


@main.command("parse")
@click.argument("path")
@click.option("--build-arg", "build_args", multiple=True, metavar="NAME=VALUE", help="Set a build arg (repeatable).")
def parse(path: str, build_args: tuple[str, ...]) -> None:
    """Print the parsed model of a Dockerfile as JSON (exit 1 when it has parse errors)."""
    import json

    from tfimage_lint.dump import dockerfile_to_dict
    from tfimage_lint.inputs import InputError, read_input
    from tfimage_lint.model.build import build_model
    from tfimage_lint.syntax.parser import parse_dockerfile

    try:
        data = read_input(path)
    except InputError as exc:
        _fail(str(exc))
    model = build_model(parse_dockerfile(data), path, parse_build_args(build_args))
    document = dockerfile_to_dict(model)
    _write(json.dumps(document, indent=2, ensure_ascii=True) + "\n", None)
    sys.exit(EXIT_FINDINGS if document["errors"] else EXIT_OK)


@main.command("base")
@click.argument("image")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def base(image: str, output_format: str) -> None:
    """What the knowledge base knows about an image: family, stack, driver, dates, problems, sources."""
    import json

    from tfimage_lint.describe import describe, public, render_base
    from tfimage_lint.model.imageref import ImageRefError

    try:
        document = describe(image)
    except ImageRefError as exc:
        _fail(f"{image}: {exc}")
    if output_format == "json":
        _write(json.dumps(public(document), indent=2, ensure_ascii=True) + "\n", None)
    else:
        _write(render_base(document), None)


@main.command("compare")
@click.argument("images", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--no-color", is_flag=True, help="No colours (also when NO_COLOR is set).")
def compare(images: tuple[str, ...], output_format: str, no_color: bool) -> None:
    """Two images side by side; with one image, its closest counterpart in the other family (NGC <-> Docker Hub)."""
    import json

    from tfimage_lint.describe import compare as compare_images
    from tfimage_lint.describe import compare_public, render_compare
    from tfimage_lint.model.imageref import ImageRefError

    if len(images) > 2:
        _fail("compare takes one or two images")
    try:
        result = compare_images(images[0], images[1] if len(images) == 2 else None)
    except (ImageRefError, LookupError) as exc:
        _fail(str(exc))
    if output_format == "json":
        _write(json.dumps(compare_public(result), indent=2, ensure_ascii=True) + "\n", None)
    else:
        _write(render_compare(result, color=_color_enabled(no_color, None, "text")), None)


def run(prog_name: str = PROG) -> NoReturn:
    """The console script: run the CLI, then leave without the interpreter's teardown.

    Freeing the few hundred modules a run has loaded takes longer than a small file's lint (about
    14 ms), and nothing is left to do once the report is written: output streams are flushed and
    the process exits with the CLI's code. Under a tracer or coverage the normal exit is kept, so
    their at-exit work (saving coverage data) still happens.
    """
    try:
        main(prog_name=prog_name)
    except SystemExit as exc:
        code = exc.code
    else:  # pragma: no cover - click's standalone mode always ends with SystemExit
        code = 0
    if isinstance(code, str):
        click.echo(code, err=True)
        code = 1
    status = 0 if code is None else int(code)
    if sys.gettrace() is not None or "coverage" in sys.modules:
        sys.exit(status)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (`| head`): nothing more can be written
            stream.flush()
    os._exit(status)


if __name__ == "__main__":  # pragma: no cover
    run()
