"""Reading configuration files: plain data, and where each key and value is written."""

from __future__ import annotations

from pathlib import Path

import pytest

from tfimage_lint.config.errors import ConfigError
from tfimage_lint.config.sources import dotted, kind_name, kind_of, parse_source, parse_toml, parse_yaml, read_source

YAML_TEXT = """\
# a comment
extends: strict
rules:
  TF201: error
  TF104:
    severity: warning
    options: {max_ngc_age_days: 365}
allowed-bases:
  - "nvcr.io/nvidia/tensorflow:*"
  - python:3.11*
"""

TOML_TEXT = """\
# a comment
extends = "strict"
allowed-bases = [
  "nvcr.io/nvidia/tensorflow:*",  # NGC
  'python:3.11*',
]
fleet = { driver = "535.104.05", compute-capabilities = ["8.0", "9.0"] }
notes = \"\"\"
not = a key
\"\"\"

[rules]
TF201 = "error"
"tensorflow-gpu-package" = "warning"
TF104.severity = "warning"

[rules.TF104.options]
max_ngc_age_days = 365

[per-file-ignores]
"docker/dev/**" = ["DF001"]

[[things]]
name = "a"

[[things]]
name = "b"
"""


def test_dotted() -> None:
    assert dotted(("rules", "TF201", "severity")) == "rules.TF201.severity"
    assert dotted(("allowed-bases", 0)) == "allowed-bases[0]"
    assert dotted(("fleet", "compute-capabilities", 1)) == "fleet.compute-capabilities[1]"
    assert dotted(()) == ""


def test_kind_name() -> None:
    assert kind_name("eror") == '"eror"'
    assert kind_name(3) == "3"
    assert kind_name(False) == "false"
    assert kind_name(None) == "null"
    assert kind_name([1]) == "a list"
    assert kind_name({"a": 1}) == "a mapping"


def test_kind_of() -> None:
    assert kind_of("x/.tfimage-lint.yaml") == "yaml"
    assert kind_of(".tfimage-lint.yml") == "yaml"
    assert kind_of(".tfimage-lint.toml") == "toml"
    assert kind_of("a/pyproject.toml") == "pyproject"
    assert kind_of("policy") == "yaml"


def test_config_error_str() -> None:
    error = ConfigError("expected one of x; got y", file="policies/prod.yaml", line=12, column=5, key="rules.TF201")
    assert str(error) == "policies/prod.yaml:12:5: rules.TF201: expected one of x; got y"
    assert str(ConfigError("boom", file="a.yaml")) == "a.yaml: boom"
    assert str(ConfigError("boom")) == "boom"
    assert (error.file, error.line, error.column, error.key) == ("policies/prod.yaml", 12, 5, "rules.TF201")


def test_yaml_data_and_positions() -> None:
    source = parse_yaml(YAML_TEXT, "c.yaml")
    assert source.data == {
        "extends": "strict",
        "rules": {"TF201": "error", "TF104": {"severity": "warning", "options": {"max_ngc_age_days": 365}}},
        "allowed-bases": ["nvcr.io/nvidia/tensorflow:*", "python:3.11*"],
    }
    assert source.keys[("extends",)] == (2, 1)
    assert source.values[("extends",)] == (2, 10)
    assert source.keys[("rules", "TF201")] == (4, 3)
    assert source.values[("rules", "TF201")] == (4, 10)
    assert source.keys[("rules", "TF104", "options", "max_ngc_age_days")] == (7, 15)
    assert source.values[("rules", "TF104", "options", "max_ngc_age_days")] == (7, 33)
    assert source.values[("allowed-bases", 1)] == (10, 5)
    assert source.where(("rules", "TF201")) == "c.yaml:4:3"
    # a path that is not written falls back to the nearest enclosing one
    assert source.position(("rules", "TF201", "severity")) == (4, 10)
    assert source.position(("rules", "TF104", "severity"), key=True) == (6, 5)


def test_yaml_label_in_provenance() -> None:
    source = parse_yaml("fail-on: warning\n", "policies/strict.yaml", label="preset strict")
    assert source.where(("fail-on",)) == "preset strict (policies/strict.yaml:1:1)"


def test_yaml_anchors_and_merge_keys() -> None:
    text = "base: &b {severity: warning}\nrules:\n  TF104:\n    <<: *b\n    severity: error\n"
    source = parse_yaml(text, "c.yaml")
    assert source.data["rules"]["TF104"] == {"severity": "error"}


