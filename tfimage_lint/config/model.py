"""The schema of a configuration file: one pydantic model (``extra="forbid"``, kebab-case keys).

This is the only module that imports pydantic, and it is imported only when a configuration file
is actually read, so a run without one never pays for it. Validation errors become a single
:class:`~tfimage_lint.config.errors.ConfigError` (the first one in the file) that names the
file, line, column and key path, and says what was expected.

Checks done here besides types: choices (``fail-on``, severities), glob patterns, regular
expressions, family names, registry hosts, versions and the fleet's driver and capabilities.
What needs the rule registry (rule ids and names, each rule's options) is checked by
:mod:`tfimage_lint.config.loading`, with :func:`validate_options` for ``rules.<ID>.options``.

Glob patterns: :func:`fnmatch.fnmatch` never rejects a pattern (an unclosed ``[`` just matches
itself), so a pattern is refused when it is empty, has leading or trailing whitespace, holds a
control character, holds whitespace at all (image references, registries and package names
have none; ``per-file-ignores`` paths may), or opens a ``[`` set it never closes (almost always
a typo; write ``[[]`` for a literal ``[``).
"""

from __future__ import annotations

import difflib
import fnmatch
import re
import sys
import typing
import warnings
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Annotated, Any, NoReturn

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, create_model
from pydantic_core import PydanticCustomError

from tfimage_lint.config.errors import ConfigError
from tfimage_lint.config.sources import KeyPath, Source, kind_name
from tfimage_lint.fleet import Fleet, FleetError
from tfimage_lint.model.families import Family
from tfimage_lint.rule import Rule

SEVERITY_WORDS = ("error", "warning", "info", "disable")
FAIL_ON_WORDS = ("error", "warning", "info", "never")
FAMILY_VALUES = tuple(family.value for family in Family)

_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
_HOST_RE = re.compile(rf"^(?:localhost|{_LABEL}(?:\.{_LABEL})+)(?::\d{{1,5}})?$")
_VERSION_RE = re.compile(r"^\d+\.\d+(?:\.\d+)?$")
_ARG_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_CUSTOM = "tfimage_lint"


def _fail(message: str) -> NoReturn:
    raise PydanticCustomError(_CUSTOM, "{message}", {"message": message})


def bool_hint(value: object, words: tuple[str, ...] = SEVERITY_WORDS) -> str:
    """Why a boolean arrived where a word was expected (YAML 1.1 reads bare off/no/on/yes as booleans)."""
    if value is False:
        word = "disable to turn a rule off" if "disable" in words else "never" if "never" in words else "the word"
        return f" (YAML reads a bare off, no or false as the boolean false: write {word})"
    if value is True:
        return " (YAML reads a bare on, yes or true as the boolean true: write error, warning or info)"
    return ""


def choice_problem(value: object, words: tuple[str, ...]) -> str | None:
    """The error message when ``value`` is not one of ``words`` (any case), else None."""
    if isinstance(value, str) and value.strip().lower() in words:
        return None
    return f"expected one of {', '.join(words)}; got {kind_name(value)}{bool_hint(value, words)}"


def _choice(words: tuple[str, ...]) -> Callable[[object], str]:
    def check(value: object) -> str:
        problem = choice_problem(value, words)
        if problem:
            _fail(problem)
        return str(value).strip().lower()

    return check


def _quoted_text(example: str) -> Callable[[object], object]:
    """Numbers where text is expected: whole numbers become text, others must be quoted."""

    def check(value: object) -> object:
        if isinstance(value, bool):
            _fail(f'expected a string such as "{example}"; got {kind_name(value)}{_quote_hint(value)}')
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            _fail(
                f'expected a string such as "{example}"; got the number {value!r} '
                "(write it in quotes: YAML and TOML read 2.10 as the number 2.1)"
            )
        return value

    return check


def _quote_hint(value: object) -> str:
    return (
        " (YAML reads bare yes/no/on/off/true/false as booleans: write the value in quotes)"
        if isinstance(value, bool)
        else ""
    )


def glob_problem(pattern: str, *, spaces: bool = False) -> str | None:
    """Why ``pattern`` is not an acceptable glob pattern (see the module docs), or None."""
    if not pattern:
        return "expected a glob pattern; got an empty string"
    if pattern != pattern.strip():
        return f"the pattern {kind_name(pattern)} has leading or trailing whitespace"
    if _CONTROL_RE.search(pattern):
        return f"the pattern {kind_name(pattern)} holds a control character"
    if not spaces and any(char.isspace() for char in pattern):
        return f"the pattern {kind_name(pattern)} holds whitespace"
    index = 0
    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char != "[":
            continue
        end = index
        if end < len(pattern) and pattern[end] == "!":
            end += 1
        if end < len(pattern) and pattern[end] == "]":
            end += 1
        while end < len(pattern) and pattern[end] != "]":
            end += 1
        if end >= len(pattern):
            return (
                f"the pattern {kind_name(pattern)} opens a [ set at character {index} and never closes it "
                "(write [[] to match a literal [)"
            )
        index = end + 1
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            re.compile(fnmatch.translate(pattern))
    except re.error as exc:  # pragma: no cover - fnmatch.translate escapes everything it does not understand
        return f"the pattern {kind_name(pattern)} is not a valid glob: {exc}"
    return None


