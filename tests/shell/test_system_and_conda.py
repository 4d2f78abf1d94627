"""OS package managers (apt/yum/dnf/apk) and conda/mamba/micromamba commands."""

from __future__ import annotations

import pytest

from tfimage_lint.facts import compute_facts
from tfimage_lint.model.build import build_model
from tfimage_lint.packages import CondaCommand, SystemCommand
from tfimage_lint.syntax.parser import parse_dockerfile

HEAD = "FROM ubuntu:22.04\n"


def analysed(text: str):
    """The installs of the last stage."""
    dockerfile = build_model(parse_dockerfile(text.encode("utf-8")), "Dockerfile")
    return compute_facts(dockerfile).installs(dockerfile.stages[-1])


def system(run: str) -> list[SystemCommand]:
    """The OS package commands of ``RUN <run>``."""
    return list(analysed(HEAD + f"RUN {run}\n").system)


def one_system(run: str) -> SystemCommand:
    [command] = system(run)
    return command


def packages(command: SystemCommand) -> list[tuple[str, str | None]]:
    return [(package.name, package.version) for package in command.packages]


def conda(run: str) -> list[CondaCommand]:
    """The conda-family commands of ``RUN <run>``."""
    return list(analysed(HEAD + f"RUN {run}\n").conda)


def one_conda(run: str) -> CondaCommand:
    [command] = conda(run)
    return command


# -- apt ------------------------------------------------------------------------------------------


def test_apt_get_install_with_versions_and_options():
    command = one_system("apt-get install -y --no-install-recommends libcudnn8=8.9.6.50-1+cuda12.2 curl")
    assert (command.manager, command.family, command.action, command.subcommand) == (
        "apt-get",
        "apt",
        "install",
        "install",
    )
    assert packages(command) == [("libcudnn8", "8.9.6.50-1+cuda12.2"), ("curl", None)]
    assert command.options == ("-y", "--no-install-recommends")
    assert command.has_option("-y", "--yes")
    assert command.has_option("--no-install-recommends")
    assert not command.has_option("--allow-downgrades")


def test_package_word_location():
    text = HEAD + "RUN apt-get update && \\\n    apt-get install -y \\\n      libcudnn8=8.9.6.50-1+cuda12.2\n"
    installs = analysed(text)
    install = installs.system[1]
    assert (install.command.line, install.command.column) == (3, 5)
    word = install.packages[0].word
    assert (word.text, word.line, word.column) == ("libcudnn8=8.9.6.50-1+cuda12.2", 4, 7)


@pytest.mark.parametrize(
    ("run", "manager"),
    [("apt-get -qqy install git", "apt-get"), ("apt install --yes git", "apt"), ("aptitude install -y git", "aptitude"),
     ("apt-get install -qy git", "apt-get"), ("DEBIAN_FRONTEND=noninteractive apt-get install -y git", "apt-get"),
     ("sudo apt-get install -y git", "apt-get")],
)  # fmt: skip
def test_apt_yes_spellings(run, manager):
    command = one_system(run)
    assert (command.manager, command.action, packages(command)) == (manager, "install", [("git", None)])
    assert command.has_option("-y", "--yes")


def test_no_yes_option():
    assert not one_system("apt-get install git").has_option("-y", "--yes")


@pytest.mark.parametrize(
    ("run", "action", "subcommand"),
    [("apt-get update", "update", "update"), ("apt-get upgrade -y", "upgrade", "upgrade"),
     ("apt-get dist-upgrade -y", "upgrade", "dist-upgrade"), ("apt-get full-upgrade", "upgrade", "full-upgrade"),
     ("apt upgrade", "upgrade", "upgrade"), ("apt-get remove -y x", "remove", "remove"),
     ("apt-get purge x", "remove", "purge"), ("apt-get clean", "clean", "clean"),
     ("apt-get autoremove -y", "autoremove", "autoremove"), ("apt-get install --reinstall x", "install", "install"),
     ("aptitude safe-upgrade", "upgrade", "safe-upgrade")],
)  # fmt: skip
def test_apt_actions(run, action, subcommand):
    command = one_system(run)
    assert (command.family, command.action, command.subcommand) == ("apt", action, subcommand)


def test_apt_option_values_are_not_packages():
    command = one_system('apt-get -o Dpkg::Options::="--force-confold" -t jammy-backports install -y x')
    assert packages(command) == [("x", None)]
    assert command.options == ("-o=Dpkg::Options::=--force-confold", "-t=jammy-backports", "-y")


def test_apt_architecture_and_release_suffixes():
    command = one_system("apt-get install -y python3:amd64 foo/jammy-backports")
    assert packages(command) == [("python3", None), ("foo", None)]


def test_apt_without_subcommand():
    command = one_system("apt-get -y")
    assert (command.action, command.subcommand, command.packages) == ("", "", ())


# -- rpm ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("run", "manager", "action", "subcommand"),
    [("yum update -y", "yum", "upgrade", "update"), ("yum upgrade -y", "yum", "upgrade", "upgrade"),
     ("dnf update", "dnf", "upgrade", "update"), ("dnf -y upgrade", "dnf", "upgrade", "upgrade"),
     ("microdnf update", "microdnf", "upgrade", "update"), ("yum makecache", "yum", "update", "makecache"),
     ("yum install -y gcc", "yum", "install", "install"), ("dnf remove z", "dnf", "remove", "remove"),
     ("microdnf install python3", "microdnf", "install", "install"), ("yum clean all", "yum", "clean", "clean")],
)  # fmt: skip
def test_rpm_actions(run, manager, action, subcommand):
    command = one_system(run)
    assert (command.manager, command.family, command.action, command.subcommand) == (
        manager,
        "rpm",
        action,
        subcommand,
    )