def test_yaml_empty_and_comment_only() -> None:
    assert parse_yaml("", "c.yaml").data == {}
    assert parse_yaml("# nothing\n\n", "c.yaml").data == {}


def test_yaml_syntax_error_has_line_column_and_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("rules:\n  TF201: error\n  TF202: [error\n", "c.yaml")
    error = info.value
    assert error.file == "c.yaml"
    assert error.line == 4
    assert error.key == "rules.TF202"
    assert "invalid YAML" in str(error)


def test_yaml_tab_indentation_is_a_syntax_error() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("fleet:\n\tdriver: '535'\n", "c.yaml")
    assert info.value.line == 2
    assert "invalid YAML" in info.value.message


def test_yaml_two_documents() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("fail-on: error\n---\nfail-on: info\n", "c.yaml")
    assert info.value.line == 2


def test_yaml_duplicate_keys() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("rules:\n  TF201: error\n  TF201: warning\n", "c.yaml")
    assert str(info.value).startswith("c.yaml:3:3: rules.TF201: duplicate key (first written at line 2)")


def test_yaml_top_level_must_be_a_mapping() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("- extends: strict\n", "c.yaml")
    assert str(info.value) == (
        "c.yaml:1:1: the top level must be a mapping of keys (such as `extends:` or `rules:`); got a list"
    )
    with pytest.raises(ConfigError, match='got "strict"'):
        parse_yaml("strict\n", "c.yaml")


def test_yaml_non_string_keys() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("build-args:\n  on: 1\n", "c.yaml")
    assert info.value.line == 2
    assert info.value.key == "build-args"
    assert 'write "on" in quotes' in info.value.message
    with pytest.raises(ConfigError, match="keys must be strings"):
        parse_yaml("rules:\n  201: error\n", "c.yaml")
    with pytest.raises(ConfigError, match="keys must be strings; got a list"):
        parse_yaml("? [a]\n: 1\n", "c.yaml")


def test_yaml_bad_characters() -> None:
    with pytest.raises(ConfigError) as info:
        parse_yaml("fail-on: warning\nselect: [\x07]\n", "c.yaml")
    assert info.value.line == 2
    assert "invalid YAML" in info.value.message


def test_toml_data_and_positions() -> None:
    source = parse_toml(TOML_TEXT, "c.toml")
    data = source.data
    assert data["rules"] == {
        "TF201": "error",
        "tensorflow-gpu-package": "warning",
        "TF104": {"severity": "warning", "options": {"max_ngc_age_days": 365}},
    }
    assert source.keys[("extends",)] == (2, 1)
    assert source.values[("extends",)] == (2, 11)
    assert source.values[("allowed-bases", 0)] == (4, 3)
    assert source.values[("allowed-bases", 1)] == (5, 3)
    assert source.keys[("fleet", "driver")] == (7, 11)
    assert source.values[("fleet", "compute-capabilities", 1)] == (7, 65)
    assert ("not",) not in source.keys  # inside a multi-line string
    assert source.keys[("rules",)] == (12, 1)
    assert source.keys[("rules", "TF201")] == (13, 1)
    assert source.values[("rules", "TF201")] == (13, 9)
    assert source.keys[("rules", "tensorflow-gpu-package")] == (14, 1)
    assert source.keys[("rules", "TF104", "severity")] == (15, 1)
    assert source.keys[("rules", "TF104")] == (15, 1)
    assert source.keys[("rules", "TF104", "options", "max_ngc_age_days")] == (18, 1)
    assert source.values[("rules", "TF104", "options", "max_ngc_age_days")] == (18, 20)
    assert source.keys[("per-file-ignores", "docker/dev/**")] == (21, 1)
    assert source.keys[("things", 1, "name")] == (27, 1)


def test_toml_positions_count_characters_not_bytes() -> None:
    source = parse_toml('label = "é"\nfail-on = "x"\n[build-args]\n"é" = "1"\n', "c.toml")
    assert source.values[("fail-on",)] == (2, 11)
    assert source.keys[("build-args", "é")] == (4, 1)


def test_toml_syntax_error_has_line_column_and_key() -> None:
    with pytest.raises(ConfigError) as info:
        parse_toml('[rules]\nTF201 = "error"\nTF202 = eror\n', "c.toml")
    error = info.value
    assert (error.file, error.line, error.key) == ("c.toml", 3, "rules.TF202")
    assert error.column is not None
    assert str(error).startswith("c.toml:3:")
    assert "invalid TOML" in str(error)


