"""TensorFlow tables of ``tf_knowledge.yaml`` section 3 and its milestones.

Tested GPU build configurations, ``[and-cuda]`` pins, packaging milestones, ecosystem end of
life, and the compute capabilities of official builds.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .common import Json, clean, fact, flag_level, version_key, weakest
from .sources import Sources


# ---------------------------------------------------------------- tested configurations, pins
def _python_ranges(text: str) -> list[list[str]]:
    ranges = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        ranges.append([low, high or low])
    return ranges


def build_gpu_configs(knowledge: dict[str, Any], sources: Sources) -> list[Json]:
    """TF -> Python range, CUDA, cuDNN, compiler, Bazel (Linux and native-Windows tables)."""
    section = knowledge["tf_tested_gpu_configs"]
    rows = []
    for platform, entries, ids in (
        ("linux", section["linux_gpu"], ["tfdocs_source_md"]),
        ("windows", section["windows_native_gpu"]["rows"], sources.refs(section["windows_native_gpu"]["evidence"])),
    ):
        for entry in entries:
            row = {
                "tf": entry["tf"],
                "platform": platform,
                "python": entry["python"],
                "python_ranges": _python_ranges(entry["python"]),
                "cuda": entry["cuda"],
                "cudnn": entry["cudnn"],
                "compiler": entry.get("compiler"),
                "bazel": entry.get("bazel"),
                "package": entry.get("package", "tensorflow"),
                "evidence": sources.cap(ids),
                "sources": ids,
            }
            rows.append(row)
    return sorted(rows, key=lambda row: (row["platform"], version_key(row["tf"])))


def _is_pin(key: str) -> bool:
    return key.startswith(("nvidia-", "tensorrt"))


def build_and_cuda_pins(knowledge: dict[str, Any], sources: Sources) -> list[Json]:
    """``tensorflow[and-cuda]`` Requires-Dist per TF version, ``same_as`` references resolved."""
    raw = dict(knowledge["tf_tested_gpu_configs"]["and_cuda_extra_pins"])
    ids = sources.refs(raw.pop("evidence"))
    resolved: dict[str, Json] = {}
    for version, entry in raw.items():
        pins = {key: value for key, value in entry.items() if _is_pin(key)}
        notes = [entry.get("note"), entry.get("difference")]
        base = entry.get("same_as") or entry.get("same_cuda_pins_as")
        if base:
            inherited = dict(resolved[base]["pins"])
            if entry.get("same_as") and "difference" in entry and "tensorrt" in entry["difference"]:
                inherited = {k: v for k, v in inherited.items() if not k.startswith("tensorrt")}
            inherited.update(entry.get("except", {}))
            pins = {**inherited, **pins}
            notes.insert(0, f"same CUDA pins as {base}" + (f" except {entry['except']}" if "except" in entry else ""))
        if "other_cuda_libs" in entry:
            notes.append(f"other CUDA libraries: {entry['other_cuda_libs']}")
        if "style" in entry:
            notes.append(entry["style"])
        other = entry.get("other")
        if base and other is None and entry.get("same_as"):
            other = resolved[base]["other"]
        majors = {match for key in pins for match in re.findall(r"-cu(\d+)$", key)}
        if len(majors) > 1:
            raise ValueError(f"and-cuda {version}: mixed CUDA majors")
        unverified = bool(entry.get("unverified"))
        resolved[version] = {
            "tf": version,
            "cuda_major": entry.get("cuda_major") or (majors.pop() if majors else None),
            "pins": pins or None,
            "other": other,
            "note": "; ".join(clean(n) for n in notes if n) or None,
            "evidence": "unverified" if unverified else sources.cap(ids),
            "sources": ["kb_tf_knowledge"] if unverified else ids,
        }
    return sorted(resolved.values(), key=lambda row: version_key(row["tf"]))


# ---------------------------------------------------------------- milestones, ecosystem, build archs
def build_milestones(knowledge: dict[str, Any], sources: Sources) -> list[Json]:
    """Packaging and support milestones of TensorFlow, one row each."""
    section = knowledge["tf_tested_gpu_configs"]["milestones"]
    rows = []

    def add(topic: str, tf: str | None, note: str, evidence: Any) -> None:
        ids = sources.refs(evidence)
        rows.append({"topic": topic, "tf": tf, "note": clean(note), "evidence": sources.cap(ids), "sources": ids})

    gpu_package = section["tensorflow_gpu_package"]
    add(
        "tensorflow-gpu",
        "2.12",
        f"merged into tensorflow: {gpu_package['merged_into_tensorflow']}; last real release "
        f"{gpu_package['last_real_release']}; removed {gpu_package['removed']}; error: {gpu_package['error_text']}",
        gpu_package["evidence"],
    )
    extra = section["and_cuda_extra"]
    add("and-cuda", extra["introduced"], f"tensorflow[and-cuda] introduced: {extra['quote']}", extra["evidence"])
    windows = section["windows_native_gpu_last"]
    add("windows-native-gpu", windows["version"], "last TF with native-Windows GPU support", windows["evidence"])
    for drop in section["python_drops"]:
        add(
            "python-drop",
            drop["tf"],
            f"drops Python {drop['dropped']}" + (f"; {drop['note']}" if "note" in drop else ""),
            drop["evidence"],
        )
    keras = section["keras_3_default"]
    add("keras-3-default", keras["tf"], keras["note"], keras["evidence"])
    for entry in section["tensorrt"]:
        add("tensorrt", entry["tf"], entry["note"], entry["evidence"])
    add("numpy-2", section["numpy2"]["tf"], section["numpy2"]["note"], section["numpy2"]["evidence"])
    add("versioning", "2.16", section["tf_16_versioning"]["note"], section["tf_16_versioning"]["evidence"])
    pip = section["minimum_driver_pip_docs"]
    add(
        "pip-min-driver", None, f"Linux >={pip['linux'].lstrip('>=')}, WSL >={pip['wsl'].lstrip('>=')}", pip["evidence"]
    )
    return rows


def build_ecosystem_eol(knowledge: dict[str, Any], sources: Sources) -> list[Json]:
    """End of life of packages and image lines around TensorFlow."""
    rows = []
    for entry in knowledge["tf_eol"]["tensorflow"]["ecosystem_eol"]:
        ids = sources.refs(entry.get("evidence")) or ["kb_tf_knowledge"]
        level = weakest(flag_level(entry), sources.cap(ids))
        eol = fact(entry["eol"], level, ids, entry.get("last"))
        if entry["package"] == "NGC TF2 containers":  # superseded by ngc_2302_2502.yaml end_of_life
            eol = fact(
                "25.02",
                "inferred",
                ["nv_docs_nav_2026_03", "nv_triton_pr_8068"],
                "last release NVIDIA documents; no explicit 'final release' statement found",
            )
        rows.append({"package": entry["package"], "eol": eol})
    return rows


_ARCH_RANGES = {"2.17": ("2.17", None), ">=2.16 .. 2.20": ("2.16", "2.20")}


def build_tf_build_archs(knowledge: dict[str, Any], sources: Sources, observation: Path | None) -> Json:
    """Compute capabilities of official TF builds where observed, and architecture milestones."""
    builds = []
    if observation is not None:
        import json

        probe = json.loads(observation.read_text(encoding="utf-8"))
        info = probe["build_info"]
        sources.add(
            "gpu_tf221_probe",
            "observation",
            f"shared/gpu/{observation.name}",
            None,
            f"TensorFlow probe on a machine without a GPU (recorded 2026-11-30): tensorflow "
            f"{probe['tf_version']} PyPI wheel build info: CUDA {info['cuda_version']}, cuDNN "
            f"{info['cudnn_version']}, compute capabilities {' '.join(info['cuda_compute_capabilities'])}.",
        )
        builds.append(
            {
                "tf": probe["tf_version"],
                "archs": fact(
                    " ".join(info["cuda_compute_capabilities"]),
                    "verified",
                    ["gpu_tf221_probe"],
                    f"PyPI wheel; CUDA {info['cuda_version']}, cuDNN {info['cudnn_version']}",
                ),
            }
        )
    notes = []
    for entry in knowledge["tf_tested_gpu_configs"]["milestones"]["gpu_arch"]:
        tf_min, tf_max = _ARCH_RANGES[entry["tf"]]
        ids = sources.refs(entry["evidence"])
        notes.append(
            {
                "tf_min": tf_min,
                "tf_max": tf_max,
                "note": clean(entry["note"]),
                "evidence": sources.cap(ids),
                "sources": ids,
            }
        )
    return {"builds": builds, "notes": notes}
