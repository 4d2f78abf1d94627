"""What the GPU fleet an image will run on is known to have: its driver and compute capabilities."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DRIVER_RE = re.compile(r"^\d{2,4}(\.\d{1,3}){0,2}$")
_CAPABILITY_RE = re.compile(r"^\d{1,2}\.\d$")


class FleetError(ValueError):
    """A driver version or compute capability that cannot be understood."""


def version_key(version: str) -> tuple[int, ...]:
    """``"525.60.13"`` -> ``(525, 60, 13)``, for comparisons."""
    return tuple(int(part) for part in version.split("."))


@dataclass(frozen=True)
class Fleet:
    """The fleet's NVIDIA driver (e.g. ``535.104.05``) and GPU compute capabilities (e.g. ``8.0``)."""

    driver: str | None = None
    compute_capabilities: tuple[str, ...] = ()
    #: Data-centre GPUs (CUDA forward compatibility possible): True, False, or None when unknown.
    datacenter: bool | None = None

    @classmethod
    def parse(cls, driver: str | None, capabilities: list[str], datacenter: bool | None = None) -> Fleet:
        """Validate command-line values; raises :class:`FleetError` with a clear message."""
        if driver is not None and not _DRIVER_RE.match(driver.strip()):
            raise FleetError(f"--driver {driver!r} is not a driver version such as 535 or 535.104.05")
        found: list[str] = []
        for value in capabilities:
            for item in (part.strip() for part in value.split(",")):
                if not _CAPABILITY_RE.match(item):
                    raise FleetError(f"--compute-capability {item!r} is not a capability such as 8.0 or 9.0")
                if item not in found:
                    found.append(item)
        return cls(driver.strip() if driver else None, tuple(found), datacenter)
