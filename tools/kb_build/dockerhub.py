"""Docker Hub ``tensorflow/tensorflow`` from ``tf_knowledge.yaml``.

Versions with and without images, tag variants, moving tags, and what the GPU images carry
per era (section ``dockerhub_tensorflow``).
"""

from __future__ import annotations

import re
from typing import Any

from .common import Json, bool_fact, clean, fact, flag_level, split_version, strongest, unknown, version_key, weakest
from .sources import Sources

#: The YAML's ``versions[].tf`` labels -> (first version, last version or minor, python/ubuntu scope).
#: ``scope`` "all": the row's Python/Ubuntu hold for CPU images too (Docker Hub README quote).
ERA_RANGES = {
    "1.13.x and older": ("1.0.0", "1.13", "all"),
    "1.14.0 - 1.15.x": ("1.14.0", "1.15", "all"),
    "2.0.0": ("2.0.0", "2.0.0", "all"),
    "2.1.0": ("2.1.0", "2.1.0", "all"),
    "2.1.1+ / 2.2 / 2.3": ("2.1.1", "2.3", "gpu"),
    "2.4": ("2.4.0", "2.4", "gpu"),
    "2.5 - 2.6": ("2.5.0", "2.6", "gpu"),
    "2.7 - 2.11": ("2.7.0", "2.11", "gpu"),
    "2.12.0": ("2.12.0", "2.12.0", "gpu"),
    "2.13.0": ("2.13.0", "2.13.0", "gpu"),
    "2.14.0": ("2.14.0", "2.14.0", "gpu"),
    "2.15.0 / 2.15.0.post1": ("2.15.0", "2.15.0.post1", "gpu"),
    "2.16.1": ("2.16.1", "2.16.1", "gpu"),
    "2.17.0": ("2.17.0", "2.17.0", "gpu"),
    "2.18.0": ("2.18.0", "2.18.0", "gpu"),
    "2.19.0": ("2.19.0", "2.19.0", "gpu"),
    "2.20.x / 2.21.x": ("2.20.0", "2.21", "gpu"),
}
#: Versions whose (GPU) image contents the versions table describes: their images exist.
VERSION_ROWS_WITH_IMAGES = (
    "2.0.0",
    "2.1.0",
    "2.12.0",
    "2.13.0",
    "2.14.0",
    "2.15.0",
    "2.15.0.post1",
    "2.16.1",
    "2.17.0",
    "2.18.0",
    "2.19.0",
)
_ERA_KEYS = {
    "tf",
    "python_default",
    "python",
    "os",
    "cuda",
    "cudnn",
    "cudnn_in_image",
    "cudnn_required_by_wheel",
    "tensorrt",
    "base",
    "tag_seen",
    "gpu_works",
    "images_exist",
    "note",
    "evidence",
    "inferred",
    "unverified",
}
_BASE_RE = re.compile(r"^nvidia/cuda:(\d+\.\d+(?:\.\d+)?)-base-ubuntu(\d+\.\d+)")
_PY_DEFAULT_RE = re.compile(r"^([\d.]+) \(no suffix\) / ([\d.]+) \(-py3(?:, (.*))?\)$")
PY3_RANGES = [["1.0.0", "1.15.0"], ["2.0.0", "2.1.0"]]


