"""The Dockerfile model: stages, resolved bases, scopes, build args, references."""

from __future__ import annotations

from tfimage_lint.model import build_model
from tfimage_lint.model.dockerfile import BaseKind
from tfimage_lint.syntax import parse_text


def model(text, build_args=None):
    return build_model(parse_text(text), "Dockerfile", build_args or {})


def test_stages_names_and_spans():
    df = model("ARG X=1\nFROM alpine AS Build\nRUN a\nRUN b\nFROM build\nCMD c\n")
    assert [(s.index, s.name, s.start_line, s.end_line) for s in df.stages] == [(0, "build", 2, 4), (1, None, 5, 6)]
    assert [i.keyword for i in df.stages[0].instructions] == ["run", "run"]
    assert [i.keyword for i in df.preamble] == ["arg"]
    assert df.global_args == (("X", "1"),)
    assert df.stage_at_line(3).index == 0
    assert df.stage_at_line(6).index == 1
    assert df.stage_at_line(1) is None


def test_base_resolved_from_global_args():
    df = model("ARG REPO=nvcr.io/nvidia/tensorflow\nARG TAG=23.10-tf2-py3\nFROM ${REPO}:${TAG}\n")
    base = df.stages[0].base
    assert base.kind is BaseKind.IMAGE
    assert base.written == "${REPO}:${TAG}"
    assert base.resolved == "nvcr.io/nvidia/tensorflow:23.10-tf2-py3"
    assert base.image.canonical == "nvcr.io/nvidia/tensorflow:23.10-tf2-py3"


def test_build_arg_overrides_default():
    df = model("ARG TAG=2.15.0-gpu\nFROM tensorflow/tensorflow:$TAG\n", {"TAG": "2.16.1-gpu"})
    assert df.stages[0].base.resolved == "tensorflow/tensorflow:2.16.1-gpu"


def test_arg_without_default_is_unresolved_not_guessed():
    df = model("ARG BASE\nFROM $BASE\n")
    base = df.stages[0].base
    assert (base.kind, base.resolved, base.unresolved_variables, base.image) == (
        BaseKind.UNRESOLVED,
        None,
        ("BASE",),
        None,
    )
    assert model("ARG BASE\nFROM $BASE\n", {"BASE": "python:3.11"}).stages[0].base.kind is BaseKind.IMAGE


def test_default_operator_resolves_without_build_arg():
    df = model("ARG TAG\nFROM python:${TAG:-3.11-slim}\n")
    assert df.stages[0].base.resolved == "python:3.11-slim"


def test_arg_defaults_can_use_earlier_args():
    df = model("ARG CUDA=12.2.0\nARG BASE=nvidia/cuda:${CUDA}-runtime-ubuntu22.04\nFROM $BASE\n")
    assert df.stages[0].base.resolved == "nvidia/cuda:12.2.0-runtime-ubuntu22.04"


def test_quoted_arg_default_is_unquoted():
    df = model('ARG IMG="python:3.11"\nFROM $IMG\n')
    assert df.stages[0].base.resolved == "python:3.11"


def test_stage_arg_is_not_visible_in_from():
    df = model("FROM alpine\nARG TAG=1\nFROM python:$TAG\n")
    assert df.stages[1].base.kind is BaseKind.UNRESOLVED


def test_scratch_and_stage_inheritance():
    df = model("FROM nvcr.io/nvidia/tensorflow:23.10-tf2-py3 AS base\nFROM base AS app\nFROM app\nFROM scratch\n")
    kinds = [(s.base.kind, s.base.stage_index) for s in df.stages]
    assert kinds == [(BaseKind.IMAGE, None), (BaseKind.STAGE, 0), (BaseKind.STAGE, 1), (BaseKind.SCRATCH, None)]
    assert df.stages[2].root.image.canonical == "nvcr.io/nvidia/tensorflow:23.10-tf2-py3"


def test_invalid_base_keeps_the_error():
    df = model("FROM Ubuntu:22.04\n")
    base = df.stages[0].base
    assert base.kind is BaseKind.INVALID
    assert base.error == "invalid reference format: repository name 'Ubuntu' must be lowercase"


def test_from_platform_flag_is_expanded():
    df = model("FROM --platform=linux/arm64 alpine\n")
    assert df.stages[0].base.platform == "linux/arm64"


def test_copy_from_references():
    df = model("FROM alpine AS a\nFROM alpine\nCOPY --from=a /x /x\nCOPY --from=0 /y /y\nCOPY --from=busybox:1 /z /z\n")
    refs = [(r.written, r.kind, r.target_stage, r.stage_index) for r in df.copy_from]
    assert refs == [
        ("a", BaseKind.STAGE, 0, 1),
        ("0", BaseKind.STAGE, 0, 1),
        ("busybox:1", BaseKind.IMAGE, None, 1),
    ]


def test_env_and_arg_are_inherited_by_child_stages():
    df = model("FROM alpine AS a\nENV E=1\nARG A=2\nFROM a\nLABEL e=$E a=$A\n")
    defined = {(u.name, u.defined_by) for u in df.variable_uses}
    assert defined == {("E", "ENV"), ("A", "ARG")}


def test_arg_without_default_keeps_an_earlier_value():
    assert model("ARG V=1\nARG V\nFROM img:$V\n").stages[0].base.resolved == "img:1"


def test_build_arg_replaces_the_default_without_evaluating_it():
    df = model("ARG TF=${TF_VERSION:?required}\nFROM tensorflow/tensorflow:$TF-gpu\n", {"TF": "2.15.0"})
    assert df.semantic_errors == ()
    assert df.stages[0].base.resolved == "tensorflow/tensorflow:2.15.0-gpu"


def test_from_names_only_earlier_stages_and_exactly():
    df = model("FROM later AS first\nFROM alpine AS later\nFROM Later\n")
    assert [(s.base.kind, s.base.shadowed_stage) for s in df.stages[:2]] == [
        (BaseKind.IMAGE, 1),
        (BaseKind.IMAGE, None),
    ]
    assert df.stages[2].base.kind is BaseKind.INVALID


def test_invalid_or_blank_base_is_a_semantic_error():
    df = model('ARG E=""\nFROM $E\nFROM a:b:c\n')
    assert [issue.message for issue in df.semantic_errors] == [
        "invalid base image '$E': base name ($E) should not be blank"
        " (the value comes from ARG defaults; set the ARGs with --build-arg)",
        "invalid base image 'a:b:c': invalid reference format: bad repository component 'a:b' in 'a:b:c'",
    ]


def test_variable_use_positions():
    df = model("FROM alpine\nENV A=1 \\\n  B=${MISSING}\n")
    (use,) = df.variable_uses
    assert (use.name, use.line, use.column, use.stage_index, use.defined_by) == ("MISSING", 3, 5, 0, None)
