"""The ``python3`` that ``apt-get install python3`` (or any ``python3-*`` package) gives on Ubuntu and Debian.

Each row names the release, the Python minor its ``python3`` (source package ``python3-defaults``)
depends on, the package version seen, the evidence level and the page it was read from. A
release that is not in the table is unknown: callers must not guess its Python.

Ubuntu 16.04 and 18.04 are no longer on packages.ubuntu.com; their rows are inferred from the
release notes quoted below and from NVIDIA's container release notes (the ``py3`` images built
on those releases carry their ``python3``), so they are marked ``inferred``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class DistroPython:
    """The default ``python3`` of one distribution release, and where that fact comes from."""

    distro: str
    release: str
    codename: str
    python: str
    package_version: str | None
    evidence: str
    source: str
    note: str = ""

    @property
    def label(self) -> str:
        """``Ubuntu 22.04`` / ``Debian 12 (bookworm)``."""
        if self.distro == "ubuntu":
            return f"Ubuntu {self.release}"
        return f"Debian {self.release} ({self.codename})"


ROWS: tuple[DistroPython, ...] = (
    DistroPython("ubuntu", "24.04", "noble", "3.12", "3.12.3-0ubuntu1", "verified",
                 "https://packages.ubuntu.com/noble/python3",
                 "python3 3.12.3-0ubuntu1 (noble-updates 3.12.3-0ubuntu2.1) depends on python3.12"),
    DistroPython("ubuntu", "22.04", "jammy", "3.10", "3.10.4-0ubuntu2", "verified",
                 "https://packages.ubuntu.com/jammy/python3",
                 "python3 3.10.4-0ubuntu2 (jammy-updates 3.10.6-1~22.04) depends on python3.10"),
    DistroPython("ubuntu", "20.04", "focal", "3.8", "3.8.2-0ubuntu2", "verified",
                 "https://packages.ubuntu.com/focal/python/python3",
                 "python3 3.8.2-0ubuntu2 depends on python3.8"),
    DistroPython("ubuntu", "18.04", "bionic", "3.6", None, "inferred",
                 "https://wiki.ubuntu.com/BionicBeaver/ReleaseNotes",
                 "release notes: 'Python 3 has been updated to 3.6' (quoted at "
                 "https://super-unix.com/ubuntu/ubuntu-is-python-2-7-still-the-default-python-version-in-ubuntu-2/); "
                 "NGC 19.09 py3 image on Ubuntu 18.04 'contains Python 3.6' "
                 "(https://docs.nvidia.com/deeplearning/frameworks/tensorflow-release-notes/rel_19.09.html)"),
    DistroPython("ubuntu", "16.04", "xenial", "3.5", None, "inferred",
                 "https://docs.nvidia.com/deeplearning/dgx/tensorflow-release-notes/rel_18.06.html",
                 "NGC 18.06-18.12 py3 images on Ubuntu 16.04 ship Python 3.5 (KB sources nv_rn_1806..nv_rn_1812); "
                 "no packages.ubuntu.com page for xenial was available"),
    DistroPython("debian", "13", "trixie", "3.13", "3.13.5-1", "verified",
                 "https://packages.debian.org/src:python3-defaults",
                 "python3-defaults: trixie 3.13.5-1 ('currently v3.13')"),
    DistroPython("debian", "12", "bookworm", "3.11", "3.11.2-1", "verified",
                 "https://packages.debian.org/bookworm/python3",
                 "python3 3.11.2-1+b1: 'depends on Debian's default Python 3 version (currently v3.11)'"),
    DistroPython("debian", "11", "bullseye", "3.9", "3.9.2-3", "verified",
                 "https://packages.debian.org/bullseye/python3",
                 "python3 3.9.2-3: 'depends on Debian's default Python 3 version (currently v3.9)'"),
    DistroPython("debian", "10", "buster", "3.7", "3.7.3-1", "verified",
                 "https://packages.debian.org/buster/python3",
                 "python3 3.7.3-1: 'depends on Debian's default Python 3 version (currently v3.7)'"),
)  # fmt: skip

_IMAGE_DISTROS = {"ubuntu": "ubuntu", "library/ubuntu": "ubuntu", "debian": "debian", "library/debian": "debian"}
_NUMBER_RE = re.compile(r"^(\d+(?:\.\d+)?)")


def default_python3(distro: str, release: str) -> DistroPython | None:
    """The row for ``ubuntu``/``debian`` and a release number or codename; None when unknown."""
    distro = distro.lower()
    release = release.lower()
    for row in ROWS:
        if row.distro != distro:
            continue
        if release == row.codename:
            return row
        if distro == "ubuntu" and release == row.release:
            return row
        if distro == "debian" and release.split(".", 1)[0] == row.release:
            return row
    return None


def release_of_tag(distro: str, tag: str | None) -> str | None:
    """The release an image tag names: ``jammy-20240227`` -> ``jammy``, ``12.5-slim`` -> ``12.5``."""
    if not tag:
        return None
    head = tag.lower().split("-", 1)[0]
    match = _NUMBER_RE.match(head)
    if match:
        return match.group(1) if match.group(1) == head else None
    codenames = {row.codename for row in ROWS if row.distro == distro}
    return head if head in codenames else None


def for_image(name: str, tag: str | None) -> DistroPython | None:
    """The default ``python3`` of an ``ubuntu:<tag>`` / ``debian:<tag>`` image; None when unknown."""
    distro = _IMAGE_DISTROS.get(name.lower())
    release = release_of_tag(distro, tag) if distro else None
    return default_python3(distro, release) if distro and release else None
