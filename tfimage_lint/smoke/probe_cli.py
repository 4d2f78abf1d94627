"""``tfimage-lint probe``: run the smoke test's probe in the current Python (no Docker) and judge it.

For a CI job already running inside the image, or a Kubernetes job: exit 0 when the verdict passes, 1 when it fails.
"""

from __future__ import annotations

import json
from pathlib import Path

import click


def _expect_gpus(value: str | None) -> int | str | None:
    if value is None:
        return None
    text = value.strip().lower()
    if text == "any":
        return "any"
    if text.isdigit():
        return int(text)
    raise click.BadParameter("expected a number or 'any'", param_hint="--expect-gpus")


@click.command("probe")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True, help="Output format."
)
@click.option(
    "--expect-gpus",
    metavar="N|any",
    help="GPUs TensorFlow must see (default: at least one, none with --cpu-ok).",
)
@click.option("--cpu-ok", is_flag=True, help="Accept a CPU-only TensorFlow (no GPU required).")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="Seconds allowed for TensorFlow.")
@click.option("--output", type=click.Path(dir_okay=False), help="Also write the report to this file.")
def probe(fmt: str, expect_gpus: str | None, cpu_ok: bool, timeout: float, output: str | None) -> None:
    """Probe this environment: Python, TensorFlow, its GPUs and a matmul on each, CUDA libraries, the driver.

    Runs the same probe as ``tfimage-lint smoke`` in the current Python, judges it, and exits 0 when TensorFlow
    imports, is a CUDA build, sees the expected GPUs and computes on them correctly (1 otherwise).
    """
    from tfimage_lint.smoke import probe as probe_module
    from tfimage_lint.smoke.verdict import judge, render_text

    expected = _expect_gpus(expect_gpus)
    data = probe_module.collect(timeout=timeout)
    verdict = judge(data, expect_gpus=expected, cpu_ok=cpu_ok, requested_gpus=not cpu_ok)
    if fmt == "json":
        text = json.dumps({"verdict": verdict.to_json(), "probe": data}, indent=2, sort_keys=True, default=str) + "\n"
    else:
        text = render_text(verdict, data)
    click.echo(text, nl=False)
    if output:
        Path(output).write_text(text, encoding="utf-8")
    raise SystemExit(0 if verdict.passed else 1)