def _glob(spaces: bool) -> Callable[[str], str]:
    def check(value: str) -> str:
        problem = glob_problem(value, spaces=spaces)
        if problem:
            _fail(problem)
        return value

    return check


def _image_name(value: str) -> str:
    """A ``families`` pattern, normalised like image names: ``python`` -> ``docker.io/library/python``.

    A trailing ``:*`` (any tag) is dropped; another tag or a digest is an error.
    """
    value = value.removesuffix(":*")
    last = value.rsplit("/", 1)[-1]
    if "@" in value or ":" in last:
        _fail(
            "a family pattern matches image names without a tag or digest: write registry/repository "
            f"(globs allowed), e.g. registry.corp/mirror/nvidia/tensorflow; got {kind_name(value)}"
        )
    first, slash, rest = value.partition("/")
    if first in ("index.docker.io", "registry-1.docker.io"):
        return f"docker.io/{rest}"
    if not slash:
        return f"docker.io/library/{value}"
    if "." in first or ":" in first or first == "localhost" or any(char in first for char in "*?["):
        return value
    return f"docker.io/{value}"


def _family(value: str) -> str:
    if value.strip().lower() in FAMILY_VALUES:
        return value.strip().lower()
    _fail(f"expected a family ({', '.join(FAMILY_VALUES)}); got {kind_name(value)}{did_you_mean(value, FAMILY_VALUES)}")


def _host(value: str) -> str:
    host = value.strip().lower()
    if not _HOST_RE.match(host):
        _fail(f"expected a registry host such as nvcr.io, docker.io or registry.corp:5000; got {kind_name(value)}")
    return host


def _regex(value: str) -> str:
    try:
        with warnings.catch_warnings():  # "possible nested set" and the like are not errors
            warnings.simplefilter("ignore")
            re.compile(value)
    except re.error as exc:
        _fail(f"invalid regular expression {kind_name(value)}: {exc}")
    return value


def _version(value: str) -> str:
    if not _VERSION_RE.match(value.strip()):
        _fail(f'expected a TensorFlow version such as "2.16" or "2.16.1"; got {kind_name(value)}')
    return value.strip()


def _driver(value: str) -> str:
    try:
        fleet = Fleet.parse(value, [])
    except FleetError:
        _fail(f"expected an NVIDIA driver version such as 535 or 535.104.05; got {kind_name(value)}")
    return fleet.driver or value


def _capability_before(value: object) -> object:
    return repr(value) if isinstance(value, float) else value


def _capability(value: str) -> str:
    if "," in value:
        _fail(f"expected one compute capability such as 8.0 or 9.0 (one list item each); got {kind_name(value)}")
    try:
        Fleet.parse(None, [value])
    except FleetError:
        _fail(f"expected a compute capability such as 8.0 or 9.0; got {kind_name(value)}")
    return value.strip()


def _label(value: str) -> str:
    if not value or any(char.isspace() for char in value) or _CONTROL_RE.search(value):
        _fail(f"expected a label name such as org.opencontainers.image.source; got {kind_name(value)}")
    return value


def _arg_name(value: str) -> str:
    if not _ARG_RE.match(value):
        _fail(f"expected a build argument name such as CUDA_VERSION; got {kind_name(value)}")
    return value


def _any_value(value: object) -> object:
    return None if value == "" else value


def _non_empty(value: str) -> str:
    if not value.strip():
        _fail("expected a non-empty string")
    return value.strip()


