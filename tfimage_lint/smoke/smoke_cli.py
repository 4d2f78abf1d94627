"""``tfimage-lint smoke``: build the image, run the probe in it (with GPUs), and say whether TensorFlow works.

Exit codes: 0 the verdict passed, 1 it failed, 2 the smoke test could not run (no daemon, a failed build, a bad
argument, an interruption).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

PROG = "tfimage-lint"
EXIT_PASS, EXIT_FAIL, EXIT_CANNOT_RUN = 0, 1, 2


def _error(message: str) -> None:
    click.echo(f"{PROG} smoke: error: {message}", err=True)


class _Status:
    """A one-line live status on a terminal (every step on its own line elsewhere); full log with --verbose."""

    def __init__(self, verbose: bool) -> None:
        self.verbose = verbose
        self.tty = sys.stderr.isatty()
        self.dirty = False

    def __call__(self, message: str) -> None:
        if message.startswith("\n"):  # a verbose log line
            self.clear()
            click.echo(message[1:], err=True)
            return
        if self.tty:
            width = 100
            click.echo("\r\033[K" + message[:width], err=True, nl=False)
            self.dirty = True
        else:
            click.echo(message, err=True)

    def clear(self) -> None:
        if self.dirty:
            click.echo("\r\033[K", err=True, nl=False)
            self.dirty = False


def _parse_build_args(values: tuple[str, ...]) -> dict[str, str]:
    out: dict[str, str] = {}
    for value in values:
        key, sep, rest = value.partition("=")
        if not key or not sep:
            raise click.BadParameter(f"{value!r} is not K=V", param_hint="--build-arg")
        out[key] = rest
    return out


def _parse_expect(value: str | None) -> int | str | None:
    if value is None:
        return None
    if value == "any":
        return "any"
    if value.isdigit():
        return int(value)
    raise click.BadParameter(f"{value!r} is neither a number nor 'any'", param_hint="--expect-gpus")


def _lint_first(
    dockerfile: str, context: str | None, build_args: dict[str, str], gate: bool
) -> tuple[bool, str | None]:
    """Lint with the configuration that governs the file; show error-level findings.

    Returns (go on, the CUDA version the knowledge base knows for the final stage's base): False
    when the gate should stop the run; the CUDA version is used by the preflight before
    ``docker inspect``.
    """
    from tfimage_lint.analysis.context import DirectoryContext
    from tfimage_lint.config.chooser import ConfigChooser
    from tfimage_lint.config.errors import ConfigError
    from tfimage_lint.findings import Severity
    from tfimage_lint.registry import load_registry
    from tfimage_lint.settings import CommandLine, SettingsError, run_settings

    registry = load_registry()
    try:
        config = ConfigChooser(registry).for_path(dockerfile)
        linter = run_settings(registry, config, CommandLine(build_args=build_args, context_dir=context)).linter
    except (ConfigError, SettingsError) as exc:
        _error(str(exc))
        return False, None
    path = Path(dockerfile)
    try:
        data = path.read_bytes()
    except OSError as exc:
        _error(f"cannot read {dockerfile}: {exc.strerror or exc}")
        return False, None
    folder = context or str(path.resolve().parent)
    report = linter.lint_bytes(data, str(path), DirectoryContext(folder))
    known_cuda = _known_base_cuda(data, str(path), {**config.build_args, **build_args}, config)
    errors = [finding for finding in report.findings if finding.severity == Severity.ERROR]
    for finding in errors:
        click.echo(f"{path}:{finding.line}:{finding.column}: {finding.rule_id} {finding.message}", err=True)
    if errors:
        word = "finding" if len(errors) == 1 else "findings"
        if gate:
            _error(f"{len(errors)} error-level lint {word}; not building (--lint-gate)")
            return False, known_cuda
        click.echo(f"lint: {len(errors)} error-level {word} (building anyway; --lint-gate makes them fatal)", err=True)
    return True, known_cuda


def _known_base_cuda(data: bytes, path: str, build_args: dict[str, str], config: Any) -> str | None:
    """The knowledge base's CUDA version of the last stage's base image, when it knows one."""
    from tfimage_lint.facts import compute_facts
    from tfimage_lint.model.build import build_model
    from tfimage_lint.syntax.parser import parse_dockerfile

    try:
        dockerfile = build_model(parse_dockerfile(data), path, build_args)
        if not dockerfile.stages:
            return None
        facts = compute_facts(dockerfile, config.families)
        known = facts.image_facts(dockerfile.stages[-1])
    except Exception:  # the preflight falls back to docker inspect
        return None
    value = known.cuda.value if known is not None else None
    return value if value and value[0].isdigit() else None


def render_text(result: Any) -> str:
    """A human summary of one smoke run: the preflight lines, the verdict module's report, then what this run did."""
    from tfimage_lint.smoke.runner import preflight_lines
    from tfimage_lint.smoke.verdict import render_text as render_verdict

    preflight = "".join(line + "\n" for line in preflight_lines(getattr(result, "preflight", None) or {}))

    verdict = result.verdict
    if result.outcome.probe is not None:
        text = render_verdict(verdict, result.outcome.probe)
    else:
        lines = [f"{'PASS' if result.passed else 'FAIL'}: {getattr(verdict, 'summary', '')}"]
        for item in getattr(verdict, "diagnosis", None) or []:
            lines.append(f"diagnosis: {getattr(item, 'problem', item)}")
            if getattr(item, "fix", ""):
                lines.append(f"  fix: {item.fix}")
        text = "\n".join(lines) + "\n"
    extra = []
    if result.outcome.daemon_error:
        extra.append(f"daemon said: {result.outcome.daemon_error}")
    if result.outcome.timed_out:
        extra.append("the probe container was killed")
    extra.append(f"image: {result.image}" + (" (kept)" if result.kept_image else " (removed)" if result.built else ""))
    extra.extend(f"cleanup problem: {problem}" for problem in result.cleanup_problems)
    return preflight + text + "\n".join(extra) + "\n"


JUNIT_SUITE = "tfimage-lint smoke"


def _diagnosis_text(verdict: Any) -> str:
    lines = [str(getattr(verdict, "summary", "") or "")]
    lines.extend(f"reason: {reason}" for reason in getattr(verdict, "reasons", None) or [])
    diagnosis = getattr(verdict, "diagnosis", None) or []
    for item in diagnosis if isinstance(diagnosis, (list, tuple)) else [diagnosis]:
        lines.append(f"diagnosis: {getattr(item, 'problem', item)}")
        if getattr(item, "fix", ""):
            lines.append(f"  fix: {item.fix}")
    return "\n".join(line for line in lines if line)


def render_junit(result: Any) -> str:
    """JUnit XML: one testcase per check (preflight daemon, build, probe run, verdict); probe JSON in system-out."""
    import xml.etree.ElementTree as ET

    from tfimage_lint.reporters.junit import xml_body, xml_safe
    from tfimage_lint.smoke.runner import preflight_lines

    cases: list[tuple[ET.Element, str]] = []

    def case(name: str, seconds: float = 0.0) -> ET.Element:
        element = ET.Element("testcase", classname=JUNIT_SUITE, name=name, time=f"{seconds:.3f}")
        cases.append((element, "passed"))
        return element

    def fail(element: ET.Element, kind: str, message: str, text: str) -> None:
        tag = {"failure": "failure", "error": "error", "skipped": "skipped"}[kind]
        child = ET.SubElement(element, tag, message=xml_safe(message[:500]))
        if kind != "skipped":
            child.set("type", tag)
        if text:
            child.text = xml_body(text)
        cases[-1] = (element, kind)

    preflight = getattr(result, "preflight", None) or {}
    lines = preflight_lines(preflight)
    daemon = case("preflight: daemon")
    daemon_lines = [line for line in lines if "Docker daemon" in line]
    ET.SubElement(daemon, "system-out").text = xml_body("\n".join(daemon_lines))
    driver = case("preflight: host driver")
    ET.SubElement(driver, "system-out").text = xml_body(
        "\n".join(line for line in lines if "Docker daemon" not in line)
    )
    compat = preflight.get("driver_satisfies_image") or {}
    if compat.get("status") == "too-old":
        message = str(compat.get("message", ""))
        fail(driver, "failure", message, f"{message}\nfix: {compat.get('fix', '')}")

    build = case("build", result.build_seconds)
    if not result.built:
        fail(build, "skipped", f"an existing image was tested: {result.image}", "")

    outcome = result.outcome
    run = case("probe run", outcome.duration_s)
    if outcome.run_error:
        details = [outcome.run_error]
        if outcome.daemon_error:
            details.append(f"daemon said: {outcome.daemon_error}")
        details.extend(outcome.stderr.splitlines()[-50:])
        fail(run, "failure", outcome.run_error, "\n".join(details))

    verdict_case = case("verdict")
    if not result.passed:
        summary = str(getattr(result.verdict, "summary", "") or "failed")
        fail(verdict_case, "failure", summary, _diagnosis_text(result.verdict))
    probe_json = json.dumps(outcome.probe, indent=2, sort_keys=True) if outcome.probe is not None else "null"
    ET.SubElement(verdict_case, "system-out").text = xml_body(probe_json)
    return _junit_document([element for element, _ in cases], [kind for _, kind in cases])


def render_junit_error(exc: Any) -> str:
    """JUnit XML for a run that could not happen (exit 2): one testcase with an error element."""
    import xml.etree.ElementTree as ET

    from tfimage_lint.reporters.junit import xml_body, xml_safe

    name = "build" if getattr(exc, "step", "") or getattr(exc, "log_tail", ()) else "preflight: daemon"
    element = ET.Element("testcase", classname=JUNIT_SUITE, name=name, time="0.000")
    error = ET.SubElement(element, "error", type="error", message=xml_safe(exc.one_line()[:500]))
    error.text = xml_body("\n".join([exc.one_line(), *exc.log_tail]))
    return _junit_document([element], ["error"])


def _junit_document(cases: list[Any], kinds: list[str]) -> str:
    import xml.etree.ElementTree as ET

    from tfimage_lint.reporters.junit import to_xml

    counts = {
        "tests": str(len(cases)),
        "failures": str(kinds.count("failure")),
        "errors": str(kinds.count("error")),
    }
    root = ET.Element("testsuites", name=JUNIT_SUITE, **counts)
    suite = ET.SubElement(root, "testsuite", name=JUNIT_SUITE, **counts, skipped=str(kinds.count("skipped")))
    suite.extend(cases)
    return to_xml(root)


def _write(text: str, output: str | None) -> bool:
    if not output:
        click.echo(text, nl=False)
        return True
    try:
        Path(output).write_text(text, encoding="utf-8")
    except OSError as exc:
        _error(f"cannot write {output}: {exc.strerror or exc}")
        return False
    return True


@click.command("smoke")
@click.argument("dockerfile", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--context", "context", type=click.Path(file_okay=False), help="Build context (default: the Dockerfile's folder)."
)
@click.option("--build-arg", "build_args", multiple=True, metavar="K=V", help="A build argument (repeatable).")
@click.option("--target", help="The build stage to build.")
@click.option("--image", "image", metavar="REF", help="Test an existing image instead of building (never removed).")
@click.option("--gpus", metavar="all|N|device=0,1", help="GPUs to request for the probe container (DeviceRequest).")
@click.option("--expect-gpus", metavar="N|any", help="GPUs TensorFlow must see (default: all GPUs requested).")
@click.option("--cpu-ok", is_flag=True, help="Accept an image where TensorFlow runs on the CPU only.")
@click.option("--timeout", type=float, default=300.0, show_default=True, help="Seconds before the probe is killed.")
@click.option("--keep-image", is_flag=True, help="Keep the built image (tagged tfimage-lint-smoke:<run id>).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to FILE instead of stdout.")
@click.option("--cleanup", is_flag=True, help="Remove every container and image a smoke run left behind, and exit.")
@click.option("--lint-gate", is_flag=True, help="Do not build when the lint finds error-level problems.")
@click.option("--shm-size", default="2g", show_default=True, help="Shared memory for the probe container.")
@click.option("--memory", "mem_limit", default="8g", show_default=True, help="Memory limit of the probe container.")
@click.option("--pids-limit", type=int, default=4096, show_default=True, help="Process limit of the probe container.")
@click.option("--verbose", "-v", is_flag=True, help="Show the full build log.")
def smoke(
    dockerfile: str | None,
    context: str | None,
    build_args: tuple[str, ...],
    target: str | None,
    image: str | None,
    gpus: str | None,
    expect_gpus: str | None,
    cpu_ok: bool,
    timeout: float,
    keep_image: bool,
    fmt: str,
    output: str | None,
    cleanup: bool,
    lint_gate: bool,
    shm_size: str,
    mem_limit: str,
    pids_limit: int,
    verbose: bool,
) -> None:
    """Build the image, run a probe in it with the GPUs requested, and check that TensorFlow sees and uses them.

    Lints DOCKERFILE first (error-level findings shown; --lint-gate makes them fatal), checks that the Docker
    daemon is reachable (DOCKER_HOST, else the current Docker context), builds with the labels
    tfimage-lint.smoke=<run id>, runs the probe (no network, memory/pids limits, --shm-size, --timeout) and
    removes the container and the built image (unless --keep-image), also on failure, timeout and Ctrl-C.

    Exit codes: 0 pass, 1 fail (with a diagnosis), 2 could not run (no daemon, build failed, bad arguments).
    Needs the optional extra: pip install 'tfimage-lint[smoke]'.
    """
    from tfimage_lint.smoke.runner import SmokeError, SmokeOptions, cleanup_leftovers, connect, run_smoke

    status = _Status(verbose)
    try:
        if cleanup:
            client = connect()
            removed = cleanup_leftovers(client)
            click.echo("\n".join(f"removed {item}" for item in removed) or "nothing to clean up")
            sys.exit(EXIT_PASS)
        parsed_args = _parse_build_args(build_args)
        expected = _parse_expect(expect_gpus)
        if not image and not dockerfile:
            dockerfile = "Dockerfile"
        if dockerfile and not image and not Path(dockerfile).is_file():
            raise SmokeError(f"no Dockerfile at {dockerfile}", fix="give the Dockerfile's path, or use --image REF")
        known_cuda = None
        if dockerfile and Path(dockerfile).is_file():
            go_on, known_cuda = _lint_first(dockerfile, context, parsed_args, lint_gate)
            if not go_on:
                sys.exit(EXIT_CANNOT_RUN)
        options = SmokeOptions(
            dockerfile=dockerfile,
            context=context,
            build_args=parsed_args,
            target=target,
            image=image,
            gpus=gpus,
            timeout=timeout,
            keep_image=keep_image,
            mem_limit=mem_limit,
            pids_limit=pids_limit,
            shm_size=shm_size,
            verbose=verbose,
            known_cuda=None if image else known_cuda,
        )
        result = run_smoke(options, expect_gpus=expected, cpu_ok=cpu_ok, status=status)
    except click.BadParameter as exc:
        status.clear()
        _error(exc.format_message())
        sys.exit(EXIT_CANNOT_RUN)
    except SmokeError as exc:
        status.clear()
        if exc.log_tail:
            click.echo(f"--- last {len(exc.log_tail)} lines of the build log ---", err=True)
            for line in exc.log_tail:
                click.echo(line, err=True)
            click.echo("---", err=True)
        _error(exc.one_line())
        if fmt == "junit":
            _write(render_junit_error(exc), output)
        sys.exit(EXIT_CANNOT_RUN)
    except KeyboardInterrupt:
        status.clear()
        _error("interrupted; the container and the built image were removed")
        sys.exit(EXIT_CANNOT_RUN)
    status.clear()
    if fmt == "json":
        text = json.dumps(result.to_json(), indent=2, sort_keys=True) + "\n"
    elif fmt == "junit":
        text = render_junit(result)
    else:
        text = render_text(result)
    if not _write(text, output):
        sys.exit(EXIT_CANNOT_RUN)
    if output and fmt != "text":
        click.echo(render_text(result), nl=False)
    sys.exit(EXIT_PASS if result.passed else EXIT_FAIL)