def test_rpm_packages_and_option_values():
    command = one_system("yum install -y --enablerepo epel gcc make-4.3")
    assert packages(command) == [("gcc", None), ("make-4.3", None)]
    assert command.has_option("-y")
    assert "--enablerepo=epel" in command.options


def test_rpm_update_with_package_names_keeps_them():
    command = one_system("yum update -y cuda-libraries-12-2")
    assert (command.action, packages(command)) == ("upgrade", [("cuda-libraries-12-2", None)])


# -- apk ------------------------------------------------------------------------------------------


def test_apk_add_with_pins():
    command = one_system("apk add --no-cache py3-pip=23.1-r0 bash")
    assert (command.manager, command.family, command.action, command.subcommand) == ("apk", "apk", "install", "add")
    assert packages(command) == [("py3-pip", "23.1-r0"), ("bash", None)]
    assert command.has_option("--no-cache")


def test_apk_virtual_name_is_not_a_package():
    command = one_system("apk add --virtual .build-deps gcc")
    assert packages(command) == [("gcc", None)]
    assert command.options == ("--virtual=.build-deps",)


@pytest.mark.parametrize(
    ("run", "action"),
    [("apk update", "update"), ("apk del bash", "remove"), ("apk upgrade", "upgrade")],
)
def test_apk_actions(run, action):
    assert one_system(run).action == action


def test_several_managers_in_one_run():
    found = system("apt-get update && apt-get install -y curl && apk add x || dnf install -y y")
    assert [(c.manager, c.action, c.command.column) for c in found] == [
        ("apt-get", "update", 5),
        ("apt-get", "install", 23),
        ("apk", "install", 50),
        ("dnf", "install", 63),
    ]


@pytest.mark.parametrize("run", ["echo apt-get install x", "apt-cache search x", "dpkg -i x.deb", "$APT install x"])
def test_not_a_package_manager(run):
    assert system(run) == []


# -- conda ----------------------------------------------------------------------------------------


def conda_packages(command: CondaCommand) -> list[tuple[str, str]]:
    return [(package.name, package.spec) for package in command.packages]


def test_conda_install_with_channel_and_specs():
    command = one_conda('conda install -y -c conda-forge cudnn=8.9 "tensorflow>=2.15" conda-forge::numpy')
    assert (command.manager, command.action) == ("conda", "install")
    assert conda_packages(command) == [("cudnn", "=8.9"), ("tensorflow", ">=2.15"), ("numpy", "")]
    assert command.options == ("-y", "-c=conda-forge")
    assert command.packages[0].word.column == 37


def test_conda_channel_prefixed_spec_with_version():
    command = one_conda("conda install -c nvidia conda-forge::cudnn=8.9.7 cudatoolkit=11.8")
    assert conda_packages(command) == [("cudnn", "=8.9.7"), ("cudatoolkit", "=11.8")]


def test_conda_double_equals_and_build_string():
    command = one_conda("conda install -y tensorflow==2.15.0 cudnn=8.9.2.26=cuda12_0")
    assert conda_packages(command) == [("tensorflow", "==2.15.0"), ("cudnn", "=8.9.2.26=cuda12_0")]


@pytest.mark.parametrize(
    ("run", "manager", "action"),
    [("mamba create -n env python=3.11", "mamba", "install"),
     ("micromamba install -y -c nvidia cuda-toolkit", "micromamba", "install"),
     ("conda remove -y x", "conda", "remove"), ("conda uninstall x", "conda", "remove"),
     ("conda update conda", "conda", "update"), ("conda upgrade --all", "conda", "update")],
)  # fmt: skip
def test_conda_actions(run, manager, action):
    command = one_conda(run)
    assert (command.manager, command.action) == (manager, action)


def test_conda_create_packages_and_env_name():
    command = one_conda("mamba create -n env python=3.11")
    assert conda_packages(command) == [("python", "=3.11")]
    assert command.options == ("-n=env",)


def test_conda_env_create_file():
    command = one_conda("conda env create -f env.yml")
    assert (command.action, [w.text for w in command.files], command.packages) == ("install", ["env.yml"], ())
    command = one_conda("micromamba create -y -p /env --file env.yml")
    assert [w.text for w in command.files] == ["env.yml"]
    assert command.options == ("-y", "-p=/env", "--file=env.yml")


def test_conda_file_option_with_equals():
    command = one_conda("conda install --file=env.yml")
    assert [w.text for w in command.files] == ["env.yml"]


@pytest.mark.parametrize(
    "run", ["conda list", "conda activate x", "conda clean -a", "conda info", "conda", "echo conda install x"]
)
def test_not_a_conda_install(run):
    assert conda(run) == []


def test_conda_run_wraps_pip_not_conda():
    installs = analysed(HEAD + "RUN conda run -n base pip install x\n")
    assert installs.conda == ()
    assert [r.name for i in installs.pip for r in i.requirements] == ["x"]


def test_option_values_are_not_short_option_clusters():
    command = one_system("apt-get -o Dpkg::Use-Pty=0 -c /etc/apt/my.conf install curl")
    assert not command.has_option("-y", "--yes")
    assert one_system("apt-get -qy install curl").has_option("-y", "--yes")