Severity = Annotated[str, BeforeValidator(_choice(SEVERITY_WORDS))]
FailOn = Annotated[str, BeforeValidator(_choice(FAIL_ON_WORDS))]
Word = Annotated[str, AfterValidator(_non_empty)]
ImageGlob = Annotated[str, AfterValidator(_glob(spaces=False))]
ImageNameGlob = Annotated[str, AfterValidator(_glob(spaces=False)), AfterValidator(_image_name)]
PathGlob = Annotated[str, AfterValidator(_glob(spaces=True))]
FamilyName = Annotated[str, AfterValidator(_family)]
Host = Annotated[str, AfterValidator(_host)]
Regex = Annotated[str, AfterValidator(_regex)]
Version = Annotated[str, BeforeValidator(_quoted_text("2.16")), AfterValidator(_version)]
Driver = Annotated[str, BeforeValidator(_quoted_text("535.104.05")), AfterValidator(_driver)]
Capability = Annotated[str, BeforeValidator(_capability_before), AfterValidator(_capability)]
LabelName = Annotated[str, AfterValidator(_label)]
ArgName = Annotated[str, AfterValidator(_arg_name)]
ArgValue = Annotated[str, BeforeValidator(_quoted_text("12.2.0"))]
#: A required label's value pattern; null or "" (TOML has no null) means any value.
LabelPattern = Annotated[Regex | None, BeforeValidator(_any_value)]


def _kebab(name: str) -> str:
    return name.replace("_", "-")


class _Section(BaseModel):
    """Common settings: unknown keys are errors, types are strict, keys are kebab-case."""

    model_config = ConfigDict(extra="forbid", strict=True, alias_generator=_kebab, populate_by_name=False)


class FleetSection(_Section):
    """``fleet:``: what the GPU fleet has (TF401, TF402)."""

    driver: Driver | None = None
    compute_capabilities: list[Capability] | None = None
    datacenter: bool | None = None


class DenyPackagesSection(_Section):
    """``deny-packages:``: package names (glob patterns) per package manager (TF503)."""

    pip: list[ImageGlob] | None = None
    conda: list[ImageGlob] | None = None
    apt: list[ImageGlob] | None = None
    rpm: list[ImageGlob] | None = None
    apk: list[ImageGlob] | None = None


class RuleTable(_Section):
    """A rule's entry in the long form: ``{severity: warning, options: {...}}``."""

    severity: Severity | None = None
    options: dict[str, Any] | None = None


class ConfigFile(_Section):
    """A whole configuration file (a key set to null, or left empty, is the same as absent)."""

    extends: Word | None = None
    fail_on: FailOn | None = None
    select: list[Word] | None = None
    ignore: list[Word] | None = None
    #: Values checked by the loader: a severity word or a :class:`RuleTable`.
    rules: dict[Word, Any] | None = None
    per_file_ignores: dict[PathGlob, list[Word]] | None = None
    build_args: dict[ArgName, ArgValue] | None = None
    families: dict[ImageNameGlob, FamilyName] | None = None
    fleet: FleetSection | None = None
    min_tensorflow: Version | None = None
    max_base_age_days: Annotated[int, Field(ge=0)] | None = None
    allowed_bases: list[ImageGlob] | None = None
    denied_bases: list[ImageGlob] | None = None
    trusted_registries: list[Host] | None = None
    deny_packages: DenyPackagesSection | None = None
    require_labels: dict[LabelName, LabelPattern] | None = None
    allowed_families: list[FamilyName] | None = None


#: The checks of :class:`ConfigFile` for each top-level policy key, to check the same values
#: when they arrive as ``rules.<ID>.options`` instead (``"allowed-bases"`` -> its annotation).
POLICY_TYPES: Mapping[str, Any] = {_kebab(name): field.annotation for name, field in ConfigFile.model_fields.items()}


def validate_file(source: Source) -> ConfigFile:
    """The validated model of a whole file; raises :class:`ConfigError` (the first error in the file)."""
    try:
        return ConfigFile.model_validate(source.data)
    except ValidationError as exc:
        raise _first_error(exc, source, (), ConfigFile) from None


def validate_rule_table(value: Mapping[str, Any], source: Source, path: KeyPath) -> RuleTable:
    """A rule's ``{severity, options}`` entry; raises :class:`ConfigError`."""
    try:
        return RuleTable.model_validate(value)
    except ValidationError as exc:
        raise _first_error(exc, source, path, RuleTable) from None


def validate_value(annotation: Any, value: Any, source: Source, path: KeyPath) -> Any:
    """Validate one value against an annotation of this module (strict); raises :class:`ConfigError`."""
    model = _value_model(annotation)
    try:
        return model.model_validate({"value": value}).value  # type: ignore[attr-defined]
    except ValidationError as exc:
        raise _first_error(exc, source, path, model, strip=1) from None


@lru_cache(maxsize=64)
def _value_model(annotation: Any) -> type[BaseModel]:
    return create_model("Value", __config__=ConfigDict(strict=True), value=(annotation, ...))


@lru_cache(maxsize=256)
def options_model(rule: type[Rule]) -> type[BaseModel]:
    """The pydantic model of a rule's options (from its ``option_specs``; unknown options are errors)."""
    fields: dict[str, Any] = {
        name: (_lenient_date(spec.type), spec.default) for name, spec in rule.option_specs.items()
    }
    return create_model(f"{rule.id}Options", __config__=ConfigDict(extra="forbid", strict=True), **fields)


