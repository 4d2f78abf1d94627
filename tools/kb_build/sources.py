"""The source registry: every id a fact cites, with its URL, a note and its kind.

``tf_knowledge.yaml`` gives no kinds, so they are assigned here (``KNOWLEDGE_KINDS``);
``ngc_2302_2502.yaml`` gives its own (first word of ``kind``). Evidence entries that are
URLs or free text rather than ids become generated ``ref_*`` sources.
"""

from __future__ import annotations

from typing import Any

from .common import KIND_CAP, Json, clean, slug, strongest

KNOWLEDGE_FILE = "tf_knowledge.yaml"
NGC_FILE = "ngc_2302_2502.yaml"

#: Kinds of the ids defined in tf_knowledge.yaml.
KNOWLEDGE_KINDS = {
    **{
        f"nv_rn_{month}": "nvidia_docs"
        for month in (
            "1806",
            "1807",
            "1809",
            "1811",
            "1812",
            "1902",
            "2003",
            "2010",
            "2104",
            "2105",
            "2106",
            "2110",
            "2206",
            "2210",
            "2301",
        )
    },
    "nv_tf1_github_releases": "nvidia_github",
    "nv_tf_user_guide": "nvidia_docs",
    "triton_pr_8068": "nvidia_maintainer",
    "triton_tfbackend_pr_90": "nvidia_github",
    "triton_compat_matrix": "nvidia_sibling",
    "odh_arch_pr_29": "third_party",
    "jupyter_docker_stacks_2288": "third_party",
    "third_party_tag_refs": "third_party",
    "ctlearn_234": "third_party",
    "tfdocs_docker_md": "tensorflow_docs",
    "tfbuild_runtime": "tensorflow_repo",
    "tf_dockerfiles_spec": "tensorflow_repo",
    "tf_gpu_dockerfile_cuda101": "tensorflow_repo",
    "tf_gpu_jupyter_cuda118": "tensorflow_repo",
    "tf_pr_46774": "tensorflow_repo",
    "dockerhub_readme_quote": "quoted_official",
    "tf_issue_22292": "tensorflow_maintainer",
    "tf_issue_39232": "tensorflow_issue",
    "tfbuild_issue_221": "tensorflow_issue",
    "tfbuild_issue_217": "tensorflow_issue",
    "tf_issue_62412": "tensorflow_issue",
    "tf_issue_81344": "tensorflow_issue",
    "tf_issue_63362": "tensorflow_issue",
    "tf_issue_54122": "tensorflow_maintainer",
    "rlan_tracker": "third_party",
    "tf_rel_2161": "tensorflow_release_notes",
    "tfdocs_source_md": "tensorflow_docs",
    "tfdocs_source_windows_md": "tensorflow_docs",
    "tfdocs_pip_md": "tensorflow_docs",
    "pypi_metadata": "package_metadata",
    "pypi_tensorflow_gpu": "package_metadata",
    "tf_rel_210_notes": "tensorflow_release_notes",
    "tf_rel_2140": "tensorflow_release_notes",
    "tf_rel_2170": "tensorflow_release_notes",
    "tf_rel_2180": "tensorflow_release_notes",
    "tf_rel_2210": "quoted_official",
    "cuda_131_rn": "nvidia_docs",
    "cuda_minor_compat_doc": "nvidia_docs",
    "nvidia_cuda_image_env": "quoted_official",
    "nvct_152": "nvidia_maintainer",
    "tf_security_md": "tensorflow_repo",
    "tf_rel_1150_quote": "quoted_official",
    "tf_rel_265": "tensorflow_release_notes",
    "gcloud_tpu_supported_tf": "google_docs",
    "tfa_releases": "tensorflow_repo",
    "tf_estimator_guide": "tensorflow_docs",
    "python_devguide": "python_docs",
}

#: Free-text evidence entries of tf_knowledge.yaml that are not URLs -> their kind.
TEXT_EVIDENCE = {
    "TF 2.18 notes: 'TensorFlow Lite version 2.17.0, released on 7/11/2024'": "tensorflow_release_notes",
}
#: Free-text evidence entries that name a source defined elsewhere.
TEXT_ALIASES = {"pypi tensorflow-gpu 2.12.0 sdist": "pypi_tensorflow_gpu"}

_URL_KINDS = (
    ("github.com/tensorflow/tensorflow/releases", "tensorflow_release_notes"),
    ("github.com/nvidia/tensorflow/releases", "nvidia_github"),
    ("github.com/tensorflow/", "tensorflow_issue"),
    ("github.com/nvidia/", "nvidia_issue"),
    ("github.com/deepmodeling/", "quoted_official"),
)


def _url_kind(url: str) -> str:
    lowered = url.lower()
    for prefix, kind in _URL_KINDS:
        if prefix in lowered:
            return kind
    return "third_party"


