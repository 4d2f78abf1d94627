"""`tfimage-lint base` and `compare`: what the knowledge base knows, with evidence levels."""

from __future__ import annotations

import json


def base_json(cli, image):
    result = cli(["base", image, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)


def test_ngc_2301_verified_cuda_and_driver(cli):
    document = base_json(cli, "nvcr.io/nvidia/tensorflow:23.01-tf2-py3")
    assert (document["image"], document["family"], document["known"]) == (
        "nvcr.io/nvidia/tensorflow:23.01-tf2-py3",
        "ngc-tensorflow",
        True,
    )
    facts = document["facts"]
    assert (facts["cuda"]["value"], facts["cuda"]["evidence"]) == ("12.0.1", "verified")
    assert (facts["min_driver"]["value"], facts["min_driver"]["evidence"]) == ("525", "verified")
    assert "nv_rn_2301" in facts["cuda"]["sources"]
    assert {source["id"] for source in document["sources"]} >= {"nv_rn_2301"}
    assert document["as_of"] == "2026-11-30"


def test_ngc_2401_is_never_shown_as_verified(cli):
    facts = base_json(cli, "nvcr.io/nvidia/tensorflow:24.01-tf2-py3")["facts"]
    assert (facts["tensorflow"]["value"], facts["tensorflow"]["evidence"]) == ("2.14", "unverified")
    assert (facts["cuda"]["value"], facts["cuda"]["evidence"]) == (None, "unknown")
    assert facts["cuda"]["candidates"][0]["value"] == "12.3.2"
    for name in ("tensorflow", "cuda", "cudnn", "python", "ubuntu", "min_driver"):
        assert facts[name]["evidence"] != "verified", name


def test_dockerhub_219_reports_the_cudnn_problem(cli):
    result = cli(["base", "tensorflow/tensorflow:2.19.0-gpu"])
    assert result.exit_code == 0
    assert "  cudnn           8.9.6.50 (inferred)\n" in result.stdout
    assert "  problem: TensorFlow >= 2.18 in a GPU image that ships cuDNN 8.9: the GPU is silently not used" in (
        result.stdout
    )
    problems = base_json(cli, "tensorflow/tensorflow:2.19.0-gpu")["facts"]["problems"]
    assert len(problems) == 1 and "cudnn9-cuda-12" in problems[0]["fix"]


def test_image_outside_the_knowledge_base(cli):
    document = base_json(cli, "python:3.11-slim")
    assert (document["family"], document["known"], document["facts"]) == ("python", False, None)
    text = cli(["base", "python:3.11-slim"]).stdout
    assert "the knowledge base has no facts about this image family" in text


def test_invalid_reference_is_exit_2(cli):
    result = cli(["base", "Tensorflow/TF:x"])
    assert result.exit_code == 2
    assert result.stderr.startswith("tfimage-lint: error: Tensorflow/TF:x: invalid reference format")


def test_compare_finds_the_ngc_counterpart_of_a_dockerhub_tag(cli):
    result = cli(["compare", "tensorflow/tensorflow:2.13.0-gpu", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["right"]["image"] == "nvcr.io/nvidia/tensorflow:23.08-tf2-py3"
    assert document["counterpart"] == "same TensorFlow version in the other family"
    rows = {row["field"]: row for row in document["rows"]}
    assert rows["tensorflow"]["left"] == "2.13.0 (verified)"
    assert rows["tensorflow"]["right"] == "2.13.0+nv23.08 (inferred)"
    assert rows["cuda"]["differs"] and rows["cudnn"]["differs"] and rows["python"]["differs"]
    assert not rows["tensorrt"]["differs"]


def test_compare_text_marks_differences(cli):
    text = cli(["compare", "tensorflow/tensorflow:2.13.0-gpu"]).stdout
    lines = text.splitlines()
    assert lines[0] == (
        "counterpart of docker.io/tensorflow/tensorflow:2.13.0-gpu: nvcr.io/nvidia/tensorflow:23.08-tf2-py3 "
        "(same TensorFlow version in the other family)"
    )
    assert any(line.startswith("* cuda ") for line in lines)
    assert any(line.startswith("  tensorrt ") for line in lines)


def test_compare_two_given_images_and_back(cli):
    document = json.loads(
        cli(
            [
                "compare",
                "nvcr.io/nvidia/tensorflow:23.08-tf2-py3",
                "tensorflow/tensorflow:2.13.0-gpu",
                "--format",
                "json",
            ]
        ).stdout
    )
    assert document["counterpart"] is None
    assert [document["left"]["family"], document["right"]["family"]] == ["ngc-tensorflow", "dockerhub-tensorflow"]
    back = json.loads(cli(["compare", "nvcr.io/nvidia/tensorflow:23.08-tf2-py3", "--format", "json"]).stdout)
    assert back["right"]["image"] == "docker.io/tensorflow/tensorflow:2.13.0-gpu"


def test_compare_without_a_counterpart_is_exit_2(cli):
    result = cli(["compare", "python:3.11"])
    assert result.exit_code == 2
    assert result.stderr == (
        "tfimage-lint: error: no counterpart with the same TensorFlow version is known for python:3.11\n"
    )


def test_compare_prefers_a_confirmed_ngc_tag(cli):
    document = json.loads(cli(["compare", "tensorflow/tensorflow:1.15.5-gpu", "--format", "json"]).stdout)
    assert document["right"]["image"] == "nvcr.io/nvidia/tensorflow:23.02-tf1-py3"