def _era(raw: dict[str, Any], sources: Sources) -> Json:
    unexpected = set(raw) - _ERA_KEYS
    if unexpected:
        raise ValueError(f"Docker Hub row {raw['tf']}: unhandled keys {sorted(unexpected)}")
    tf_min, tf_max, scope = ERA_RANGES[raw["tf"]]
    ids = sources.refs(raw.get("evidence")) or ["kb_tf_knowledge"]
    level = weakest(flag_level(raw), sources.cap(ids))

    def make(value: str | None, note: str | None = None) -> Json:
        return fact(value, level, ids if value is not None else [], note)

    era: Json = {"label": raw["tf"], "tf_min": tf_min, "tf_max": tf_max, "scope": scope}
    for name in ("base_image", "cuda", "cudnn", "tensorrt", "python", "python_py3", "ubuntu", "cudnn_required"):
        era[name] = unknown()
    era["gpu_works"] = bool_fact(None, "unknown", [])
    era["evidence"], era["sources"] = level, ids
    if raw["tf"] == "2.13.0":
        _era_2130(era, raw, level, ids)
    elif "base" in raw:
        image, _, rest = raw["base"].partition(" ")
        era["base_image"] = make(image, rest.strip("() ") or None)
        match = _BASE_RE.match(image)
        if match is None:
            raise ValueError(f"unparsed base {raw['base']!r}")
        era["cuda"], era["ubuntu"] = make(match.group(1)), make(match.group(2))
    if "python_default" in raw:
        match = _PY_DEFAULT_RE.match(raw["python_default"])
        if match is None:
            raise ValueError(f"unparsed python_default {raw['python_default']!r}")
        era["python"] = make(match.group(1), "tags without -py3")
        era["python_py3"] = make(match.group(2), match.group(3))
    if "python" in raw:
        value, rest = split_version(raw["python"])
        era["python"] = make(value, rest.strip("() ") or None)
    if "os" in raw:
        era["ubuntu"] = make(raw["os"].removeprefix("Ubuntu "))
    for name in ("cuda", "tensorrt"):
        if name in raw:
            era[name] = make(raw[name])
    if "cudnn" in raw or "cudnn_in_image" in raw:
        era["cudnn"] = make(raw.get("cudnn") or raw["cudnn_in_image"])
    if "cudnn_required_by_wheel" in raw:
        era["cudnn_required"] = make(raw["cudnn_required_by_wheel"], "cuDNN the TF wheel was built against")
    if "gpu_works" in raw:
        era["gpu_works"] = bool_fact(raw["gpu_works"], level, ids)
    notes = [raw.get("note"), f"tag seen: {raw['tag_seen']}" if "tag_seen" in raw else None]
    if any(notes):
        era["note"] = "; ".join(clean(n) for n in notes if n)
    return era


def _era_2130(era: Json, raw: dict[str, Any], level: str, ids: list[str]) -> None:
    """2.13.0 was built from one of two recipes; only what both share is a value."""
    older, newer = (
        ("nvidia/cuda:11.8.0-base-ubuntu20.04", "20.04", "3.8"),
        ("nvidia/cuda:11.8.0-base-ubuntu22.04", "22.04", "3.11"),
    )
    when = ("if built before 2023-07-13 (recipe 8bfbcec)", "if built later (recipe a65b114)")
    era["base_image"] = unknown(
        clean(raw["base"]), candidates=[fact(older[0], level, ids, when[0]), fact(newer[0], level, ids, when[1])]
    )
    era["ubuntu"] = unknown(candidates=[fact(older[1], level, ids, when[0]), fact(newer[1], level, ids, when[1])])
    era["python"] = unknown(candidates=[fact(older[2], level, ids, when[0]), fact(newer[2], level, ids, when[1])])
    era["cuda"] = fact("11.8.0", level, ids, "same in both candidate recipes")
    era["cudnn"] = fact("8.6.0.163", level, ids, "same in both candidate recipes (build_recipes)")


