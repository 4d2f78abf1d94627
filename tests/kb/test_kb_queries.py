"""Queries of the knowledge base, with exact expectations from data.json."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tfimage_lint.kb import Fact, ImageFacts, load_kb
from tfimage_lint.model.imageref import parse_image_ref

NGC = "ngc-tensorflow"
HUB = "dockerhub-tensorflow"
CUDA = "nvidia-cuda"


def facts(ref: str, family: str) -> ImageFacts:
    found = load_kb().facts_for(parse_image_ref(ref), family)
    assert found is not None
    return found


def brief(fact: Fact) -> tuple[str | None, str, tuple[str, ...]]:
    return fact.value, fact.evidence, fact.sources


# ---------------------------------------------------------------- loading
def test_load_kb_is_cached_and_dated():
    assert load_kb() is load_kb()
    assert load_kb().as_of == "2026-11-30"


def test_import_and_query_do_not_load_pydantic_or_yaml():
    code = (
        "import sys, tfimage_lint.kb as kb\n"
        "from tfimage_lint.model.imageref import parse_image_ref\n"
        "kb.load_kb().facts_for(parse_image_ref('tensorflow/tensorflow:2.19.0-gpu'), 'dockerhub-tensorflow')\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'pydantic', 'yaml', 'pydantic_core'}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "[]"


def test_other_families_get_no_facts():
    assert load_kb().facts_for(parse_image_ref("python:3.11"), "python") is None
    assert load_kb().known_tags("python") == []


# ---------------------------------------------------------------- NGC
def test_ngc_2301_cuda_and_driver_are_verified():
    found = facts("nvcr.io/nvidia/tensorflow:23.01-tf2-py3", NGC)
    assert found.family == NGC
    assert found.tag_known is True
    assert brief(found.cuda) == ("12.0.1", "verified", ("nv_rn_2301", "nv_tf1_github_releases"))
    assert brief(found.min_driver) == ("525", "verified", ("nv_rn_2301", "nv_tf1_github_releases"))
    assert found.forward_compat.value == "R450>=450.51, R470>=470.57, R510>=510.47, R515>=515.65, R525>=525.85"
    assert found.tensorflow.value is None  # the 23.01 excerpt names only TF1's version
    assert [brief(c) for c in found.tensorflow.candidates] == [("2.11.0", "unverified", ("jetson_wheels",))]
    assert found.release_date.value == "2023-01"
    assert (found.gpu, found.jupyter, found.variant) == (True, False, "tf2-py3")


def test_ngc_2401_reports_only_non_verified_values():
    found = facts("nvcr.io/nvidia/tensorflow:24.01-tf2-py3", NGC)
    assert found.tag_known is True
    assert brief(found.tag_status) == ("exists", "unverified", ("ctlearn_234",))
    assert brief(found.tensorflow) == ("2.14", "unverified", ("triton_issue_6959", "jetson_wheels"))
    assert [brief(c) for c in found.tensorflow.candidates] == [
        ("2.14.0+nv24.01", "unverified", ("jetson_wheels",)),
        ("TF 2.14 pins install", "unverified", ("ctlearn_234",)),
    ]
    assert brief(found.cuda) == (None, "unknown", ())
    assert [brief(c) for c in found.cuda.candidates] == [("12.3.2", "unverified", ("nv_triton_rn",))]
    assert brief(found.min_driver) == (None, "unknown", ())
    assert [c.value for c in found.min_driver.candidates] == ["545"]
    for name, fact in found.stack().items():
        if name not in ("release_date", "end_of_life"):
            assert fact.evidence in ("unverified", "unknown"), name
    assert brief(found.release_date) == ("2024-01", "inferred", ("nv_docs_nav_2026_03",))


def test_ngc_2502_carries_nvidias_local_version_label():
    found = facts("nvcr.io/nvidia/tensorflow:25.02-tf2-py3", NGC)
    assert brief(found.tensorflow) == (
        "2.17.0+nv25.02",
        "inferred",
        ("banner_2502", "piplist_2502", "wheelname_2502_x86"),
    )
    assert brief(found.python) == ("3.12", "inferred", ("wheelname_2502_x86", "nv_triton_compat_md"))
    assert brief(found.cuda)[:2] == ("12.8", "unverified")
    assert found.end_of_life.value == "2025-02"
    assert brief(load_kb().ngc_last_release())[:2] == ("25.02", "inferred")


def test_ngc_2310_tensorflow_is_conflicting_not_a_value():
    found = facts("nvcr.io/nvidia/tensorflow:23.10-tf2-py3", NGC)
    assert (found.tensorflow.value, found.tensorflow.evidence) == (None, "conflicting")
    assert sorted(c.value for c in found.tensorflow.candidates) == ["2.13.0", "2.14.0"]


def test_ngc_igpu_tags_demote_main_tag_values_and_flag_the_architecture():
    found = facts("nvcr.io/nvidia/tensorflow:25.02-tf2-py3-igpu", NGC)
    assert found.tag_known is True
    assert found.tensorflow.value is None
    assert [c.value for c in found.tensorflow.candidates] == ["2.17.0+nv25.02"]
    assert [p.id for p in found.problems] == ["ngc-igpu-arm64-only"]


@pytest.mark.parametrize(
    ("tag", "known", "evidence"),
    [
        ("25.03-tf2-py3", False, "inferred"),  # after the last release
        ("26.01-tf2-py3", False, "inferred"),
        ("20.04-tf2-py3", False, "inferred"),  # a month without a TF release
        ("23.13-tf2-py3", False, "inferred"),  # not a month
        ("23.04-tf1-py3", False, "verified"),  # TF1 ended with 23.03
        ("18.06-tf2-py3", False, "verified"),  # before the tf1/tf2 split
        ("23.03-tf1-py3", None, "unknown"),
        ("21.07-tf2-py3", None, "unknown"),  # month not in the KB
        ("20.10-py3", None, "unknown"),
        ("23.11-tf2-py3", True, "inferred"),  # release notes exist; tag form of the era
        ("19.11-tf1-py2", True, "verified"),
        ("18.06-py2", True, "verified"),
        ("latest", None, "unknown"),
    ],
)
def test_ngc_tag_existence(tag, known, evidence):
    found = facts(f"nvcr.io/nvidia/tensorflow:{tag}", NGC)
    assert (found.tag_known, found.tag_status.evidence) == (known, evidence)


def test_ngc_suggestions():
    kb = load_kb()
    assert kb.closest_tags(NGC, "25.03-tf2-py3") == ["25.02-tf2-py3", "25.01-tf2-py3", "24.12-tf2-py3"]
    assert kb.closest_tags(NGC, "20.04-tf2-py3") == ["20.03-tf2-py3", "20.06-tf2-py3", "20.02-tf2-py3"]
    assert kb.newest_pinned_tag(NGC, "") == "25.02-tf2-py3"
    assert kb.newest_pinned_tag(NGC, "tf1-py3") == "23.02-tf1-py3"
    assert "24.11-tf2-py3-igpu" in kb.known_tags(NGC)
    assert "25.03-tf2-py3" not in kb.known_tags(NGC)


def test_ngc_counterparts():
    kb = load_kb()
    assert kb.ngc_counterpart("2.13.0") == ["23.08-tf2-py3"]
    assert kb.ngc_counterpart("2.14.0") == ["23.11-tf2-py3", "24.01-tf2-py3"]
    assert kb.ngc_counterpart("2.17.0") == ["25.02-tf2-py3", "24.12-tf2-py3"]
    assert kb.ngc_counterpart("2.99.0") == []


# ---------------------------------------------------------------- Docker Hub
def test_dockerhub_2190_gpu_has_the_cudnn_problem():
    found = facts("tensorflow/tensorflow:2.19.0-gpu", HUB)
    assert found.tag_known is True
    assert [p.id for p in found.problems] == ["dockerhub-gpu-cudnn8"]
    problem = found.problems[0]
    assert (problem.kind, problem.evidence, problem.pitfall) == ("broken-gpu", "verified", "P04")
    assert "apt:cudnn9-cuda-12" in problem.fixed_by
    assert brief(found.cudnn) == ("8.9.6.50", "inferred", ("tfbuild_issue_221",))
    assert brief(found.cuda) == ("12.3.0", "inferred", ("tfbuild_issue_221",))
    assert found.min_driver.value == "545.23.06"
    assert (found.gpu, found.jupyter, found.variant) == (True, False, "gpu")
    assert [p.id for p in facts("tensorflow/tensorflow:2.18.0-gpu-jupyter", HUB).problems] == ["dockerhub-gpu-cudnn8"]
    assert facts("tensorflow/tensorflow:2.17.0-gpu", HUB).problems == ()
    assert facts("tensorflow/tensorflow:2.19.0", HUB).problems == ()


def test_dockerhub_2160_was_never_published():
    found = facts("tensorflow/tensorflow:2.16.0-gpu", HUB)
    assert found.tag_known is False
    assert brief(found.tag_status) == ("not published", "verified", ("tf_rel_2161",))
    assert found.tensorflow.value is None
    assert load_kb().closest_tags(HUB, "2.16.0-gpu") == ["2.16.1-gpu", "2.15.0.post1-gpu", "2.17.0-gpu"]


def test_dockerhub_262_has_no_image():
    found = facts("tensorflow/tensorflow:2.6.2", HUB)
    assert found.tag_known is False
    assert brief(found.tag_status) == ("not published", "verified", ("tf_issue_54122",))
    assert facts("tensorflow/tensorflow:2.6.2-gpu", HUB).tag_known is False
    assert load_kb().closest_tags(HUB, "2.6.2-gpu")[0] == "2.6.1-gpu"


@pytest.mark.parametrize(
    ("tag", "known"),
    [
        ("2.14.1-gpu", False),
        ("2.10.0-gpu", None),
        ("2.20.0-gpu", None),
        ("2.1.0-gpu-py3", True),
        ("2.3.4-py3", None),
        ("2.15.0.post1-gpu-jupyter", True),
        ("2.15.0-gpu-foo", None),
        ("nightly-gpu", True),
    ],
)
def test_dockerhub_tag_existence(tag, known):
    assert facts(f"tensorflow/tensorflow:{tag}", HUB).tag_known is known


def test_dockerhub_moving_tags_resolve_without_versions():
    found = facts("tensorflow/tensorflow:latest-gpu", HUB)
    assert (found.tag_known, found.tensorflow.value, found.variant, found.gpu) == (True, None, "gpu", True)
    assert [brief(c) for c in found.tensorflow.candidates] == [("2.19.0", "inferred", ("tfbuild_issue_221",))]
    untagged = facts("docker.io/tensorflow/tensorflow", HUB)
    assert (untagged.tag_known, untagged.variant, untagged.gpu) == (True, "", False)
    digest = facts("tensorflow/tensorflow@sha256:" + "a" * 64, HUB)
    assert digest.tag_known is None


def test_dockerhub_2130_gpu_stack_shows_uncertain_python():
    found = facts("tensorflow/tensorflow:2.13.0-gpu", HUB)
    assert brief(found.cuda) == ("11.8.0", "unverified", ("tfbuild_runtime",))
    assert found.python.value is None
    assert sorted(c.value for c in found.python.candidates) == ["3.11", "3.8"]


def test_dockerhub_cpu_and_legacy_python():
    found = facts("tensorflow/tensorflow:2.1.0", HUB)
    assert (found.gpu, found.cuda.value, found.python.value) == (False, "not included", "2.7")
    assert facts("tensorflow/tensorflow:2.1.0-gpu-py3", HUB).python.value == "3.6"


def test_dockerhub_suggestions_and_counterparts():
    kb = load_kb()
    assert kb.newest_pinned_tag(HUB, "gpu") == "2.17.0-gpu"  # 2.18/2.19 GPU images are broken
    assert kb.newest_pinned_tag(HUB, "gpu-jupyter") == "2.17.0-gpu-jupyter"
    assert kb.newest_pinned_tag(HUB, "") == "2.19.0"
    assert kb.dockerhub_counterpart("2.17.0+nv25.02") == [
        "2.17.0-gpu",
        "2.17.0-gpu-jupyter",
        "2.17.0",
        "2.17.0-jupyter",
    ]
    assert kb.dockerhub_counterpart("2.16")[0] == "2.16.1-gpu"
    assert "2.16.0-gpu" not in kb.known_tags(HUB)
    assert {"latest-gpu", "2.16.1-gpu"} <= set(kb.known_tags(HUB))


# ---------------------------------------------------------------- nvidia/cuda
def test_nvidia_cuda_tag_grammar():
    found = facts("nvidia/cuda:12.2.0-cudnn8-runtime-ubuntu22.04", CUDA)
    assert found.tag_known is None
    assert brief(found.cuda) == ("12.2.0", "inferred", ("nvidia_cuda_tag_grammar",))
    assert (found.cudnn.value, found.ubuntu.value, found.variant) == ("8", "22.04", "cudnn-runtime")
    assert brief(found.min_driver) == ("535.54.03", "inferred", ("nvidia_cuda_tag_grammar", "cuda_131_rn"))
    base = facts("nvcr.io/nvidia/cuda:12.4.1-base-ubuntu22.04", CUDA)
    assert (base.cudnn.value, base.variant, base.min_driver.value) == ("not included", "base", "550.54.15")
    assert facts("nvidia/cuda:12.6.3-cudnn-devel-ubi9", CUDA).cudnn.value is None
    assert facts("nvidia/cuda:latest", CUDA).cuda.value is None
    assert load_kb().newest_pinned_tag(CUDA, "runtime") is None


# ---------------------------------------------------------------- tables
@pytest.mark.parametrize(
    ("cuda", "toolkit", "evidence", "floor"),
    [
        ("12.0.1", "525.85.12", "verified", "525.60.13"),
        ("12.8", "570.26", "verified", "525.60.13"),
        ("11.8.0", "520.61.05", "verified", "450.80.02"),
        ("11.7.1", "515.48.07", "verified", "450.80.02"),
        ("10.1.243", "418.39", "verified", None),
        ("12.3.2", "545.23.08", "unverified", "525.60.13"),
        ("13.0.2", "580.95.05", "verified", "580"),
        ("6.5", None, "unknown", None),
    ],
)
def test_cuda_min_driver(cuda, toolkit, evidence, floor):
    minimum, compat = load_kb().cuda_min_driver(cuda)
    assert (minimum.value, minimum.evidence, compat.value) == (toolkit, evidence, floor)


def test_tf_and_python_dates():
    kb = load_kb()
    assert brief(kb.tf_release("2.17.0")[0])[:2] == ("2024-07-11", "verified")
    assert brief(kb.tf_release("2.16.1")[0]) == ("2024-03-07", "verified", ("tf_rel_2161",))
    assert brief(kb.tf_release("2.13")[0])[:2] == ("2023-07-05", "unverified")
    released, eol = kb.tf_release("2.16.0")
    assert released.value is None and "never released" in (released.note or "")
    assert (eol.value, eol.evidence) == (None, "unknown")
    assert brief(kb.python_eol("3.8.10")) == (
        "2024-10-07",
        "verified",
        ("python_devguide", "ref_endoflife_date_api_python_json"),
    )
    assert kb.python_eol("3.99").value is None
    minors = kb.tf_minor_versions()
    assert minors[:2] == ["1.0", "1.1"] and minors[-4:] == ["2.18", "2.19", "2.20", "2.21"]


def test_tf_build_archs():
    kb = load_kb()
    assert brief(kb.tf_build_archs("2.21.0")) == (
        "sm_60 sm_70 sm_80 sm_89 compute_90",
        "verified",
        ("gpu_tf221_probe",),
    )
    unknown = kb.tf_build_archs("2.18.0")
    assert unknown.value is None and "5.x" in (unknown.note or "")
    assert kb.tf_build_archs("2.10.0").value is None


def test_tested_configs_and_pins():
    kb = load_kb()
    config = kb.tested_gpu_config("2.18.0")
    assert config is not None and (config.cuda, config.cudnn, config.python) == ("12.5", "9.3", "3.9-3.12")
    pins = kb.and_cuda_pins("2.19.0")
    assert pins is not None and pins["nvidia-cudnn-cu12"] == "==9.3.0.75" and pins["nvidia-nccl-cu12"] == "==2.23.4"
    assert "tensorrt" not in (kb.and_cuda_pins("2.15.1") or {})
    assert kb.and_cuda_pins("2.21.0") is None


def test_image_facts_serialise_and_cite_known_sources():
    kb = load_kb()
    for ref, family in (
        ("nvcr.io/nvidia/tensorflow:24.06-tf2-py3", NGC),
        ("tensorflow/tensorflow:2.18.0-gpu", HUB),
        ("nvidia/cuda:11.8.0-devel-ubuntu22.04", CUDA),
    ):
        found = facts(ref, family)
        json.dumps(found.to_dict())
        assert found.sources and all(kb.source(sid) for sid in found.sources)


def test_unknown_dockerhub_variant_gets_no_assumed_stack():
    from tfimage_lint.kb import load_kb
    from tfimage_lint.model.imageref import parse_image_ref

    facts = load_kb().facts_for(
        parse_image_ref("tensorflow/tensorflow:2.1.0-custom-op-gpu-ubuntu16"), "dockerhub-tensorflow"
    )
    assert facts.tensorflow.value == "2.1.0"
    assert [facts.cuda.value, facts.python.value, facts.ubuntu.value, facts.min_driver.value] == [None] * 4
    assert facts.python.note == "variant -custom-op-gpu-ubuntu16 is not one the KB describes; its stack is not assumed"


def test_minor_release_date_skips_a_version_that_was_never_released():
    from tfimage_lint.kb import load_kb

    released, _ = load_kb().tf_release("2.16")
    assert (released.value, released.evidence) == ("2024-03-07", "verified")


def test_dockerhub_version_newer_than_any_release_is_not_published():
    from tfimage_lint.kb import load_kb
    from tfimage_lint.model.imageref import parse_image_ref

    facts = load_kb().facts_for(parse_image_ref("tensorflow/tensorflow:2.99.0-gpu"), "dockerhub-tensorflow")
    assert (facts.tag_known, facts.tag_status.evidence) == (False, "inferred")
    assert facts.tag_status.note == "TensorFlow 2.99.0 is newer than any release the KB knows (newest: 2.21.0)"
    assert facts.tensorflow.value is None


def test_dockerhub_tag_the_kb_cannot_confirm_names_an_unverified_version():
    from tfimage_lint.kb import load_kb
    from tfimage_lint.model.imageref import parse_image_ref

    facts = load_kb().facts_for(parse_image_ref("tensorflow/tensorflow:1.15.5-gpu-py3"), "dockerhub-tensorflow")
    assert facts.tag_known is None
    assert (facts.tensorflow.value, facts.tensorflow.evidence) == ("1.15.5", "unverified")
