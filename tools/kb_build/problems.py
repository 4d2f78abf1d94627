"""Known problems of specific images (curated from ``tf_pitfalls.md`` and the YAML's notes).

Each problem names the families and tag patterns it applies to, what fixes it, and its sources;
its evidence level is the strongest its sources support (capped at what the claim needs).
"""

from __future__ import annotations

from .common import Json, weakest
from .sources import Sources

#: Source URLs of tf_pitfalls.md P11 (not in the YAML files).
_APT_KEY_URLS = (
    "https://github.com/NVIDIA/nvidia-docker/issues/1631",
    "https://github.com/NVIDIA/cuda-repo-management/issues/1",
)


def build_known_problems(sources: Sources) -> list[Json]:
    """The known-problem table."""
    apt_ids = [sources.ref(url) for url in _APT_KEY_URLS]
    cudnn_ids = [
        "tfbuild_issue_221",
        "tfbuild_issue_217",
        "tf_issue_62412",
        "tf_issue_81344",
        "tfbuild_runtime",
        "tfdocs_source_md",
    ]
    problems = [
        {
            "id": "dockerhub-gpu-cudnn8",
            "pitfall": "P04",
            "kind": "broken-gpu",
            "title": "TensorFlow >= 2.18 in a GPU image that ships cuDNN 8.9: the GPU is silently not used",
            "detail": "Docker Hub GPU images are built from tensorflow/build's runtime recipe, frozen since 2023-11-17 "
            "at nvidia/cuda:12.3.0-base-ubuntu22.04 with libcudnn8 8.9.6.50; TensorFlow >= 2.18 wheels need "
            "cuDNN 9.3 (libcudnn.so.9), so TensorFlow logs 'Skipping registering GPU devices' and runs on "
            "the CPU.",
            "fix": 'Install cuDNN 9 for the same TensorFlow version: pip install "tensorflow[and-cuda]==<version>" '
            "(or nvidia-cudnn-cu12>=9), or apt-get install cudnn9-cuda-12; or base on 2.17.0-gpu.",
            "fixed_by": [
                "pip:tensorflow[and-cuda]",
                "pip:nvidia-cudnn-cu12>=9",
                "apt:cudnn9-cuda-12",
                "apt:libcudnn9-cuda-12",
            ],
            "applies_to": [{"family": "dockerhub-tensorflow", "tag_pattern": r"^2\.(18|19)\.0-gpu(-jupyter)?$"}],
            "may_apply_to": [
                {
                    "family": "dockerhub-tensorflow",
                    "tag_pattern": r"^(latest|nightly)-gpu(-jupyter)?$",
                    "note": "latest-gpu pointed at 2.19.0 in 2025-06; the current target is unknown",
                }
            ],
            "evidence": sources.cap(cudnn_ids),
            "sources": cudnn_ids,
        },
        {
            "id": "ngc-igpu-arm64-only",
            "pitfall": "P20",
            "kind": "platform",
            "title": "-igpu NGC tags are integrated-GPU (Jetson/IGX-class) builds for arm64 only",
            "detail": "Pulling an -igpu tag on an x86 host fails with 'no architecture that matches'; on a "
            "discrete-GPU server the plain YY.MM-tf2-py3 tag is the one to use.",
            "fix": "Use the YY.MM-tf2-py3 tag of the same month on discrete-GPU (x86_64 or SBSA) servers.",
            "fixed_by": [],
            "applies_to": [{"family": "ngc-tensorflow", "tag_pattern": r"-igpu$"}],
            "may_apply_to": [],
            "evidence": weakest("unverified", sources.cap(["shpc_issue_672", "igpu_refs"])),
            "sources": ["shpc_issue_672", "igpu_refs"],
        },
        {
            "id": "cuda-apt-key-rotation",
            "pitfall": "P11",
            "kind": "maintenance",
            "title": "Image built before NVIDIA's April 2022 CUDA apt key rotation: apt-get update fails",
            "detail": "The image carries the old NVIDIA repository key and an apt source for "
            "developer.download.nvidia.com, so apt-get update stops with NO_PUBKEY A4B469963BF863CC.",
            "fix": "Before apt-get update: apt-key del 7fa2af80 and install NVIDIA's cuda-keyring package, or remove "
            "/etc/apt/sources.list.d/cuda*.list and nvidia-ml.list.",
            "fixed_by": ["apt:cuda-keyring"],
            "applies_to": [
                {"family": "dockerhub-tensorflow", "tag_pattern": r"^(1\.\d+\.\d+|2\.[0-7]\.\d+|2\.8\.0)-gpu"},
                {"family": "ngc-tensorflow", "tag_pattern": r"^(1[6-9]\.\d{2}|2[01]\.\d{2}|22\.0[1-4])-"},
            ],
            "may_apply_to": [],
            "evidence": sources.cap(apt_ids),
            "sources": apt_ids,
        },
    ]
    return problems
