"""TF102 base-not-digest-pinned: off by default, on when selected by id or name."""

from __future__ import annotations

import pytest

from tests.conftest import ids_and_lines

DIGEST = "sha256:" + "a" * 64


def test_off_by_default(lint):
    assert ids_and_lines(lint("FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3\n"), "TF102") == []


def test_prefix_selection_does_not_turn_it_on(lint):
    assert ids_and_lines(lint("FROM python:3.11\n", select=["TF1"]), "TF102") == []


@pytest.mark.parametrize("selector", ["TF102", "base-not-digest-pinned"])
def test_selected_by_id_or_name(lint, selector):
    text = f"ARG TAG=3.11\nFROM python:${{TAG}} AS a\nFROM python@{DIGEST}\nFROM a\nFROM scratch\nFROM $UNSET\n"
    findings = lint(text, select=[selector])
    assert ids_and_lines(findings, "TF102") == [("TF102", 2)]
    assert findings[0].message == "python:3.11 is not pinned by digest (@sha256:...)"
