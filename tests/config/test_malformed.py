"""Malformed configurations: one ConfigError naming the file, line, column and key; never another exception."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.config.test_loading import FULL_TOML, FULL_YAML, REGISTRY, write
from tfimage_lint.config.errors import ConfigError
from tfimage_lint.config.loading import display_path, load_config


def error_of(tmp_path: Path, name: str, text: str) -> ConfigError:
    path = write(tmp_path, name, text)
    with pytest.raises(ConfigError) as info:
        load_config(path, REGISTRY)
    return info.value


def assert_names(
    error: ConfigError, path: Path, line: int, key: str, *fragments: str, column: int | None = None
) -> None:
    """The message names the file, the line (and a column) and the key, then says what is wrong."""
    text = str(error)
    shown = display_path(path)
    match = re.match(rf"^{re.escape(shown)}:(\d+):(\d+): {re.escape(key)}: ", text)
    assert match, text
    assert int(match.group(1)) == line, text
    if column is not None:
        assert int(match.group(2)) == column, text
    assert (error.file, error.line, error.key) == (shown, line, key)
    assert "\n" not in text
    for fragment in fragments:
        assert fragment in text, text


# (1) bad YAML -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("rules:\n  TF201: error\n   TF202: warning\n", 3, "rules.TF201.TF202"),
        ("fail-on: error\nselect: [TF201\n", 3, "select"),
        ('fleet:\n  driver: "535\n', 3, "fleet.driver"),
        ("rules:\n\tTF201: error\n", 2, "rules.TF201"),
    ],
)
def test_bad_yaml(tmp_path: Path, text: str, line: int, key: str) -> None:
    error = error_of(tmp_path, "c.yaml", text)
    assert_names(error, tmp_path / "c.yaml", line, key, "invalid YAML")


# (2) bad TOML -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "key"),
    [
        ("[rules]\nTF201 = error\n", 2, "rules.TF201"),
        ('fail-on = "error"\n[fleet\ndriver = "535"\n', 2, "fleet"),
        ('select = ["TF201",\n  "TF202"\nfail-on = "x"\n', 3, "fail-on"),
    ],
)
def test_bad_toml(tmp_path: Path, text: str, line: int, key: str) -> None:
    error = error_of(tmp_path, "c.toml", text)
    assert_names(error, tmp_path / "c.toml", line, key, "invalid TOML")


def test_bad_toml_in_pyproject(tmp_path: Path) -> None:
    text = '[project]\nname = "x"\n\n[tool.tfimage-lint]\nfail-on = warning\n'
    error = error_of(tmp_path, "pyproject.toml", text)
    assert_names(error, tmp_path / "pyproject.toml", 5, "fail-on", "invalid TOML")


# (3) wrong types ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "key", "fragment"),
    [
        ("fail-on: 3\n", 1, 10, "fail-on", "expected one of error, warning, info, never; got 3"),
        (
            "fleet: [1]\n",
            1,
            8,
            "fleet",
            "expected a mapping with keys driver, compute-capabilities, datacenter; got a list",
        ),
        ("select: TF201\n", 1, 9, "select", 'expected a list; got "TF201"'),
        ('max-base-age-days: "540"\n', 1, 20, "max-base-age-days", 'expected a whole number; got "540"'),
        ("max-base-age-days: -1\n", 1, 20, "max-base-age-days", "expected a number >= 0; got -1"),
        ("max-base-age-days: true\n", 1, 20, "max-base-age-days", "expected a whole number; got true"),
        ("build-args: [A]\n", 1, 13, "build-args", "expected a mapping; got a list"),
        ("build-args: {PY: 3.10}\n", 1, 18, "build-args.PY", "write it in quotes"),
        ("build-args: {DEBUG: yes}\n", 1, 21, "build-args.DEBUG", "write the value in quotes"),
        ("rules: [TF201]\n", 1, 8, "rules", "expected a mapping; got a list"),
        ("rules:\n  TF201: 3\n", 2, 10, "rules.TF201.severity", "(or a mapping with keys severity, options); got 3"),
        ("rules:\n  TF201: {severity: eror}\n", 2, 21, "rules.TF201.severity", 'got "eror"'),
        ("rules:\n  ZZ901: {options: [count]}\n", 2, 20, "rules.ZZ901.options", "expected a mapping; got a list"),
        ('rules:\n  ZZ901: {options: {count: "5"}}\n', 2, 28, "rules.ZZ901.options.count", "expected a whole number"),
        (
            "rules:\n  ZZ901: {options: {names: [1]}}\n",
            2,
            29,
            "rules.ZZ901.options.names[0]",
            "expected a string; got 1",
        ),
        ("min-tensorflow: 2.10\n", 1, 17, "min-tensorflow", "got the number 2.1"),
        ('min-tensorflow: "two"\n', 1, 17, "min-tensorflow", "expected a TensorFlow version"),
        ("fleet: {datacenter: maybe}\n", 1, 21, "fleet.datacenter", 'expected true or false; got "maybe"'),
        ("extends: [strict]\n", 1, 10, "extends", "expected a string; got a list"),
        ("allowed-bases: [1]\n", 1, 17, "allowed-bases[0]", "expected a string; got 1"),
        ("deny-packages: [tensorflow-gpu]\n", 1, 16, "deny-packages", "mapping with keys pip, conda, apt, rpm, apk"),
        ("require-labels: {a: [x]}\n", 1, 21, "require-labels.a", "expected a string; got a list"),
        ("trusted-registries: [https://nvcr.io]\n", 1, 22, "trusted-registries[0]", "expected a registry host"),
        ("build-args: {1A: x}\n", 1, 14, "build-args.1A", "expected a build argument name"),
    ],
)
def test_wrong_types(tmp_path: Path, text: str, line: int, column: int, key: str, fragment: str) -> None:
    error = error_of(tmp_path, "c.yaml", text)
    assert_names(error, tmp_path / "c.yaml", line, key, fragment, column=column)


def test_wrong_types_in_toml(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.toml", 'select = ["TF201"]\nfail-on = 3\n')
    assert_names(error, tmp_path / "c.toml", 2, "fail-on", "got 3", column=11)
    error = error_of(tmp_path, "d.toml", '[fleet]\ndriver = "535"\ncompute-capabilities = "8.0"\n')
    assert_names(error, tmp_path / "d.toml", 3, "fleet.compute-capabilities", "expected a list", column=24)


def test_first_error_in_the_file_is_reported(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "select: [1]\nfail-on: 3\nfleet: []\n")
    assert error.line == 1


# (4) unknown keys ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "key", "fragment"),
    [
        ("fail_on: error\n", 1, 1, "fail_on", 'unknown key (did you mean "fail-on"?)'),
        ("rule:\n  TF201: error\n", 1, 1, "rule", '(did you mean "rules"?)'),
        ("rules:\n  TF104:\n    severity: warning\n    optons: {}\n", 4, 5, "rules.TF104.optons", '"options"'),
        ("fleet:\n  drivr: '535'\n", 2, 3, "fleet.drivr", 'unknown key (did you mean "driver"?)'),
        ("deny-packages: {npm: [x]}\n", 1, 17, "deny-packages.npm", "expected one of: pip, conda, apt, rpm, apk"),
        (
            "rules:\n  ZZ901: {options: {cnt: 1}}\n",
            2,
            21,
            "rules.ZZ901.options.cnt",
            'unknown option (did you mean "count"?)',
        ),
    ],
)
def test_unknown_keys(tmp_path: Path, text: str, line: int, column: int, key: str, fragment: str) -> None:
    error = error_of(tmp_path, "c.yaml", text)
    assert_names(error, tmp_path / "c.yaml", line, key, fragment, column=column)


def test_unknown_key_in_toml(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.toml", 'fail-on = "error"\n\n[fleet]\ndriver = "535"\ndrivr = "1"\n')
    assert_names(error, tmp_path / "c.toml", 5, "fleet.drivr", "unknown key", column=1)


def test_options_of_a_rule_without_options(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "rules:\n  TF201:\n    options: {x: 1}\n")
    assert_names(
        error, tmp_path / "c.yaml", 3, "rules.TF201.options", "rule TF201 tensorflow-reinstalled takes no options"
    )


def test_empty_options_of_a_rule_without_options_are_fine(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "rules:\n  TF201: {options: {}}\n"), REGISTRY)
    assert config.rules["TF201"].options == {}


# (5) unknown rule ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "key", "fragment"),
    [
        ("rules:\n  TF2O1: error\n", 2, "rules.TF2O1", 'unknown rule id or name "TF2O1" (did you mean "TF201"'),
        ("rules:\n  tensorflow-gpu-pakage: error\n", 2, "rules.tensorflow-gpu-pakage", '"tensorflow-gpu-package"'),
        ("select: [TF201, TF9]\n", 1, "select[1]", 'unknown rule id, name or id prefix "TF9"'),
        ("ignore: [floating-base-tags]\n", 1, "ignore[0]", '(did you mean "floating-base-tag"?)'),
        ('per-file-ignores:\n  "dev/*": [DF0001]\n', 2, "per-file-ignores.dev/*[0]", 'did you mean "DF001"'),
    ],
)
def test_unknown_rules(tmp_path: Path, text: str, line: int, key: str, fragment: str) -> None:
    error = error_of(tmp_path, "c.yaml", text)
    assert_names(error, tmp_path / "c.yaml", line, key, fragment)


def test_same_rule_twice_in_one_file(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "rules:\n  TF206: error\n  tensorflow-gpu-package: info\n")
    assert_names(error, tmp_path / "c.yaml", 3, "rules.tensorflow-gpu-package", "already configured", "rules.TF206")


# (6) bad glob, regex, family, registry -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "column", "key", "fragment"),
    [
        (
            'allowed-bases: ["[unclosed"]\n',
            1,
            17,
            "allowed-bases[0]",
            "opens a [ set at character 1 and never closes it",
        ),
        ('denied-bases: ["nvcr.io/*", ""]\n', 1, 29, "denied-bases[1]", "expected a glob pattern; got an empty string"),
        ('allowed-bases: ["nvcr.io/nvidia/tensorflow: *"]\n', 1, 17, "allowed-bases[0]", "holds whitespace"),
        ('allowed-bases: [" nvcr.io/*"]\n', 1, 17, "allowed-bases[0]", "leading or trailing whitespace"),
        ('allowed-bases: ["nvcr.io/\\t*"]\n', 1, 17, "allowed-bases[0]", "control character"),
        ('families:\n  "mirror.corp/[tf": ngc-tensorflow\n', 2, 3, "families.mirror.corp/[tf", "never closes it"),
        ('per-file-ignores:\n  "dev/[x": [DF001]\n', 2, 3, "per-file-ignores.dev/[x", "never closes it"),
        ("deny-packages: {pip: [tensorflow gpu]}\n", 1, 23, "deny-packages.pip[0]", "holds whitespace"),
        ('require-labels: {a: "(unclosed"}\n', 1, 21, "require-labels.a", "invalid regular expression"),
        ('require-labels: {"a b": null}\n', 1, 18, "require-labels.a b", "expected a label name"),
        ("allowed-families: [ngc-tensorflw]\n", 1, 20, "allowed-families[0]", '(did you mean "ngc-tensorflow"'),
        ("families: {mirror.corp/tf: ngc}\n", 1, 28, "families.mirror.corp/tf", "expected a family"),
        ("trusted-registries: [nvcr.io/nvidia]\n", 1, 22, "trusted-registries[0]", "expected a registry host"),
    ],
)
def test_bad_patterns(tmp_path: Path, text: str, line: int, column: int, key: str, fragment: str) -> None:
    error = error_of(tmp_path, "c.yaml", text)
    assert_names(error, tmp_path / "c.yaml", line, key, fragment, column=column)


def test_glob_edge_cases_that_are_fine(tmp_path: Path) -> None:
    text = (
        'allowed-bases: ["nvcr.io/[[]x", "a.io/[!a]*", "b.io/[]]*", "c.io/[a-z]?"]\n'
        'per-file-ignores: {"my docs/*": [DF001]}\n'
    )
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.rule_options["TF501"]["allowed_bases"] == ["nvcr.io/[[]x", "a.io/[!a]*", "b.io/[]]*", "c.io/[a-z]?"]
    assert config.per_file_ignores == (("my docs/*", ("DF001",)),)


# (7) off as a severity ----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["off", "no", "false", "Off", "NO"])
def test_off_as_a_severity(tmp_path: Path, word: str) -> None:
    error = error_of(tmp_path, "c.yaml", f"rules:\n  TF201: {word}\n")
    assert_names(
        error,
        tmp_path / "c.yaml",
        2,
        "rules.TF201.severity",
        "expected one of error, warning, info, disable; got false",
        "YAML reads a bare off, no or false as the boolean false: write disable",
        column=10,
    )


def test_off_as_a_severity_in_the_long_form(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "rules:\n  TF201:\n    severity: off\n")
    assert_names(error, tmp_path / "c.yaml", 3, "rules.TF201.severity", "write disable", column=15)


def test_on_as_a_severity_and_off_as_fail_on(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "rules:\n  TF201: on\n")
    assert_names(error, tmp_path / "c.yaml", 2, "rules.TF201.severity", "got true", "write error, warning or info")
    error = error_of(tmp_path, "d.yaml", "fail-on: off\n")
    assert_names(error, tmp_path / "d.yaml", 1, "fail-on", "got false", "write never")


def test_quoted_off_is_a_plain_bad_word(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", 'rules:\n  TF201: "off"\n')
    assert_names(error, tmp_path / "c.yaml", 2, "rules.TF201.severity", 'got "off"')
    assert "YAML reads" not in str(error)


def test_toml_false_as_a_severity(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.toml", "[rules]\nTF201 = false\n")
    assert_names(error, tmp_path / "c.toml", 2, "rules.TF201.severity", "got false", "write disable", column=9)


# (8) extends cycle --------------------------------------------------------------------------------------


def test_extends_cycle(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", "extends: b.yaml\n")
    write(tmp_path, "b.yaml", "fail-on: error\nextends: ./c.toml\n")
    write(tmp_path, "c.toml", 'extends = "a.yaml"\n')
    with pytest.raises(ConfigError) as info:
        load_config("a.yaml", REGISTRY)
    assert str(info.value) == "c.toml:1:11: extends: cycle in extends: a.yaml -> b.yaml -> c.toml -> a.yaml"


def test_extends_itself(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "# me\nextends: c.yaml\n")
    assert_names(error, tmp_path / "c.yaml", 2, "extends", "cycle in extends", column=10)


# (9) missing extended file -------------------------------------------------------------------------------


def test_missing_extended_file(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "fail-on: error\nextends: ../org/base.yaml\n")
    shown = display_path(tmp_path / "../org/base.yaml")
    assert_names(error, tmp_path / "c.yaml", 2, "extends", f"the extended file {shown} does not exist", column=10)


def test_missing_extended_file_in_toml(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.toml", 'extends = "base.toml"\n')
    assert_names(error, tmp_path / "c.toml", 1, "extends", "does not exist", column=11)


def test_unknown_preset_name(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "extends: strcit\n")
    assert_names(error, tmp_path / "c.yaml", 1, "extends", 'no preset named "strcit"', '(did you mean "strict"?)')


def test_extends_a_folder(tmp_path: Path) -> None:
    (tmp_path / "base.d").mkdir()
    error = error_of(tmp_path, "c.yaml", "extends: base.d\n")
    assert_names(error, tmp_path / "c.yaml", 1, "extends", "is not a file")


def test_an_error_in_the_extended_file_names_that_file(tmp_path: Path) -> None:
    base = write(tmp_path, "base.yaml", "rules:\n  TF201: off\n")
    error = error_of(tmp_path, "c.yaml", "extends: base.yaml\n")
    assert_names(error, base, 2, "rules.TF201.severity", "write disable")


# (10) invalid driver version ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "column", "key", "fragment"),
    [
        (
            'fleet: {driver: "53x"}\n',
            17,
            "fleet.driver",
            'expected an NVIDIA driver version such as 535 or 535.104.05; got "53x"',
        ),
        ('fleet: {driver: "535.104.05.1"}\n', 17, "fleet.driver", "expected an NVIDIA driver version"),
        ("fleet: {driver: 535.10}\n", 17, "fleet.driver", "write it in quotes"),
        ("fleet: {driver: true}\n", 17, "fleet.driver", "got true"),
        (
            'fleet: {compute-capabilities: ["8"]}\n',
            32,
            "fleet.compute-capabilities[0]",
            "expected a compute capability",
        ),
        ('fleet: {compute-capabilities: ["8.0,9.0"]}\n', 32, "fleet.compute-capabilities[0]", "one list item each"),
    ],
)
def test_invalid_fleet(tmp_path: Path, text: str, column: int, key: str, fragment: str) -> None:
    error = error_of(tmp_path, "c.yaml", text)
    assert_names(error, tmp_path / "c.yaml", 1, key, fragment, column=column)


def test_invalid_driver_in_toml(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.toml", '[fleet]\ndatacenter = true\ndriver = "r535"\n')
    assert_names(error, tmp_path / "c.toml", 3, "fleet.driver", "expected an NVIDIA driver version", column=10)


# other malformed files ------------------------------------------------------------------------------------


def test_top_level_not_a_mapping(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "# policy\n- TF201\n")
    assert str(error).startswith(f"{display_path(tmp_path / 'c.yaml')}:2:1: the top level must be a mapping")


def test_duplicate_yaml_keys(tmp_path: Path) -> None:
    error = error_of(tmp_path, "c.yaml", "fail-on: error\nselect: [TF]\nfail-on: info\n")
    assert_names(error, tmp_path / "c.yaml", 3, "fail-on", "duplicate key (first written at line 1)", column=1)


def test_missing_configuration_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.yaml", REGISTRY)


# nothing but ConfigError escapes ----------------------------------------------------------------------------

_GARBAGE = [
    "x",
    ":",
    "- 1",
    "  - [",
    "{",
    "]",
    "\t",
    '"',
    "'",
    "= =",
    "[[a]]",
    "*",
    "&a",
    "!!binary x",
    "? x",
    "=",
    "[x.y]",
]


@pytest.mark.parametrize(("name", "text"), [("c.yaml", FULL_YAML), ("c.toml", FULL_TOML)])
def test_mangled_configurations_raise_only_config_errors(tmp_path: Path, name: str, text: str) -> None:
    lines = text.splitlines()
    variants = [text[:cut] for cut in range(0, len(text), 5)]
    for index in range(len(lines)):
        for garbage in _GARBAGE:
            variants.append("\n".join([*lines[:index], garbage, *lines[index + 1 :]]))
            variants.append("\n".join([*lines[:index], lines[index] + garbage, *lines[index + 1 :]]))
    path = tmp_path / name
    for variant in variants:
        path.write_text(variant, encoding="utf-8")
        try:
            load_config(path, REGISTRY)
        except ConfigError as exc:
            text_of = str(exc)
            assert text_of.startswith(f"{display_path(path)}:"), text_of
            assert "\n" not in text_of