def _versions(data: dict[str, Any], eras: list[Json], sources: Sources) -> list[Json]:
    """Per version: do images exist (True / False / None), with evidence; confirmed tags."""
    claims: dict[str, list[tuple[bool, str, list[str], str | None]]] = {}

    def claim(version: str, exists: bool, level: str, ids: list[str], note: str | None = None) -> None:
        claims.setdefault(version, []).append((exists, level, ids, note))

    for era in eras:
        for version in sorted({era["tf_min"], era["tf_max"]} & set(VERSION_ROWS_WITH_IMAGES)):
            claim(version, True, era["evidence"], era["sources"], "GPU image contents known")
    confirmed: dict[str, list[Json]] = {}
    for entry in data["tags_confirmed"]:
        ids = sources.refs(entry["evidence"])
        level = sources.cap(ids)
        tag = entry["tag"].split(" ")[0]
        version = re.match(r"[\d.]+(?:post\d+)?", tag).group(0).rstrip(".")  # type: ignore[union-attr]
        claim(version, True, level, ids, f"tag seen: {entry['tag']}")
        if "*" not in tag and tag != version:
            confirmed.setdefault(version, []).append({"tag": tag, "exists": bool_fact(True, level, ids)})
    docs = ["tfdocs_docker_md"]
    claim("2.8.3", True, weakest("inferred", sources.cap(docs)), docs, "tag used as the example in TF's Docker docs")
    claim("2.6.1", True, sources.cap(["tf_issue_54122"]), ["tf_issue_54122"], "maintainer: use 2.6.1 images")
    for entry in data["tags_without_images"]:
        ids = sources.refs(entry["evidence"])
        note = "; ".join(n for n in (entry.get("note"), f"as of {entry['as_of']}" if "as_of" in entry else None) if n)
        claim(entry["tf"], False, sources.cap(ids), ids, note or "no Docker Hub image published")
    rows = []
    for version in sorted(claims, key=version_key):
        values = {exists for exists, *_ in claims[version]}
        if len(values) != 1:
            raise ValueError(f"Docker Hub {version}: conflicting image claims")
        level = strongest(*(level for _, level, _, _ in claims[version]))
        ids = [sid for _, _, ids, _ in claims[version] for sid in ids]
        notes = [note for *_, note in claims[version] if note]
        rows.append(
            {
                "version": version,
                "images": bool_fact(values.pop(), level, ids, "; ".join(notes) or None),
                "confirmed_tags": confirmed.get(version, []),
            }
        )
    for version in ("2.20.0", "2.21.0"):
        rows.append(
            {
                "version": version,
                "images": bool_fact(
                    None, "unknown", [], "nothing in the corpus confirms Docker Hub images for 2.20/2.21"
                ),
                "confirmed_tags": [],
            }
        )
    return sorted(rows, key=lambda row: version_key(row["version"]))


def _variants(sources: Sources) -> list[Json]:
    docs = ["tfdocs_docker_md", "tf_dockerfiles_spec"]
    py3 = ["dockerhub_readme_quote"]
    rows = []
    for gpu in (False, True):
        for jupyter in (False, True):
            name = "-".join(part for part, on in (("gpu", gpu), ("jupyter", jupyter)) if on)
            rows.append(
                {
                    "variant": name,
                    "gpu": gpu,
                    "jupyter": jupyter,
                    "py3": False,
                    "ranges": None,
                    "exists": bool_fact(True, "inferred", docs, "published for every versioned release"),
                }
            )
            py3_name = "-".join(p for p, on in (("gpu", gpu), ("py3", True), ("jupyter", jupyter)) if on)
            rows.append(
                {
                    "variant": py3_name,
                    "gpu": gpu,
                    "jupyter": jupyter,
                    "py3": True,
                    "ranges": PY3_RANGES,
                    "exists": bool_fact(
                        True,
                        weakest("inferred", sources.cap(py3)),
                        py3,
                        "historic -py3 tags: versioned images <=1.15.0 and <=2.1.0; deprecated",
                    ),
                }
            )
    return rows


