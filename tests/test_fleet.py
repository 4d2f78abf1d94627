"""Fleet facts from the command line: --driver and --compute-capability."""

from __future__ import annotations

import pytest

from tfimage_lint.fleet import Fleet, FleetError, version_key


def test_parse_and_normalise():
    fleet = Fleet.parse(" 535.104.05 ", ["8.0,9.0", "8.0"])
    assert fleet == Fleet("535.104.05", ("8.0", "9.0"))
    assert version_key("525.60.13") < version_key("535") < version_key("535.104.05")


@pytest.mark.parametrize(
    ("driver", "capabilities", "message"),
    [
        ("latest", [], "--driver 'latest' is not a driver version such as 535 or 535.104.05"),
        (None, ["sm_80"], "--compute-capability 'sm_80' is not a capability such as 8.0 or 9.0"),
        (None, ["8.0,"], "--compute-capability '' is not a capability such as 8.0 or 9.0"),
    ],
)
def test_bad_values(driver, capabilities, message):
    with pytest.raises(FleetError) as info:
        Fleet.parse(driver, capabilities)
    assert str(info.value) == message


def test_cli_rejects_a_bad_driver_with_exit_2(cli, tmp_path):
    path = tmp_path / "Dockerfile"
    path.write_text("FROM alpine:3.19\n", encoding="utf-8")
    result = cli(["--driver", "new", str(path)])
    assert result.exit_code == 2
    assert result.stderr == "tfimage-lint: error: --driver 'new' is not a driver version such as 535 or 535.104.05\n"
