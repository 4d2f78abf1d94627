"""TF104 end-of-life-base."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterator
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from tfimage_lint.findings import Finding, Severity
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Option, Rule, RuleContext

if TYPE_CHECKING:
    from tfimage_lint.kb import Fact, ImageFacts, KnowledgeBase

#: Evidence levels a value must have to back a finding (``unverified`` values are only shown).
_TRUSTED = ("verified", "inferred")
DEFAULT_MAX_NGC_AGE_DAYS = 730
#: The default TensorFlow minimum is the oldest of this many newest minors the KB knows.
SUPPORTED_MINORS = 4


def _as_date(value: Any) -> dt.date:
    """``today`` option: a date or an ISO date string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


def _first_day(value: str) -> dt.date | None:
    """``2024-10`` / ``2024-10-24`` -> the first day it can mean."""
    try:
        if len(value) == 7:
            return dt.date(int(value[:4]), int(value[5:7]), 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _last_day(value: str) -> dt.date | None:
    """``2026-10`` -> 2026-10-31 (a month-only date is over only when the month is); ``YYYY-MM-DD`` as is."""
    first = _first_day(value)
    if first is None or len(value) != 7:
        return first
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def _trusted(fact: Fact) -> str | None:
    return fact.value if fact.value is not None and fact.evidence in _TRUSTED else None


def _dated(fact: Fact) -> str | None:
    """A date for display, marked when the KB holds it as inferred or only as unverified."""
    if fact.value is None:
        return None
    if fact.evidence == "verified":
        return fact.value
    return f"{fact.value} (inferred)" if fact.evidence in _TRUSTED else f"{fact.value} per an unverified source"


def _python_tag_version(tag: str | None) -> str | None:
    """``3.7`` from official ``python`` tags such as ``3.7``, ``3.7.17-slim``, ``3.7-bullseye``."""
    match = re.match(r"^(\d+)\.(\d+)(?:[.-]|$)", tag or "")
    return f"{match[1]}.{match[2]}" if match else None


def _parse_version(text: str) -> tuple[int, int] | None:
    from tfimage_lint.kb import versions

    parsed = versions.parse(versions.base(text))
    return None if parsed is None else (parsed[0], parsed[1])


class EndOfLifeBase(Rule):
    """Do not build on an end-of-life TensorFlow stack.

    ## What it does
    Reports a `FROM` (after ARG substitution) on a TensorFlow image that ships an end-of-life
    stack, with the reason and since when:

    - TensorFlow 1.x, including NGC `-tf1-` tags and the legacy `YY.MM-py3` / `-py2` tags from
      before NVIDIA's tf1/tf2 split;
    - TensorFlow older than the policy minimum, compared by minor release (option `min_tensorflow`;
      default: the oldest of the last four minor releases the knowledge base knows);
    - an NGC release older than the policy's maximum age (option `max_ngc_age_days`, default 730
      days from today's date to the first day of the release month);
    - a Python past its end-of-life date.

    Only what the knowledge base knows (verified or inferred) counts: a base whose version or
    dates it does not know is not reported.

    ## Why is this bad?
    End-of-life TensorFlow, NGC and Python releases get no security fixes and no builds for new
    CUDA versions, GPUs or drivers; the libraries you add on top stop supporting them, and
    upgrading later means crossing several breaking releases at once.

    ## Example
    ```dockerfile
    FROM tensorflow/tensorflow:2.13.0
    ```

    ```dockerfile
    FROM nvcr.io/nvidia/tensorflow:22.12-tf1-py3
    ```

    ## Use instead
    ```dockerfile
    FROM tensorflow/tensorflow:2.19.0
    ```
    """

    id = "TF104"
    name = "end-of-life-base"
    severity = Severity.WARNING
    families = frozenset({Family.DOCKERHUB_TENSORFLOW.value, Family.NGC_TENSORFLOW.value, Family.PYTHON.value})
    option_specs = MappingProxyType(
        {
            "min_tensorflow": Option(str, None, "oldest TensorFlow minor allowed (default: the last four minors)"),
            "max_ngc_age_days": Option(int, DEFAULT_MAX_NGC_AGE_DAYS, "oldest NGC release allowed, in days"),
            "today": Option(dt.date, None, "the date to judge ages at (default: today; for reproducible runs)"),
        }
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        from tfimage_lint.kb import load_kb

        today = _as_date(ctx.options.get("today") or dt.date.today())
        max_age = int(ctx.options.get("max_ngc_age_days", DEFAULT_MAX_NGC_AGE_DAYS))
        policy_min = ctx.options.get("min_tensorflow")
        kb: KnowledgeBase | None = None
        for facts in ctx.stage_facts.stages:
            base = facts.stage.base
            image = base.image
            if image is None:  # stage, scratch, unresolved: reported once, at the stage that names the image
                continue
            kb = kb or load_kb()
            if facts.family is Family.PYTHON:
                reasons = self._python(kb, _python_tag_version(image.tag), today)
            else:
                known = ctx.stage_facts.image_facts(facts.stage)
                if known is None or known.tag_known is False:
                    continue
                reasons = [
                    *self._tensorflow(kb, facts.family, known, policy_min),
                    *self._ngc_age(facts.family, known, image.tag or "", today, max_age),
                    *self._python(kb, _trusted(known.python), today),
                ]
            if not reasons:
                continue
            name = image.familiar_name + (f":{image.tag}" if image.tag else "")
            if base.written != base.resolved:
                name += f" (FROM {base.written} resolves to {base.resolved})"
            yield self.finding(
                ctx, facts.stage.from_instruction, f"{name} ships an end-of-life stack: " + "; ".join(reasons)
            )

    # ------------------------------------------------------------ TensorFlow
    def _tensorflow(self, kb: KnowledgeBase, family: Family, known: ImageFacts, policy_min: Any) -> list[str]:
        from tfimage_lint.kb import versions

        version = _trusted(known.tensorflow)
        if version is None and family is Family.DOCKERHUB_TENSORFLOW:
            # A Docker Hub tag names its TensorFlow version: if the image exists, it ships that version.
            version = known.tensorflow.value
        plain = versions.base(version) if version else None
        parsed = _parse_version(plain) if plain else None
        ngc_major = self._ngc_tf_major(kb, known) if family is Family.NGC_TENSORFLOW else None
        if (parsed is not None and parsed[0] == 1) or ngc_major == "1":
            what = f"TensorFlow {plain} is 1.x" if plain else "TensorFlow 1.x"
            return [f"{what}, {self._tf1_since(kb, family)}"]
        if parsed is None:
            return []
        minimum, since = self._minimum(kb, policy_min, parsed)
        if minimum is None or parsed >= minimum:
            return []
        return [f"TensorFlow {plain} is older than {since}"]

    @staticmethod
    def _ngc_tf_major(kb: KnowledgeBase, known: ImageFacts) -> str | None:
        """The TF major of an NGC tag form (``tf1-py3`` and the legacy ``py3``/``py2`` forms are TF1)."""
        variant = (known.variant or "").removesuffix("-igpu")
        for form in kb.data["ngc_catalog"]["tag_forms"]:
            if form["variant"] == variant:
                return form.get("tf_major")
        return None

    @staticmethod
    def _tf1_since(kb: KnowledgeBase, family: Family) -> str:
        if family is Family.NGC_TENSORFLOW:
            from tfimage_lint.kb import Fact

            last = Fact.from_json(kb.data["ngc_catalog"]["tf1_last_release"])
            if last.value is not None:
                month = Fact(f"20{last.value[:2]}-{last.value[3:5]}", last.evidence, last.sources)
                return f"end of life since {_dated(month)} (NVIDIA's TF1 monthly releases ended with {last.value})"
        released, _ = kb.tf_release("2.0")
        when = _dated(released)
        return f"superseded by TensorFlow 2.0 since {when}" if when else "superseded by TensorFlow 2"

    @staticmethod
    def _minimum(kb: KnowledgeBase, policy_min: Any, version: tuple[int, int]) -> tuple[tuple[int, int] | None, str]:
        """(minimum minor, how to say it) for the policy option or the default window."""
        if policy_min:
            minimum = _parse_version(str(policy_min))
            if minimum is None:
                raise ValueError(f"TF104 option min_tensorflow: not a TensorFlow version: {policy_min!r}")
            released, _ = kb.tf_release(f"{minimum[0]}.{minimum[1]}")
            when = _dated(released)
            text = f"the policy minimum {minimum[0]}.{minimum[1]}" + (f" (released {when})" if when else "")
            return minimum, text
        minors = kb.tf_minor_versions()
        if len(minors) < SUPPORTED_MINORS:
            return None, ""
        window = minors[-SUPPORTED_MINORS:]
        minimum = _parse_version(window[0])
        text = (
            f"the policy minimum {window[0]} (the oldest of the last {SUPPORTED_MINORS} minor releases the "
            f"knowledge base knows, {window[0]} to {window[-1]})"
        )
        # It left the window when the minor SUPPORTED_MINORS after its own was released.
        own = f"{version[0]}.{version[1]}"
        if own in minors and minors.index(own) + SUPPORTED_MINORS < len(minors):
            successor = minors[minors.index(own) + SUPPORTED_MINORS]
            released, _ = kb.tf_release(successor)
            when = _dated(released)
            text += f", out of that window since TensorFlow {successor}" + (f" ({when})" if when else "")
        return minimum, text

    # ------------------------------------------------------------ NGC age
    @staticmethod
    def _ngc_age(family: Family, known: ImageFacts, tag: str, today: dt.date, max_age: int) -> list[str]:
        if family is not Family.NGC_TENSORFLOW:
            return []
        month = _trusted(known.release_date)
        released = _first_day(month[:7]) if month else None
        if released is None:
            return []
        age = (today - released).days
        if age <= max_age:
            return []
        since = released + dt.timedelta(days=max_age)
        release = tag.split("-", 1)[0] or month[:7]
        return [
            f"NGC release {release} ({released:%Y-%m}) is {age} days old, past the policy maximum of "
            f"{max_age} days since {since.isoformat()}"
        ]

    # ------------------------------------------------------------ Python
    @staticmethod
    def _python(kb: KnowledgeBase, version: str | None, today: dt.date) -> list[str]:
        if version is None:
            return []
        eol = kb.python_eol(version)
        end = _last_day(eol.value) if eol.value is not None and eol.evidence in _TRUSTED else None
        if end is None or today <= end:
            return []
        return [f"Python {version} is past end of life since {eol.value}"]
