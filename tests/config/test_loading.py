"""Loading configurations: every key, the three syntaxes, extends chains, precedence and provenance."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml

from tfimage_lint.config.describe import describe, rule_states
from tfimage_lint.config.effective import POLICY_KEYS, EffectiveConfig, RuleOverride
from tfimage_lint.config.errors import ConfigError
from tfimage_lint.config.loading import PRESET_NAMES, display_path, load_config, preset_config, preset_path
from tfimage_lint.findings import Finding, Severity
from tfimage_lint.fleet import Fleet
from tfimage_lint.model.families import Family
from tfimage_lint.registry import RuleRegistry, load_registry
from tfimage_lint.rule import Option, Rule, RuleContext


class FakeOptionsRule(Rule):
    """A rule with options, for tests."""

    id = "ZZ901"
    name = "fake-options"
    severity = Severity.WARNING
    option_specs = MappingProxyType(
        {
            "count": Option(int, 3, "how many"),
            "names": Option(list[str], [], "which"),
        }
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from ()


class FakeBaseRule(Rule):
    """A stand-in for TF501 that declares the options its policy keys set."""

    id = "TF501"
    name = "base-not-allowed"
    severity = Severity.ERROR
    option_specs = MappingProxyType(
        {
            "allowed_bases": Option(list[str], [], "globs"),
            "denied_bases": Option(list[str], [], "globs"),
        }
    )

    def check(self, ctx: RuleContext) -> Iterator[Finding]:
        yield from ()


BUILTIN = load_registry(include_plugins=False)
REGISTRY = RuleRegistry(
    tuple(
        sorted(
            [*(rule for rule in BUILTIN.rules if rule.id != "TF501"), FakeOptionsRule, FakeBaseRule],
            key=lambda rule: rule.id,
        )
    )
)

FULL_YAML = """\
fail-on: info
select: [TF, DF001]
ignore: [DF016]
rules:
  TF201: error
  tensorflow-gpu-package: warning
  TF102: Warning
  DF004: disable
  ZZ901: {severity: info, options: {count: 5, names: [a, b]}}
per-file-ignores:
  "docker/dev/**": [DF001, TF10]
build-args: {CUDA_VERSION: "12.2.0", PY: 3}
families:
  "registry.corp/mirror/nvidia/tensorflow": ngc-tensorflow
fleet: {driver: "535.104.05", compute-capabilities: ["8.0", "9.0"], datacenter: true}
min-tensorflow: "2.16"
max-base-age-days: 540
allowed-bases: ["nvcr.io/nvidia/tensorflow:*"]
denied-bases: ["docker.io/tensorflow/tensorflow:latest*"]
trusted-registries: [nvcr.io, Docker.IO]
deny-packages: {pip: [Tensorflow_GPU], apt: [nvidia-driver-*]}
require-labels:
  org.opencontainers.image.source: "https://github.com/.*"
  org.opencontainers.image.version: null
allowed-families: [ngc-tensorflow, ngc-framework]
"""

FULL_TOML = """\
fail-on = "info"
select = ["TF", "DF001"]
ignore = ["DF016"]
min-tensorflow = "2.16"
max-base-age-days = 540
allowed-bases = ["nvcr.io/nvidia/tensorflow:*"]
denied-bases = ["docker.io/tensorflow/tensorflow:latest*"]
trusted-registries = ["nvcr.io", "Docker.IO"]
allowed-families = ["ngc-tensorflow", "ngc-framework"]
build-args = { CUDA_VERSION = "12.2.0", PY = 3 }
fleet = { driver = "535.104.05", compute-capabilities = ["8.0", "9.0"], datacenter = true }

[rules]
TF201 = "error"
tensorflow-gpu-package = "warning"
TF102 = "Warning"
DF004 = "disable"
ZZ901 = { severity = "info", options = { count = 5, names = ["a", "b"] } }

[per-file-ignores]
"docker/dev/**" = ["DF001", "TF10"]

[families]
"registry.corp/mirror/nvidia/tensorflow" = "ngc-tensorflow"

