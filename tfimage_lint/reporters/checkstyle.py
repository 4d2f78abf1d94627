"""Checkstyle XML, read by Jenkins (warnings-ng), reviewdog, SonarQube and many IDEs (``--format checkstyle``).

Layout::

    <checkstyle version="4.3">
      <file name="app/Dockerfile">
        <error line="4" column="5" severity="warning" message="..." source="tfimage-lint.DF004" />
      </file>
      <file name="Dockerfile" />
    </checkstyle>

Decisions:

* Every linted file gets a ``<file>`` element, also without findings (checkstyle does the same), named
  by its path relative to :attr:`RenderContext.root` with ``/`` separators (standard input is ``-``).
* ``severity`` is the finding's own (``error``, ``warning``, ``info``: all checkstyle severities);
  ``source`` is ``tfimage-lint.<RULE ID>``; ``line``/``column`` are 1-based, as in checkstyle.
* An internal error of a file (not fully linted) is an ``error`` at line 1 with source
  ``tfimage-lint.internal-error``. The run's other tool errors name no file the format could carry:
  they are printed on standard error and make the exit code 2. Suppressed findings are left out.
* Same XML rules as the JUnit report: ASCII output, forbidden characters made visible.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence

from tfimage_lint.baseline import baseline_path
from tfimage_lint.engine import FileReport
from tfimage_lint.reporters.context import RenderContext
from tfimage_lint.reporters.junit import to_xml, xml_safe

#: The checkstyle report version other tools expect.
CHECKSTYLE_VERSION = "4.3"
SOURCE_PREFIX = "tfimage-lint."
INTERNAL_ERROR_SOURCE = "tfimage-lint.internal-error"


def render_checkstyle(reports: Sequence[FileReport], ctx: RenderContext) -> str:
    """The checkstyle XML document of the run."""
    root = ET.Element("checkstyle", version=CHECKSTYLE_VERSION)
    for report in reports:
        element = ET.SubElement(root, "file", name=xml_safe(baseline_path(report.path, ctx.root)))
        for message in report.internal_errors:
            ET.SubElement(
                element,
                "error",
                line="1",
                severity="error",
                message=xml_safe(f"internal error (file not fully linted): {message}"),
                source=INTERNAL_ERROR_SOURCE,
            )
        for finding in report.findings:
            ET.SubElement(
                element,
                "error",
                line=str(finding.line),
                column=str(finding.column),
                severity=finding.severity.value,
                message=xml_safe(finding.message),
                source=SOURCE_PREFIX + finding.rule_id,
            )
    return to_xml(root)