def _lenient_date(annotation: Any) -> Any:
    """A ``date`` option also accepts a quoted ISO date (YAML and TOML users write both)."""
    import datetime as dt

    if annotation is not dt.date:
        return annotation

    def parse(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                return value
        return value

    return Annotated[dt.date, BeforeValidator(parse)]


def validate_options(rule: type[Rule], options: Mapping[str, Any], source: Source, path: KeyPath) -> dict[str, Any]:
    """The options a file sets for ``rule`` (validated, only those written); raises :class:`ConfigError`."""
    if not rule.option_specs:
        if options:
            raise source.error(path, f"rule {rule.id} {rule.name} takes no options")
        return {}
    model = options_model(rule)
    try:
        validated = model.model_validate(dict(options))
    except ValidationError as exc:
        raise _first_error(exc, source, path, None, option_names=tuple(rule.option_specs)) from None
    return {name: getattr(validated, name) for name in options}


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean "x"?)`` for the closest candidates, or an empty string."""
    choices = list(dict.fromkeys(candidates))
    lowered = {choice.lower(): choice for choice in choices}
    close = difflib.get_close_matches(word.lower(), list(lowered), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(f'"{lowered[item]}"' for item in close) + "?)"


# -- errors ---------------------------------------------------------------------------------------

_TYPE_WORDS = {
    "string_type": "a string",
    "int_type": "a whole number",
    "int_from_float": "a whole number",
    "float_type": "a number",
    "bool_type": "true or false",
    "list_type": "a list",
    "tuple_type": "a list",
    "set_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "date_type": "a date such as 2024-05-01",
    "none_required": "null",
}


def _first_error(
    exc: ValidationError,
    source: Source,
    base: KeyPath,
    model: type[BaseModel] | None,
    *,
    strip: int = 0,
    option_names: tuple[str, ...] = (),
) -> ConfigError:
    """The :class:`ConfigError` of the error written first in the file."""
    found: list[tuple[tuple[int, int], ConfigError]] = []
    for error in exc.errors(include_url=False):
        full_loc = tuple(error["loc"])
        loc = full_loc[strip:]
        at_key = "[key]" in loc
        path: KeyPath = (*base, *(part for part in loc if part != "[key]"))
        kind = error["type"]
        if kind == "extra_forbidden":
            at_key = True
            allowed = option_names if model is None else _allowed_keys(model, full_loc[:-1])
            name = str(loc[-1]) if loc else ""
            what = "option" if model is None else "key"
            message = f"unknown {what}{did_you_mean(name, allowed)}"
            if allowed:
                message += f"; expected one of: {', '.join(allowed)}"
            elif model is None:
                message += "; this rule takes no options"
        else:
            message = _message(error, model, full_loc)
        position = source.position(path, key=at_key) or (sys.maxsize, 0)
        found.append((position, source.error(path, message, key=at_key)))
    found.sort(key=lambda item: item[0])
    return found[0][1]


def _message(error: Mapping[str, Any], model: type[BaseModel] | None, loc: tuple[Any, ...]) -> str:
    kind = error["type"]
    value = error.get("input")
    if kind == _CUSTOM:
        return str(error["msg"])
    if kind in _TYPE_WORDS:
        expected = _TYPE_WORDS[kind]
        if kind in ("model_type", "model_attributes_type", "dict_type") and model is not None:
            keys = _allowed_keys(model, tuple(part for part in loc if part != "[key]"))
            if keys:
                expected = f"a mapping with keys {', '.join(keys)}"
        return f"expected {expected}; got {kind_name(value)}{_quote_hint(value) if kind == 'string_type' else ''}"
    if kind == "literal_error":
        expected = str(error.get("ctx", {}).get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"expected one of {expected}; got {kind_name(value)}"
    if kind == "greater_than_equal":
        return f"expected a number >= {error.get('ctx', {}).get('ge')}; got {kind_name(value)}"
    return f"{error.get('msg', 'invalid value')}; got {kind_name(value)}"


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[str, ...]:
    """The keys of the model section at ``loc`` (empty when ``loc`` is not a section)."""
    current: Any = model
    for part in loc:
        current = _section(current)
        if current is None:
            return ()
        fields = {field.alias or name: field.annotation for name, field in current.model_fields.items()}
        if part not in fields:
            return ()
        current = fields[part]
    current = _section(current)
    if current is None:
        return ()
    return tuple(field.alias or name for name, field in current.model_fields.items())


def _section(annotation: Any) -> type[BaseModel] | None:
    """The model class inside ``X | None`` (or the class itself), else None."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None