class Sources:
    """Collects source records by id; ``ref`` turns an evidence entry into an id."""

    def __init__(self) -> None:
        self.records: dict[str, Json] = {}

    def add(self, source_id: str, kind: str, defined_in: str, url: str | None = None, note: str | None = None) -> str:
        """Register a source (a repeated id must agree on its URL)."""
        if kind not in KIND_CAP:
            raise ValueError(f"source {source_id}: unknown kind {kind!r}")
        record: Json = {"kind": kind, "defined_in": defined_in, "url": url, "note": clean(note) if note else None}
        previous = self.records.get(source_id)
        if previous is not None:
            if previous["url"] != url:
                raise ValueError(f"source {source_id} defined twice with different URLs")
            return source_id
        self.records[source_id] = record
        return source_id

    def ref(self, entry: str) -> str:
        """The id for an evidence entry: a known id, or a generated one for a URL or text."""
        entry = entry.strip()
        if entry in self.records:
            return entry
        if entry in TEXT_ALIASES:
            return TEXT_ALIASES[entry]
        if entry.startswith("http"):
            url, _, rest = entry.partition(" ")
            if not rest:
                same = [sid for sid, record in self.records.items() if record["url"] == url]
                if same:
                    return same[0]
            source_id = "ref_" + slug(url.split("://", 1)[1])
            return self.add(source_id, _url_kind(url), KNOWLEDGE_FILE, url, rest.strip("() ") or None)
        if entry in TEXT_EVIDENCE:
            return self.add("ref_" + slug(entry)[:48], TEXT_EVIDENCE[entry], KNOWLEDGE_FILE, None, entry)
        raise KeyError(f"evidence entry {entry!r} is neither a source id nor a URL")

    def refs(self, entries: Any) -> list[str]:
        """Ids for a list of evidence entries (None -> [])."""
        return [self.ref(entry) for entry in entries or ()]

    def cap(self, source_ids: list[str]) -> str:
        """The strongest evidence any of the sources can support (``unknown`` for none)."""
        if not source_ids:
            return "unknown"
        return strongest(*(KIND_CAP[self.records[source_id]["kind"]] for source_id in source_ids))

    def kind(self, source_id: str) -> str:
        """The kind of a registered source."""
        return self.records[source_id]["kind"]


def register_knowledge_sources(sources: Sources, data: dict[str, Any]) -> None:
    """Register the ``sources:`` lists of every table in tf_knowledge.yaml."""
    sources.add(
        "kb_tf_knowledge",
        "kb_file",
        KNOWLEDGE_FILE,
        None,
        "Claim recorded in tf_knowledge.yaml without a source id (e.g. 'from memory').",
    )
    for table in ("ngc_tensorflow", "dockerhub_tensorflow", "tf_tested_gpu_configs", "cuda_driver_minimums", "tf_eol"):
        for entry in data[table]["sources"]:
            extras = [entry.get("note"), _extra("commit", entry), _extra("repo_file", entry)]
            note = " ".join(part for part in extras if part) or None
            sources.add(entry["id"], KNOWLEDGE_KINDS[entry["id"]], f"{KNOWLEDGE_FILE}:{table}", entry.get("url"), note)


def _extra(key: str, entry: dict[str, Any]) -> str | None:
    return f"{key}: {entry[key]}" if key in entry else None


def _ngc_kind(source_id: str, kind: str | None) -> str:
    if kind is None:
        return "third_party"  # misc_third_party has no kind; its id says what it is
    token = kind.split()[0]
    if token == "nvidia_docs" and "transported" in kind:
        return "nvidia_docs_transported"
    if token == "nvidia_verified" and "maintainer" in kind:
        return "nvidia_maintainer"
    return token


def register_ngc_sources(sources: Sources, data: dict[str, Any]) -> None:
    """Register the sources of ngc_2302_2502.yaml, folding their details into the note."""
    sources.add(
        "kb_ngc_2302_2502", "kb_file", NGC_FILE, None, "Claim recorded in ngc_2302_2502.yaml without a source id."
    )
    for entry in data["sources"]:
        urls = entry.get("urls") or []
        url = entry.get("url") or (urls[0] if urls else None)
        parts = []
        kind_text = entry.get("kind")
        if kind_text and "(" in kind_text:
            parts.append(kind_text[kind_text.index("(") :])
        for key in ("says", "where", "captured_in", "url_pattern", "repo", "path", "commit", "caution"):
            if key in entry:
                parts.append(f"{key}: {entry[key]}" if key != "says" else str(entry[key]))
        for item in entry.get("items", []):
            parts.append(str(item))
        for item in entry.get("files", []):
            parts.append(f"{item['path']} @{item['commit'][:12]}: {item['note']}")
        if len(urls) > 1:
            parts.append("also: " + " ".join(urls[1:]))
        sources.add(entry["id"], _ngc_kind(entry["id"], kind_text), NGC_FILE, url, " ".join(parts) or None)
