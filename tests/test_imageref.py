"""Image references: registry, repository, tag, digest and Docker's normalisation."""

from __future__ import annotations

import pytest

from tfimage_lint.model.imageref import ImageRefError, parse_image_ref

DIGEST = "sha256:" + "a" * 64


@pytest.mark.parametrize(
    ("text", "registry", "repository", "tag", "digest", "canonical", "familiar"),
    [
        ("ubuntu", "docker.io", "library/ubuntu", None, None, "docker.io/library/ubuntu:latest", "ubuntu"),
        ("ubuntu:22.04", "docker.io", "library/ubuntu", "22.04", None, "docker.io/library/ubuntu:22.04", "ubuntu"),
        ("docker.io/library/python:3.11", "docker.io", "library/python", "3.11", None,
         "docker.io/library/python:3.11", "python"),
        ("index.docker.io/tensorflow/tensorflow:2.15.0-gpu", "docker.io", "tensorflow/tensorflow", "2.15.0-gpu", None,
         "docker.io/tensorflow/tensorflow:2.15.0-gpu", "tensorflow/tensorflow"),
        ("nvcr.io/nvidia/tensorflow:23.10-tf2-py3", "nvcr.io", "nvidia/tensorflow", "23.10-tf2-py3", None,
         "nvcr.io/nvidia/tensorflow:23.10-tf2-py3", "nvcr.io/nvidia/tensorflow"),
        (f"tensorflow/tensorflow@{DIGEST}", "docker.io", "tensorflow/tensorflow", None, DIGEST,
         f"docker.io/tensorflow/tensorflow@{DIGEST}", "tensorflow/tensorflow"),
        (f"nvidia/cuda:12.2.0-base-ubuntu22.04@{DIGEST}", "docker.io", "nvidia/cuda", "12.2.0-base-ubuntu22.04", DIGEST,
         f"docker.io/nvidia/cuda:12.2.0-base-ubuntu22.04@{DIGEST}", "nvidia/cuda"),
        ("localhost:5000/team/tf:dev", "localhost:5000", "team/tf", "dev", None,
         "localhost:5000/team/tf:dev", "localhost:5000/team/tf"),
        ("localhost/img", "localhost", "img", None, None, "localhost/img:latest", "localhost/img"),
        ("library/team/img:1", "docker.io", "library/team/img", "1", None,
         "docker.io/library/team/img:1", "library/team/img"),
        ("ghcr.io/org/sub/image:1.0", "ghcr.io", "org/sub/image", "1.0", None,
         "ghcr.io/org/sub/image:1.0", "ghcr.io/org/sub/image"),
    ],
)  # fmt: skip
def test_parse_and_normalise(text, registry, repository, tag, digest, canonical, familiar):
    ref = parse_image_ref(text)
    assert (ref.registry, ref.repository, ref.tag, ref.digest) == (registry, repository, tag, digest)
    assert ref.canonical == canonical == str(ref)
    assert ref.familiar_name == familiar
    assert ref.original == text


def test_effective_tag():
    assert parse_image_ref("ubuntu").effective_tag == "latest"
    assert parse_image_ref(f"ubuntu@{DIGEST}").effective_tag is None
    assert parse_image_ref("ubuntu:22.04").effective_tag == "22.04"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "image reference is empty"),
        ("Ubuntu", "invalid reference format: repository name 'Ubuntu' must be lowercase"),
        ("ubuntu:", "invalid tag '' in 'ubuntu:'"),
        ("ubuntu:-bad", "invalid tag '-bad' in 'ubuntu:-bad'"),
        ("ubuntu@sha256:abc", "invalid digest in 'ubuntu@sha256:abc'"),
        ("nvcr.io/", "invalid reference format: 'nvcr.io/' has no repository"),
        ("a b", "invalid reference format: 'a b' contains white space"),
        ("team//img", "invalid reference format: bad repository component '' in 'team//img'"),
    ],
)
def test_invalid_references(text, message):
    with pytest.raises(ImageRefError) as info:
        parse_image_ref(text)
    assert str(info.value) == message