def test_toml_duplicate_keys_are_syntax_errors() -> None:
    with pytest.raises(ConfigError) as info:
        parse_toml('fail-on = "error"\nfail-on = "info"\n', "c.toml")
    assert info.value.line == 2


def test_toml_error_at_end_of_document() -> None:
    with pytest.raises(ConfigError) as info:
        parse_toml('select = ["TF201"', "c.toml")
    assert info.value.line == 1


def test_pyproject_table_is_rerooted() -> None:
    text = (
        '[project]\nname = "x"\n\n[tool.tfimage-lint]\nfail-on = "error"\n\n[tool.tfimage-lint.rules]\nTF201 = "info"\n'
    )
    source = parse_source(text, "pyproject.toml", "pyproject")
    assert source.data == {"fail-on": "error", "rules": {"TF201": "info"}}
    assert source.keys[("fail-on",)] == (5, 1)
    assert source.keys[("rules", "TF201")] == (8, 1)
    assert source.position(()) == (4, 1)


def test_pyproject_dotted_keys() -> None:
    text = '[tool]\ntfimage-lint.fail-on = "error"\n'
    source = parse_source(text, "pyproject.toml", "pyproject")
    assert source.data == {"fail-on": "error"}
    assert source.keys[("fail-on",)] == (2, 1)


def test_pyproject_without_table() -> None:
    with pytest.raises(ConfigError, match=r"^pyproject.toml: has no \[tool.tfimage-lint\] table"):
        parse_source('[project]\nname = "x"\n', "pyproject.toml", "pyproject")


def test_pyproject_table_not_a_table() -> None:
    with pytest.raises(ConfigError) as info:
        parse_source("[tool]\ntfimage-lint = 3\n", "pyproject.toml", "pyproject")
    assert info.value.line == 2
    assert info.value.key == "tool.tfimage-lint"


def test_read_source_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="configuration file not found"):
        read_source(tmp_path / "missing.yaml")
    with pytest.raises(ConfigError, match="is a folder"):
        read_source(tmp_path)
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(b"fail-on: error\nselect: [\xff]\n")
    with pytest.raises(ConfigError) as info:
        read_source(bad)
    assert (info.value.line, info.value.column) == (2, 10)
    assert "not UTF-8" in info.value.message


def test_read_source_strips_bom(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_bytes('\ufefffail-on = "error"\n'.encode())
    assert read_source(path).data == {"fail-on": "error"}


TRICKY_TOML = """\
a."b.c" = 1
"x y".z = 'lit # not a comment'
s = \"\"\"multi \\\"\"\" quote
line\"\"\"
l = '''lit
#x'''
arr = [ {a = 1, b = [1, 2]}, {a = 2} ] # c
nested = [[1, 2], [3, [4, 5]]]
d = 1979-05-27 07:32:00Z
[t."q.k"]
x = -inf
[[aot]]
n = 1
[[aot]]
n = 2
[aot.sub]
m = 3
[[aot.deeper]]
k = 1
"""


def _paths(data: object, prefix: tuple = ()) -> list[tuple[tuple, str]]:
    found: list[tuple[tuple, str]] = []
    if isinstance(data, dict):
        for key, value in data.items():
            found.append(((*prefix, key), "key"))
            found.extend(_paths(value, (*prefix, key)))
    elif isinstance(data, list):
        for index, value in enumerate(data):
            found.append(((*prefix, index), "value"))
            found.extend(_paths(value, (*prefix, index)))
    return found


@pytest.mark.parametrize("text", [TOML_TEXT, TRICKY_TOML], ids=["config", "tricky"])
def test_toml_scanner_finds_every_key_and_item(text: str) -> None:
    source = parse_toml(text, "c.toml")
    missing = [
        path
        for path, kind in _paths(source.data)
        if (source.keys if kind == "key" else source.values).get(path) is None
    ]
    assert missing == []


def test_toml_arrays_of_tables_and_their_subtables() -> None:
    source = parse_toml(TRICKY_TOML, "c.toml")
    assert source.data["aot"][1] == {"n": 2, "sub": {"m": 3}, "deeper": [{"k": 1}]}
    assert source.keys[("aot", 1, "sub", "m")] == (17, 1)
    assert source.keys[("aot", 1, "deeper", 0, "k")] == (19, 1)
    assert source.keys[("a", "b.c")] == (1, 1)
    assert source.keys[("x y", "z")] == (2, 1)
    assert source.values[("nested", 1, 1, 0)] == (8, 24)
    assert source.keys[("arr", 1, "a")] == (7, 31)
