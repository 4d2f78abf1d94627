"""Build ``tfimage_lint/kb/data.json`` from the YAML knowledge base in ``../shared/kb``.

Usage: ``python tools/build_kb.py [KB_DIR] [--output PATH] [--check]``. KB_DIR defaults to
``../shared/kb`` next to the repository; the TF 2.21 build observation is read from
``KB_DIR/../gpu`` when present. The output is deterministic (sorted keys, stable row order),
so ``--check`` can compare it byte for byte with the committed file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb_build.common import EVIDENCE_ORDER
from kb_build.cuda_tables import build_cuda_min_driver
from kb_build.dates import build_python_eol, build_tf_releases
from kb_build.dockerhub import build_dockerhub
from kb_build.ngc import build_ngc
from kb_build.ngc_fields import STATUS_EVIDENCE
from kb_build.problems import build_known_problems
from kb_build.sources import NGC_FILE, Sources, register_knowledge_sources, register_ngc_sources
from kb_build.tables import (
    build_and_cuda_pins,
    build_ecosystem_eol,
    build_gpu_configs,
    build_milestones,
    build_tf_build_archs,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_KB = ROOT.parent / "shared" / "kb"
DEFAULT_OUTPUT = ROOT / "tfimage_lint" / "kb" / "data.json"
OBSERVATION = Path("gpu") / "tf221_cpu_probe_observation.json"
SCHEMA_VERSION = 1
CUDA_GRAMMAR_NOTE = (
    "nvidia/cuda tag grammar <cuda>-<flavour>-<os> (flavours base, runtime, devel, cudnn-runtime, cudnn-devel; "
    "older tags name the cuDNN major, e.g. cudnn8-runtime). Not in the YAML files: encoded in tfimage_lint/kb/cuda.py. "
    "base/runtime/devel flavours without cudnn carry no cuDNN (tf_pitfalls.md P05)."
)


def build(kb_dir: Path) -> dict[str, Any]:
    """The knowledge base as a JSON-ready dict."""
    knowledge = yaml.safe_load((kb_dir / "tf_knowledge.yaml").read_text(encoding="utf-8"))
    ngc = yaml.safe_load((kb_dir / NGC_FILE).read_text(encoding="utf-8"))
    observation = kb_dir.parent / OBSERVATION
    sources = Sources()
    register_knowledge_sources(sources, knowledge)
    register_ngc_sources(sources, ngc)
    sources.add("nvidia_cuda_tag_grammar", "convention", "tfimage_lint/kb/cuda.py", None, CUDA_GRAMMAR_NOTE)
    ngc_catalog, ngc_releases = build_ngc(knowledge, ngc, sources)
    data = {
        "schema_version": SCHEMA_VERSION,
        "as_of": knowledge["meta"]["compiled_on"],
        "evidence_levels": list(reversed(EVIDENCE_ORDER)),
        "status_mapping": STATUS_EVIDENCE,
        "ngc_catalog": ngc_catalog,
        "ngc_releases": ngc_releases,
        "dockerhub_tags": build_dockerhub(knowledge, sources),
        "tf_gpu_configs": build_gpu_configs(knowledge, sources),
        "and_cuda_pins": build_and_cuda_pins(knowledge, sources),
        "cuda_min_driver": build_cuda_min_driver(knowledge, sources),
        "tf_releases": build_tf_releases(knowledge, sources),
        "tf_milestones": build_milestones(knowledge, sources),
        "ecosystem_eol": build_ecosystem_eol(knowledge, sources),
        "python_eol": build_python_eol(knowledge, sources),
        "tf_build_archs": build_tf_build_archs(knowledge, sources, observation if observation.is_file() else None),
        "known_problems": build_known_problems(sources),
        "corpus_notes": [" ".join(note.split()) for note in knowledge["meta"]["corpus_notes"]],
    }
    data["sources"] = sources.records
    return data


def render(data: dict[str, Any]) -> str:
    """Deterministic JSON text."""
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("kb_dir", nargs="?", type=Path, default=DEFAULT_KB)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the output file differs")
    args = parser.parse_args(argv)
    text = render(build(args.kb_dir))
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} is out of date; run tools/build_kb.py", file=sys.stderr)
            return 1
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