def _moving_tags(data: dict[str, Any], sources: Sources) -> list[Json]:
    docs = ["tfdocs_docker_md"]
    latest = data["latest_gpu"]
    latest_ids = sources.refs(latest["evidence"])
    pointed = fact(
        latest["points_to"],
        weakest("inferred", sources.cap(latest_ids)),
        latest_ids,
        f"target as of {latest['as_of']}; {clean(latest['note'])}",
    )
    rows = []
    for kind in ("latest", "nightly"):
        for gpu in (False, True):
            for py3 in (False, True):
                for jupyter in (False, True):
                    parts = [kind, "gpu" if gpu else "", "py3" if py3 else "", "jupyter" if jupyter else ""]
                    tag = "-".join(p for p in parts if p)
                    ids = ["dockerhub_readme_quote"] if py3 else docs
                    note = "historic -py3 tag (deprecated)" if py3 else None
                    tf = unknown("moving tag", candidates=[pointed] if kind == "latest" and gpu and not py3 else ())
                    level = "unverified" if py3 else weakest("inferred", sources.cap(ids))
                    rows.append(
                        {
                            "tag": tag,
                            "kind": kind,
                            "gpu": gpu,
                            "jupyter": jupyter,
                            "exists": bool_fact(True, level, ids, note),
                            "tensorflow": tf,
                        }
                    )
    for tag, gpu, note in (
        ("devel", False, "nightly development image"),
        ("devel-gpu", True, "nightly development image with GPU support"),
        ("custom-op", False, "experimental image for custom-op development (2020)"),
    ):
        ids = docs if tag != "custom-op" else ["tfdocs_docker_md"]
        rows.append(
            {
                "tag": tag,
                "kind": tag.split("-")[0] if tag != "custom-op" else "custom-op",
                "gpu": gpu,
                "jupyter": False,
                "exists": bool_fact(True, weakest("inferred", sources.cap(ids)), ids, note),
                "tensorflow": unknown("moving tag"),
            }
        )
    return rows


def _recipes(data: dict[str, Any], sources: Sources) -> list[Json]:
    rows = []
    for era in data["build_recipes"]:
        era_ids = sources.refs(era.get("evidence")) or ["tfbuild_runtime"]
        for recipe in era.get("examples", era.get("recipes", [])):
            ids = sources.refs(recipe.get("evidence")) or era_ids
            level = weakest(flag_level(recipe), sources.cap(ids))
            details = {
                key: clean(str(value))
                for key, value in recipe.items()
                if key not in ("evidence", "inferred", "unverified", "likely_tf")
            }
            rows.append(
                {
                    "era": clean(era["era"]),
                    "details": details,
                    "likely_tf": recipe.get("likely_tf", []),
                    "evidence": level,
                    "sources": ids,
                }
            )
    return rows


def build_dockerhub(knowledge: dict[str, Any], sources: Sources) -> Json:
    """The Docker Hub table."""
    data = knowledge["dockerhub_tensorflow"]
    eras = [_era(raw, sources) for raw in data["versions"]]
    scheme = data["tag_scheme"]
    scheme_ids = sources.refs(scheme["evidence"])
    notes = [
        (
            "packages",
            f"CPU images install {scheme['package_installed']['cpu_images']}; GPU images install "
            f"{scheme['package_installed']['gpu_images']}",
            ["tf_pr_46774", "tf_dockerfiles_spec"],
        ),
        ("jupyter", scheme["variants"]["-jupyter"], scheme_ids),
        ("py3", scheme["historical"]["-py3"], ["dockerhub_readme_quote"]),
        ("devel", scheme["historical"]["devel, devel-gpu"], ["tfdocs_docker_md"]),
        (
            "baked-env-old",
            " ".join(f"{k}: {v}" for k, v in data["build_recipes"][0]["baked_env"].items()),
            ["tf_gpu_dockerfile_cuda101"],
        ),
        (
            "baked-env-runtime",
            " ".join(f"{k}: {v}" for k, v in data["build_recipes"][1]["baked_env"].items()),
            ["tfbuild_runtime"],
        ),
        (
            "assembler-era",
            f"tensorflow/tools/dockerfiles recipes apply to {data['build_recipes'][0]['applies_to']}",
            ["tf_dockerfiles_spec"],
        ),
    ]
    return {
        "repository": "tensorflow/tensorflow",
        "versions": _versions(data, eras, sources),
        "variants": _variants(sources),
        "moving_tags": _moving_tags(data, sources),
        "gpu_eras": eras,
        "build_recipes": _recipes(data, sources),
        "notes": [
            {"id": note_id, "text": clean(text), "evidence": sources.cap(ids), "sources": ids}
            for note_id, text, ids in notes
        ],
    }
