"""Finding the configuration file of a folder: names, order, pyproject tables, the repository root, the cache."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tfimage_lint.config.discovery import CONFIG_NAMES, clear_cache, find_config, has_tool_table


@pytest.fixture(autouse=True)
def fresh_cache() -> Iterator[None]:
    clear_cache()
    yield
    clear_cache()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    return root


def test_names_in_order(repo: Path) -> None:
    for name in reversed(CONFIG_NAMES):
        (repo / name).write_text("")
        assert find_config(repo) == repo / name
        clear_cache()
    assert CONFIG_NAMES == (".tfimage-lint.yaml", ".tfimage-lint.yml", ".tfimage-lint.toml")


def test_dedicated_file_wins_over_pyproject(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[tool.tfimage-lint]\nfail-on = "error"\n')
    (repo / ".tfimage-lint.toml").write_text("")
    assert find_config(repo) == repo / ".tfimage-lint.toml"


def test_pyproject_with_a_table(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.tfimage-lint.rules]\nTF201 = "info"\n')
    assert find_config(repo) == repo / "pyproject.toml"


def test_pyproject_without_a_table_is_skipped(repo: Path) -> None:
    sub = repo / "pkg"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["tfimage-lint"]\n')
    (repo / ".tfimage-lint.yml").write_text("")
    assert find_config(sub) == repo / ".tfimage-lint.yml"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[tool.tfimage-lint]\nfail-on = "error"\n', True),
        ('[tool."tfimage-lint"]\n', True),
        ('[ tool . tfimage-lint . fleet ]\ndriver = "535"\n', True),
        ('[tool]\ntfimage-lint = { fail-on = "error" }\n', True),
        ('tool.tfimage-lint.fail-on = "error"\n', True),
        ("[tool.tfimage-lint]\nbroken = \n", True),  # loading reports the syntax error
        ('[project]\ndependencies = ["tfimage-lint"]\n', False),
        ("[tool.ruff]\nline-length = 120\n", False),
        ("[tool\ntfimage-lint = 1\n", False),
    ],
)
def test_has_tool_table(tmp_path: Path, text: str, expected: bool) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    assert has_tool_table(path) is expected


def test_searches_upward_from_the_start_folder(repo: Path) -> None:
    deep = repo / "a" / "b" / "c"
    deep.mkdir(parents=True)
    (repo / "a" / ".tfimage-lint.yaml").write_text("")
    assert find_config(deep) == repo / "a" / ".tfimage-lint.yaml"
    assert find_config(repo / "a") == repo / "a" / ".tfimage-lint.yaml"
    assert find_config(repo) is None


def test_stops_after_the_repository_root(tmp_path: Path) -> None:
    (tmp_path / ".tfimage-lint.yaml").write_text("")  # above the repository: not used
    repo = tmp_path / "repo"
    (repo / "src").mkdir(parents=True)
    (repo / ".git").write_text("gitdir: elsewhere\n")  # a worktree or submodule has a .git file
    assert find_config(repo / "src") is None
    (repo / ".tfimage-lint.toml").write_text("")  # at the repository root: used
    clear_cache()
    assert find_config(repo / "src") == repo / ".tfimage-lint.toml"


def test_without_a_repository_the_search_reaches_the_filesystem_root(tmp_path: Path) -> None:
    (tmp_path / ".tfimage-lint.yaml").write_text("")
    deep = tmp_path / "x" / "y"
    deep.mkdir(parents=True)
    assert find_config(deep) == tmp_path / ".tfimage-lint.yaml"
    assert find_config(Path("/")) in (None, Path("/.tfimage-lint.yaml"))


def test_relative_start_folder(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / ".tfimage-lint.yaml").write_text("")
    (repo / "sub").mkdir()
    monkeypatch.chdir(repo / "sub")
    found = find_config(Path("."))
    assert found == repo / ".tfimage-lint.yaml"
    assert found is not None and found.is_absolute()


def test_results_are_cached_per_folder(repo: Path) -> None:
    sub = repo / "sub"
    sub.mkdir()
    assert find_config(sub) is None
    (repo / ".tfimage-lint.yaml").write_text("")
    assert find_config(sub) is None  # cached, for this folder and the ones above it
    assert find_config(repo) is None
    clear_cache()
    assert find_config(sub) == repo / ".tfimage-lint.yaml"


def test_a_folder_named_like_a_configuration_is_ignored(repo: Path) -> None:
    (repo / ".tfimage-lint.yaml").mkdir()
    (repo / ".tfimage-lint.toml").write_text("")
    assert find_config(repo) == repo / ".tfimage-lint.toml"