[deny-packages]
pip = ["Tensorflow_GPU"]
apt = ["nvidia-driver-*"]

[require-labels]
"org.opencontainers.image.source" = "https://github.com/.*"
"org.opencontainers.image.version" = ""
"""


def _pyproject(toml: str) -> str:
    lines = ["[project]", 'name = "demo"', "", "[tool.tfimage-lint]"]
    lines.extend(f"[tool.tfimage-lint.{line[1:]}" if line.startswith("[") else line for line in toml.splitlines())
    return "\n".join(lines) + "\n"


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(params=["yaml", "toml", "pyproject"])
def full_config(request: pytest.FixtureRequest, tmp_path: Path) -> EffectiveConfig:
    if request.param == "yaml":
        path = write(tmp_path, ".tfimage-lint.yaml", FULL_YAML)
    elif request.param == "toml":
        path = write(tmp_path, ".tfimage-lint.toml", FULL_TOML)
    else:
        path = write(tmp_path, "pyproject.toml", _pyproject(FULL_TOML))
    return load_config(path, REGISTRY)


def test_pyproject_helper() -> None:
    text = _pyproject(FULL_TOML)
    assert "[tool.tfimage-lint]\nfail-on" in text
    assert "[tool.tfimage-lint.rules]" in text


def test_every_key_reaches_its_field(full_config: EffectiveConfig, tmp_path: Path) -> None:
    config = full_config
    assert config.root == str(tmp_path)
    assert config.path is not None
    assert config.fail_on == "info"
    assert config.select == ("TF", "DF001")
    assert config.ignore == ("DF016",)
    assert dict(config.rules) == {
        "TF201": RuleOverride(Severity.ERROR),
        "TF206": RuleOverride(Severity.WARNING),
        "TF102": RuleOverride(Severity.WARNING),
        "DF004": RuleOverride(None, disabled=True),
        "ZZ901": RuleOverride(Severity.INFO, options={"count": 5, "names": ["a", "b"]}),
    }
    tf10 = tuple(rule.id for rule in REGISTRY.rules if rule.id.startswith("TF10"))
    assert config.per_file_ignores == (("docker/dev/**", ("DF001", *tf10)),)
    assert dict(config.build_args) == {"CUDA_VERSION": "12.2.0", "PY": "3"}
    assert config.families == (("registry.corp/mirror/nvidia/tensorflow", Family.NGC_TENSORFLOW),)
    assert config.fleet == Fleet("535.104.05", ("8.0", "9.0"), True)
    options = {rule_id: dict(values) for rule_id, values in config.rule_options.items()}
    assert options == {
        "TF104": {"min_tensorflow": "2.16", "max_ngc_age_days": 540},
        "TF501": {
            "allowed_bases": ["nvcr.io/nvidia/tensorflow:*"],
            "denied_bases": ["docker.io/tensorflow/tensorflow:latest*"],
        },
        "TF502": {"trusted_registries": ["nvcr.io", "docker.io"]},
        "TF503": {"deny_packages": {"pip": ["tensorflow-gpu"], "apt": ["nvidia-driver-*"]}},
        "TF504": {
            "require_labels": {
                "org.opencontainers.image.source": "https://github.com/.*",
                "org.opencontainers.image.version": None,
            }
        },
        "TF505": {"allowed_families": ["ngc-tensorflow", "ngc-framework"]},
        "ZZ901": {"count": 5, "names": ["a", "b"]},
    }
    # every policy key is covered by this test
    assert {rule_id for rule_id, _option in POLICY_KEYS.values()} <= set(options)
    assert config.severity_of("TF201", Severity.WARNING) is Severity.ERROR
    assert config.disabled() == frozenset({"DF004"})
    assert config.enabled() == frozenset({"TF201", "TF206", "TF102", "ZZ901"})


def test_every_key_has_provenance(full_config: EffectiveConfig) -> None:
    assert set(full_config.provenance) == {
        "fail-on",
        "select",
        "ignore",
        "rules.TF201.severity",
        "rules.TF206.severity",
        "rules.TF102.severity",
        "rules.DF004.severity",
        "rules.ZZ901.severity",
        "rules.ZZ901.options.count",
        "rules.ZZ901.options.names",
        "per-file-ignores.docker/dev/**",
        "build-args.CUDA_VERSION",
        "build-args.PY",
        "families.registry.corp/mirror/nvidia/tensorflow",
        "fleet.driver",
        "fleet.compute-capabilities",
        "fleet.datacenter",
        "min-tensorflow",
        "max-base-age-days",
        "allowed-bases",
        "denied-bases",
        "trusted-registries",
        "deny-packages.pip",
        "deny-packages.apt",
        "require-labels.org.opencontainers.image.source",
        "require-labels.org.opencontainers.image.version",
        "allowed-families",
    }
    path = full_config.path
    assert all(where.startswith(f"{path}:") for where in full_config.provenance.values())


def test_yaml_provenance_lines_and_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "c.yaml", FULL_YAML)
    config = load_config(path, REGISTRY)
    shown = display_path(path)
    assert config.provenance["fail-on"] == f"{shown}:1:1"
    assert config.provenance["rules.TF206.severity"] == f"{shown}:6:3"
    assert config.provenance["rules.ZZ901.options.count"] == f"{shown}:9:37"
    assert config.provenance["fleet.datacenter"] == f"{shown}:15:69"
    assert config.provenance["require-labels.org.opencontainers.image.version"] == f"{shown}:24:3"


def test_toml_provenance_lines_and_columns(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.toml", FULL_TOML), REGISTRY)
    shown = config.path
    assert config.provenance["fail-on"] == f"{shown}:1:1"
    assert config.provenance["fleet.driver"] == f"{shown}:11:11"
    assert config.provenance["rules.TF206.severity"] == f"{shown}:15:1"
    assert config.provenance["deny-packages.apt"] == f"{shown}:28:1"


def test_empty_file_sets_nothing(tmp_path: Path) -> None:
    for name in ("a.yaml", "b.toml"):
        config = load_config(write(tmp_path, name, ""), REGISTRY)
        assert config.provenance == {}
        assert config.rules == {}
        assert config.fail_on == "warning"
        assert config.select is None


def test_null_is_not_set(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "select:\nfail-on: null\nfleet:\n  driver:\n"), REGISTRY)
    assert config.select is None
    assert config.fail_on == "warning"
    assert config.fleet == Fleet()
    assert config.provenance == {}


def test_display_path_is_relative_inside_the_current_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    path = write(tmp_path, "sub/c.yaml", "fail-on: error\n")
    assert display_path(path) == "sub/c.yaml"
    assert load_config(path, REGISTRY).provenance["fail-on"] == "sub/c.yaml:1:1"
    assert display_path("/elsewhere/c.yaml") == "/elsewhere/c.yaml"


# -- rules and options ---------------------------------------------------------------------------------


def test_rules_by_id_or_name_any_case(tmp_path: Path) -> None:
    text = "rules:\n  tf201: ERROR\n  Tensorflow-GPU-Package: info\n  df016: { severity: disable }\n"
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.rules["TF201"].severity is Severity.ERROR
    assert config.rules["TF206"].severity is Severity.INFO
    assert config.rules["DF016"].disabled
    assert config.provenance["rules.TF206.severity"].endswith(":3:3")


def test_options_only_without_severity(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "rules:\n  ZZ901: {options: {count: 0}}\n"), REGISTRY)
    assert config.rules["ZZ901"] == RuleOverride(None, False, {"count": 0})
    assert config.rule_options["ZZ901"] == {"count": 0}
    assert config.enabled() == frozenset()


def test_policy_option_through_rules_options_is_checked_like_the_key(tmp_path: Path) -> None:
    text = 'rules:\n  TF501:\n    options:\n      allowed_bases: ["nvcr.io/*"]\n'
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.rule_options["TF501"] == {"allowed_bases": ["nvcr.io/*"]}
    bad = 'rules:\n  TF501:\n    options:\n      allowed_bases: ["nvcr.io/[x"]\n'
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, "d.yaml", bad), REGISTRY)
    assert info.value.key == "rules.TF501.options.allowed_bases[0]"
    assert info.value.line == 4


def test_top_level_policy_key_wins_over_rules_options_in_the_same_file(tmp_path: Path) -> None:
    text = 'rules:\n  TF501: {options: {allowed_bases: ["a.io/*"]}}\nallowed-bases: ["b.io/*"]\n'
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.rule_options["TF501"]["allowed_bases"] == ["b.io/*"]


def test_select_and_ignore_accept_ids_names_prefixes_and_all(tmp_path: Path) -> None:
    text = "select: [ALL, tf2, floating-base-tag]\nignore: [df0]\n"
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.select == ("ALL", "tf2", "floating-base-tag")
    assert config.ignore == ("df0",)


def test_pip_names_are_normalised_and_registries_lowercased(tmp_path: Path) -> None:
    text = (
        "deny-packages: {pip: [Tensorflow.GPU, tensorflow_gpu], conda: [cudatoolkit]}\ntrusted-registries: [NVCR.io]\n"
    )
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.rule_options["TF503"]["deny_packages"] == {"pip": ["tensorflow-gpu"], "conda": ["cudatoolkit"]}
    assert config.rule_options["TF502"]["trusted_registries"] == ["nvcr.io"]


def test_registry_with_port_and_localhost(tmp_path: Path) -> None:
    text = "trusted-registries: [registry.corp:5000, localhost:5000, docker.io]\n"
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    assert config.rule_options["TF502"]["trusted_registries"] == ["registry.corp:5000", "localhost:5000", "docker.io"]


def test_capabilities_as_numbers_and_driver_as_integer(tmp_path: Path) -> None:
    config = load_config(
        write(tmp_path, "c.yaml", "fleet: {driver: 535, compute-capabilities: [8.0, 9.0]}\n"), REGISTRY
    )
    assert config.fleet == Fleet("535", ("8.0", "9.0"))


def test_today_option_accepts_a_date(tmp_path: Path) -> None:
    import datetime

    class DatedRule(FakeOptionsRule):
        """Fake."""

        id = "ZZ902"
        name = "fake-dated"
        option_specs = MappingProxyType({"today": Option(datetime.date, None, "date")})

    registry = RuleRegistry((*REGISTRY.rules, DatedRule))
    config = load_config(write(tmp_path, "c.yaml", "rules:\n  ZZ902: {options: {today: 2024-05-01}}\n"), registry)
    assert config.rule_options["ZZ902"] == {"today": datetime.date(2024, 5, 1)}


# -- extends and precedence ------------------------------------------------------------------------------


def test_extends_a_preset_by_name(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "extends: strict\nrules:\n  TF106: info\n"), REGISTRY)
    assert config.rules["TF102"].severity is Severity.WARNING  # from the preset
    assert config.rules["TF106"].severity is Severity.INFO  # the file wins
    assert config.fail_on == "warning"
    assert config.provenance["rules.TF106.severity"] == f"{config.path}:3:3"
    line = _line_of(preset_path("strict"), "TF102:")
    assert config.provenance["rules.TF102.severity"] == f"preset strict (policies/strict.yaml:{line}:3)"
    assert config.provenance["fail-on"].startswith("preset strict (policies/strict.yaml:")


def test_extends_preset_name_is_case_insensitive(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "extends: NGC\n"), REGISTRY)
    assert config.rule_options["TF505"]["allowed_families"] == ["ngc-tensorflow", "ngc-framework"]


def _line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip().startswith(needle):
            return number
    raise AssertionError(needle)


def test_extends_relative_path_and_merging(tmp_path: Path) -> None:
    write(
        tmp_path,
        "org/base.yaml",
        """\
fail-on: error
select: [TF]
rules:
  TF201: warning
  ZZ901: {severity: warning, options: {count: 1, names: [x]}}
build-args: {A: "1", B: "2"}
fleet: {driver: "535", compute-capabilities: ["8.0"]}
allowed-bases: ["a.io/*", "b.io/*"]
deny-packages: {pip: [x], apt: [y]}
require-labels: {a: null, b: "v.*"}
per-file-ignores: {"dev/*": [DF001]}
families: {"mirror.corp/tf": ngc-tensorflow, "mirror.corp/cuda": nvidia-cuda}
""",
    )
    child = write(
        tmp_path,
        "team/.tfimage-lint.yaml",
        """\
extends: ../org/base.yaml
select: [DF]
rules:
  tensorflow-reinstalled: error
  ZZ901: {options: {count: 2}}
build-args: {B: "3"}
fleet: {datacenter: false}
allowed-bases: ["c.io/*"]
deny-packages: {apt: [z]}
require-labels: {b: null}
per-file-ignores: {"test/*": [TF101]}
families: {"mirror.corp/tf": ngc-framework}
""",
    )
    config = load_config(child, REGISTRY)
    assert config.fail_on == "error"  # from the base
    assert config.select == ("DF",)  # lists replace
    assert config.rules["TF201"].severity is Severity.ERROR  # written by name in the child, by id in the base
    assert config.rules["ZZ901"] == RuleOverride(Severity.WARNING, False, {"count": 2, "names": ["x"]})
    assert dict(config.build_args) == {"A": "1", "B": "3"}  # mappings merge key by key
    assert config.fleet == Fleet("535", ("8.0",), False)
    assert config.rule_options["TF501"]["allowed_bases"] == ["c.io/*"]
    assert config.rule_options["TF503"]["deny_packages"] == {"pip": ["x"], "apt": ["z"]}
    assert config.rule_options["TF504"]["require_labels"] == {"a": None, "b": None}
    assert dict(config.per_file_ignores) == {"dev/*": ("DF001",), "test/*": ("TF101",)}
    # the child's family patterns are tried first
    assert config.families == (("mirror.corp/tf", Family.NGC_FRAMEWORK), ("mirror.corp/cuda", Family.NVIDIA_CUDA))
    assert config.root == str(tmp_path / "team")
    assert config.provenance["build-args.A"].startswith(str(Path(config.path).parent.parent / "org" / "base.yaml"))
    assert config.provenance["build-args.B"].startswith(config.path)


def test_chain_of_three_with_a_preset_at_the_bottom(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", "extends: strict\nrules: {TF106: error, TF303: info}\nbuild-args: {X: a}\n")
    write(tmp_path, "b.toml", 'extends = "a.yaml"\n[rules]\nTF303 = "error"\n')
    top = write(tmp_path, "c.yaml", "extends: ./b.toml\nrules: {TF303: disable}\nbuild-args: {Y: c}\n")
    config = load_config(top, REGISTRY)
    assert config.rules["TF102"].severity is Severity.WARNING  # strict
    assert config.rules["TF106"].severity is Severity.ERROR  # a
    assert config.rules["TF303"].disabled  # c over b over a over strict
    assert dict(config.build_args) == {"X": "a", "Y": "c"}
    assert config.provenance["rules.TF106.severity"].startswith(str(tmp_path / "a.yaml") + ":2:")
    assert config.provenance["rules.TF303.severity"].startswith(f"{config.path}:2:")
    assert config.provenance["rules.TF102.severity"].startswith("preset strict (")


def test_extends_absolute_path(tmp_path: Path) -> None:
    base = write(tmp_path, "base/x.yaml", "fail-on: never\n")
    config = load_config(write(tmp_path, "c.yaml", f'extends: "{base}"\n'), REGISTRY)
    assert config.fail_on == "never"


def test_later_layer_reenables_a_disabled_rule(tmp_path: Path) -> None:
    write(tmp_path, "base.yaml", "rules: {DF016: disable}\n")
    config = load_config(write(tmp_path, "c.yaml", "extends: base.yaml\nrules: {DF016: warning}\n"), REGISTRY)
    assert config.rules["DF016"] == RuleOverride(Severity.WARNING, False)


def test_preset_config(tmp_path: Path) -> None:
    config = preset_config("strict", REGISTRY)
    assert config.path is None
    assert config.root is None
    assert config.rules["TF102"].severity is Severity.WARNING
    with pytest.raises(ConfigError) as info:
        preset_config("strcit", REGISTRY)
    assert str(info.value) == (
        'unknown policy "strcit"; the presets are default, ngc, strict, workstation (did you mean "strict"?)'
    )


def test_preset_names_match_the_shipped_files() -> None:
    folder = preset_path("default").parent
    assert sorted(path.stem for path in folder.glob("*.yaml")) == sorted(PRESET_NAMES)


# -- describe ---------------------------------------------------------------------------------------------


def test_describe_shows_every_value_with_its_origin(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "extends: strict\n" + FULL_YAML), REGISTRY)
    text = describe(config, REGISTRY)
    lines = text.splitlines()
    for line in lines:
        if line.strip() and not line.startswith("#") and not line.split("  #")[0].rstrip().endswith(":"):
            assert "  # from " in line or "  # default" in line, line
    assert f"fail-on: info  # from {config.path}:2:1" in lines
    assert any(line.startswith("  TF106: warning  # from preset strict (policies/strict.yaml:") for line in lines)
    assert "  DF004: disable  # from" in text
    assert "  DF018: disable  # from" in text  # not selected
    assert '  "docker/dev/**": [DF001, TF101, TF102, TF103, TF104, TF105, TF106, TF108]  # from' in text
    assert "      count: 5  # from" in text
    assert 'min-tensorflow: "2.16"  # from' in text
    assert "  org.opencontainers.image.version: null  # from" in text
    for rule in REGISTRY.rules:
        assert f"  {rule.id}:" in text


def test_describe_output_is_a_configuration_with_the_same_effect(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "c.yaml", "extends: strict\n" + FULL_YAML), REGISTRY)
    text = describe(config, REGISTRY)
    assert isinstance(yaml.safe_load(text), dict)
    again = load_config(write(tmp_path, "again.yaml", text), REGISTRY)
    assert again.fail_on == config.fail_on
    assert again.fleet == config.fleet
    assert dict(again.build_args) == dict(config.build_args)
    assert again.families == config.families
    assert {k: dict(v) for k, v in again.rule_options.items()} == {k: dict(v) for k, v in config.rule_options.items()}
    before = {
        (state.rule.id, state.enabled, state.severity if state.enabled else None)
        for state in rule_states(config, REGISTRY)
    }
    after = {
        (state.rule.id, state.enabled, state.severity if state.enabled else None)
        for state in rule_states(again, REGISTRY)
    }
    assert before == after


def test_describe_defaults() -> None:
    text = describe(EffectiveConfig(), REGISTRY)
    assert text.startswith("# Effective configuration: built-in defaults\n")
    assert "fail-on: warning  # default\n" in text
    assert "select: null  # default (the default selection)\n" in text
    assert "  TF101: error  # default | floating-base-tag\n" in text
    assert "  DF018: disable  # default | apt-unpinned: off by default" in text


def test_rule_states_follow_select_ignore_and_severities(tmp_path: Path) -> None:
    text = "select: [TF1]\nignore: [TF101]\nrules: {DF018: warning, TF103: disable, TF102: info}\n"
    config = load_config(write(tmp_path, "c.yaml", text), REGISTRY)
    states = {state.rule.id: state for state in rule_states(config, REGISTRY)}
    assert states["TF104"].enabled
    assert not states["TF101"].enabled and states["TF101"].reason == "ignored"
    assert not states["TF103"].enabled and states["TF103"].reason == "disabled"
    # a severity turns a rule on only inside the file's `select`
    assert not states["DF018"].enabled and states["DF018"].reason == "not selected"
    assert states["TF102"].enabled and states["TF102"].severity is Severity.INFO
    assert not states["DF001"].enabled and states["DF001"].reason == "not selected"


# -- cheap imports -----------------------------------------------------------------------------------------


def test_importing_the_package_does_not_import_pydantic_or_yaml() -> None:
    code = (
        "import sys, tfimage_lint.config, tfimage_lint.config.discovery, tfimage_lint.config.describe\n"
        "bad = [m for m in ('pydantic', 'yaml', 'tfimage_lint.config.model', 'tfimage_lint.config.loading') "
        "if m in sys.modules]\n"
        "print(bad)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
