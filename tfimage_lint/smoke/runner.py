"""The Docker side of the smoke test: preflight, build, run the probe in a container, judge, clean up.

The Docker SDK (``docker``, the optional extra ``[smoke]``) is imported lazily so that the rest of the package works
without it. Everything this module creates carries the label ``tfimage-lint.smoke=<run id>``; the container, and
the built image unless asked to keep it, are removed in a ``finally`` (also on timeout and Ctrl-C), and
:func:`cleanup_leftovers` removes anything an earlier, killed run left behind.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SMOKE_LABEL = "tfimage-lint.smoke"
IMAGE_REPOSITORY = "tfimage-lint-smoke"
PROBE_PATH = "/tmp/probe.py"
LOG_TAIL_LINES = 50
NO_GPU_RUNTIME = "the daemon has no GPU runtime (NVIDIA Container Toolkit)"
_NO_GPU_RUNTIME_TEXTS = ('could not select device driver ""', "unknown or invalid runtime name: nvidia")

StatusFn = Callable[[str], None]


class SmokeError(Exception):
    """The smoke test could not run (exit code 2): no daemon, a failed build, a bad argument.

    ``message`` is one clear line; ``fix`` says how to fix it; ``log_tail`` holds the last lines of a failed build.
    """

    def __init__(self, message: str, *, fix: str = "", step: str = "", log_tail: Iterable[str] = ()) -> None:
        super().__init__(message)
        self.message = message
        self.fix = fix
        self.step = step
        self.log_tail = tuple(log_tail)

    def one_line(self) -> str:
        """The message and its fix on one line."""
        return f"{self.message} (fix: {self.fix})" if self.fix else self.message


@dataclass(frozen=True)
class SmokeOptions:
    """What to build and how to run the probe."""

    dockerfile: str | None = None
    context: str | None = None
    build_args: Mapping[str, str] = field(default_factory=dict)
    target: str | None = None
    #: An existing image to test instead of building one (it is never removed).
    image: str | None = None
    #: ``None`` (no GPUs), ``"all"``, a count ``"2"`` or ``"device=0,1"``.
    gpus: str | None = None
    timeout: float = 300.0
    keep_image: bool = False
    mem_limit: str = "8g"
    pids_limit: int = 4096
    shm_size: str = "2g"
    network: bool = False
    verbose: bool = False
    #: The image's CUDA version from the knowledge base (a known base); else ``docker inspect`` tells.
    known_cuda: str | None = None


@dataclass
class RunOutcome:
    """What happened when the probe ran (before judging)."""

    probe: dict[str, Any] | None = None
    exit_code: int | None = None
    timed_out: bool = False
    #: A diagnosis of why the container could not run at all (e.g. no GPU runtime), or "".
    run_error: str = ""
    #: The daemon's own error text, when there was one.
    daemon_error: str = ""
    stdout: str = ""
    stderr: str = ""
    duration_s: float = 0.0


@dataclass
class SmokeResult:
    """A finished smoke run: the probe data, the verdict and what was built."""

    run_id: str
    image: str
    image_cuda: str | None
    outcome: RunOutcome
    verdict: Any
    built: bool = False
    kept_image: bool = False
    build_seconds: float = 0.0
    cleanup_problems: list[str] = field(default_factory=list)
    #: The preflight checks: the daemon, the host driver and whether it satisfies the image's CUDA.
    preflight: dict[str, Any] = field(default_factory=dict)

    @property
    def passed(self) -> bool:
        """True when the verdict passed."""
        return bool(getattr(self.verdict, "passed", False))

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready summary, probe data included (for CI artefacts)."""
        verdict = self.verdict
        return {
            "run_id": self.run_id,
            "image": self.image,
            "built": self.built,
            "kept_image": self.kept_image,
            "image_cuda": self.image_cuda,
            "preflight": self.preflight,
            "build_seconds": round(self.build_seconds, 2),
            "passed": self.passed,
            "summary": getattr(verdict, "summary", ""),
            "reasons": list(getattr(verdict, "reasons", ()) or ()),
            "diagnosis": [
                item.to_json() if hasattr(item, "to_json") else _jsonable(item)
                for item in _as_list(getattr(verdict, "diagnosis", None))
            ],
            "run": {
                "exit_code": self.outcome.exit_code,
                "timed_out": self.outcome.timed_out,
                "run_error": self.outcome.run_error,
                "daemon_error": self.outcome.daemon_error,
                "duration_s": round(self.outcome.duration_s, 2),
                "stderr_tail": self.outcome.stderr.splitlines()[-LOG_TAIL_LINES:],
            },
            "probe": self.outcome.probe,
            "cleanup_problems": self.cleanup_problems,
        }


def _as_list(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    return str(value)


# --------------------------------------------------------------------------------------------------------------
# preflight


def _docker_module() -> Any:
    try:
        import docker
    except ImportError as exc:
        raise SmokeError("the Docker SDK for Python is not installed", fix="pip install 'tfimage-lint[smoke]'") from exc
    return docker


def _daemon_address() -> str:
    return os.environ.get("DOCKER_HOST") or "the default socket (unix:///var/run/docker.sock)"


def connect(timeout: float = 60.0) -> Any:
    """A ``docker.DockerClient`` for the daemon ``DOCKER_HOST`` (else the current Docker context) names.

    Raises :class:`SmokeError` with a fix when the SDK is missing or the daemon does not answer.
    """
    docker = _docker_module()
    kwargs: dict[str, Any] = {"timeout": int(timeout)}
    if not os.environ.get("DOCKER_HOST"):
        host = _context_host(docker)
        if host:
            kwargs["base_url"] = host
    try:
        client = docker.DockerClient(**kwargs) if "base_url" in kwargs else docker.from_env(**kwargs)
        client.ping()
    except Exception as exc:  # DockerException, requests errors, bad DOCKER_HOST values
        where = kwargs.get("base_url") or _daemon_address()
        reason = _short_reason(exc)
        raise SmokeError(
            f"cannot reach the Docker daemon at {where}: {reason}",
            fix="start the Docker daemon, or set DOCKER_HOST to its socket (e.g. unix:///tmp/tfl-dockerd/docker.sock)",
        ) from exc
    return client


def _context_host(docker: Any) -> str | None:
    """The endpoint of the current Docker context when it is not the default one (None otherwise)."""
    try:
        from docker.context import ContextAPI

        context = ContextAPI.get_current_context()
        if context is None or context.name == "default":
            return None
        host = context.Host
        return str(host) if host else None
    except Exception:  # no contexts, an unreadable config: fall back to the environment
        return None


def _short_reason(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    if "No such file or directory" in text or "FileNotFoundError" in text:
        return "no socket there"
    if "Connection refused" in text:
        return "connection refused"
    if "Permission denied" in text:
        return "permission denied on the socket"
    return text[:200]


def daemon_summary(client: Any) -> dict[str, Any]:
    """Version and runtimes of the daemon ("Runtimes has nvidia" is only a hint; the run itself decides)."""
    try:
        info = client.info()
    except Exception:
        return {}
    runtimes = sorted((info.get("Runtimes") or {}).keys())
    return {
        "server_version": info.get("ServerVersion"),
        "runtimes": runtimes,
        "default_runtime": info.get("DefaultRuntime"),
        "nvidia_runtime_hint": "nvidia" in runtimes,
    }


def host_driver(
    *,
    read_driver: Callable[[], dict[str, Any]] | None = None,
    which: Callable[[str], str | None] = shutil.which,
    run: Callable[..., Any] = subprocess.run,
) -> dict[str, Any]:
    """The host's NVIDIA driver: the probe's NVML/libcuda reader in this process, else ``nvidia-smi``, else unknown.

    Returns ``source`` (``nvml``, ``libcuda``, ``nvidia-smi`` or ``unknown``), ``driver_version`` and
    ``cuda_driver_version`` (the CUDA version the driver supports) when known, and ``attempts`` (what failed).
    """
    attempts: list[str] = []
    if read_driver is None:
        from tfimage_lint.smoke.probe import driver_section

        read_driver = driver_section
    try:
        info = read_driver()
    except Exception as exc:  # the reader guards itself; this is belt and braces
        info = {"source": "unknown", "attempts": [f"{type(exc).__name__}: {exc}"]}
    attempts.extend(str(item) for item in info.get("attempts") or [])
    if info.get("source") in ("nvml", "libcuda") and (info.get("driver_version") or info.get("cuda_driver_version")):
        return {
            "source": info["source"],
            "driver_version": info.get("driver_version"),
            "cuda_driver_version": info.get("cuda_driver_version"),
            "attempts": attempts,
        }
    smi = which("nvidia-smi")
    if smi:
        try:
            done = run(
                [smi, "--query-gpu=driver_version", "--format=csv,noheader"],
                capture_output=True,
                text=True,
                timeout=15,
                check=False,
            )
            versions = [line.strip() for line in (done.stdout or "").splitlines() if line.strip()]
            if done.returncode == 0 and versions:
                return {
                    "source": "nvidia-smi",
                    "driver_version": versions[0],
                    "cuda_driver_version": None,
                    "attempts": attempts,
                }
            attempts.append(f"nvidia-smi: exit {done.returncode}: {(done.stderr or done.stdout or '').strip()[:200]}")
        except (OSError, subprocess.SubprocessError) as exc:
            attempts.append(f"nvidia-smi: {type(exc).__name__}: {exc}")
    else:
        attempts.append("nvidia-smi: not on PATH")
    return {"source": "unknown", "driver_version": None, "cuda_driver_version": None, "attempts": attempts}


def _major_minor(text: Any) -> tuple[int, int] | None:
    if not isinstance(text, str):
        return None
    parts = text.strip().split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    except ValueError:
        return None


def driver_compatibility(cuda_driver_version: str | None, image_cuda: str | None) -> dict[str, Any]:
    """Whether a driver supporting CUDA ``cuda_driver_version`` satisfies an image built for ``image_cuda``.

    The same comparison as TF401 (major/minor): ``ok`` when the driver's CUDA is at least the image's;
    ``minor-compat`` when only the major matches (minor-version compatibility: kernels run, PTX JIT does not);
    ``too-old`` when the driver's major is older; ``unknown`` when either side is not known.
    """
    have, need = _major_minor(cuda_driver_version), _major_minor(image_cuda)
    if need is None:
        return {"status": "unknown", "message": "the image's CUDA version is not known"}
    if have is None:
        message = f"the host driver's CUDA version is not known (the image needs {image_cuda})"
        return {"status": "unknown", "message": message}
    if have >= need:
        message = f"the driver supports CUDA {cuda_driver_version} >= the image's {image_cuda}"
        return {"status": "ok", "message": message}
    if have[0] == need[0]:
        return {
            "status": "minor-compat",
            "message": f"the driver supports CUDA {cuda_driver_version}, older than the image's {image_cuda}: "
            "minor-version compatibility only (kernels run, PTX JIT compilation will not)",
            "fix": "upgrade the host's NVIDIA driver (or add the cuda-compat package) if kernels fail to load",
        }
    return {
        "status": "too-old",
        "message": f"the driver supports CUDA {cuda_driver_version} but the image needs CUDA {image_cuda}",
        "fix": "upgrade the host's NVIDIA driver, or use an image built for an older CUDA",
    }


def preflight_lines(preflight: Mapping[str, Any]) -> list[str]:
    """The preflight checks as ``preflight: ...`` lines for the text report."""
    lines: list[str] = []
    daemon = preflight.get("daemon") or {}
    if daemon:
        version = daemon.get("server_version") or "unknown version"
        runtimes = ", ".join(daemon.get("runtimes") or []) or "none listed"
        where = daemon.get("address")
        lines.append(f"preflight: Docker daemon at {where}: reachable ({version}; runtimes: {runtimes})")
    host = preflight.get("host_driver") or {}
    if host:
        if host.get("source") == "unknown":
            lines.append("preflight: host driver: unknown (no NVML, no libcuda, no nvidia-smi here)")
        else:
            cuda = host.get("cuda_driver_version") or "unknown"
            lines.append(
                f"preflight: host driver: {host.get('driver_version') or 'unknown'} "
                f"({host.get('source')}), supports CUDA {cuda}"
            )
    if "image_cuda" in preflight:
        lines.append(f"preflight: image CUDA: {preflight.get('image_cuda') or 'unknown'}")
    compat = preflight.get("driver_satisfies_image") or {}
    if compat:
        word = {"ok": "yes", "minor-compat": "minor-version compatibility", "too-old": "NO"}.get(
            compat.get("status"), "unknown"
        )
        lines.append(f"preflight: driver satisfies the image: {word}: {compat.get('message')}")
        if compat.get("fix"):
            lines.append(f"  fix: {compat['fix']}")
    return lines


# --------------------------------------------------------------------------------------------------------------
# build


@dataclass
class _BuildLog:
    verbose: bool
    status: StatusFn
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=LOG_TAIL_LINES))
    step: str = ""
    step_is_from: bool = False
    image_id: str | None = None
    #: images this build created (so a failed or interrupted build can remove them)
    created: list[str] = field(default_factory=list)
    #: the images the build's FROM steps resolved to
    bases: set[str] = field(default_factory=set)
    _cached: bool = False

    def feed(self, chunk: Mapping[str, Any]) -> None:
        if "aux" in chunk and isinstance(chunk["aux"], dict) and chunk["aux"].get("ID"):
            self.image_id = str(chunk["aux"]["ID"])
        text = chunk.get("stream") or chunk.get("status") or ""
        for line in str(text).splitlines():
            self._line(line.rstrip())

    def _line(self, line: str) -> None:
        if not line.strip():
            return
        self.tail.append(line)
        if self.verbose:
            self.status("\n" + line)
        stripped = line.strip()
        if line.startswith("Step "):
            self.step = line
            instruction = line.split(" : ", 1)[1] if " : " in line else ""
            self.step_is_from = instruction.upper().startswith("FROM ")
            self._cached = False
            if not self.verbose:
                self.status(line)
        elif stripped == "---> Using cache":
            self._cached = True
        elif stripped.startswith("---> ") and not stripped.startswith("---> Running in"):
            image = stripped[len("---> ") :].strip()
            if not image or " " in image:
                return
            if self.step_is_from:
                self.bases.add(image)
            elif not self._cached:
                self.created.append(image)


def _build_path(options: SmokeOptions) -> tuple[str, str]:
    dockerfile = Path(options.dockerfile or "Dockerfile")
    if not dockerfile.is_file():
        raise SmokeError(f"no Dockerfile at {dockerfile}", fix="give the Dockerfile's path, or use --image REF")
    context = Path(options.context) if options.context else dockerfile.resolve().parent
    if not context.is_dir():
        raise SmokeError(f"the build context {context} is not a folder", fix="pass an existing folder to --context")
    return str(dockerfile.resolve()), str(context.resolve())


def build_image(client: Any, options: SmokeOptions, run_id: str, status: StatusFn) -> tuple[str, _BuildLog]:
    """Build the image (classic builder) and return its id; raises :class:`SmokeError` naming the failing step."""
    dockerfile, context = _build_path(options)
    tag = f"{IMAGE_REPOSITORY}:{run_id}"
    log = _BuildLog(verbose=options.verbose, status=status)
    begun = time.time()
    responses: list[Any] = []
    try:
        stream = _build_stream(client, responses)(
            path=context,
            dockerfile=dockerfile,
            tag=tag,
            buildargs=dict(options.build_args),
            target=options.target or None,
            labels={SMOKE_LABEL: run_id},
            rm=True,
            forcerm=True,
            pull=False,
            decode=True,
        )
        error = ""
        for chunk in stream:
            log.feed(chunk)
            if chunk.get("error") or chunk.get("errorDetail"):
                detail = chunk.get("errorDetail") or {}
                error = str(chunk.get("error") or detail.get("message") or "build failed").strip()
                log.tail.append(error)
                break
    except BaseException as exc:
        _abandon_build(client, log, begun, responses, run_id)
        if isinstance(exc, SmokeError | KeyboardInterrupt):
            raise
        if _is_docker_error(exc):
            raise SmokeError(
                f"the build failed: {_short_reason(exc)}",
                step=log.step,
                log_tail=log.tail,
                fix="read the log above; the build runs with the classic builder (no heredocs, no RUN --mount)",
            ) from exc
        raise
    if error or not log.image_id:
        _remove_images(client, reversed(log.created))
        step = log.step or "(before the first step)"
        raise SmokeError(
            f"the build failed at {step}: {error or 'no image was produced'}",
            step=step,
            log_tail=log.tail,
            fix="fix the failing step; the build runs with the classic builder (no heredocs, no RUN --mount)",
        )
    return log.image_id, log


def _build_stream(client: Any, responses: list[Any]) -> Callable[..., Iterator[dict[str, Any]]]:
    """``client.api.build`` that also hands back its HTTP response, so an interrupted build can be disconnected."""
    api = client.api
    original = getattr(api, "_stream_helper", None)
    if original is None:
        return api.build  # type: ignore[no-any-return]

    def build(**kwargs: Any) -> Iterator[dict[str, Any]]:
        def capture(response: Any, decode: bool = False) -> Any:
            responses.append(response)
            return original(response, decode=decode)

        api._stream_helper = capture
        try:
            return api.build(**kwargs)  # type: ignore[no-any-return]
        finally:
            del api._stream_helper

    return build


def _abandon_build(client: Any, log: _BuildLog, begun: float, responses: list[Any], run_id: str) -> None:
    """After an interrupted build: drop the connection (the daemon then cancels it) and remove what it made.

    The classic builder labels only the final image, so the intermediate images are found by their parents: the
    dangling images created since the build began that descend from this build's base or from its steps.
    """
    for response in responses:  # the daemon cancels a build whose client went away
        with contextlib.suppress(Exception):
            response.close()
    for attempt in range(3):
        _remove_images(client, [f"{IMAGE_REPOSITORY}:{run_id}"])
        _remove_images(client, reversed(log.created))
        known = set(log.bases) | set(log.created)
        for image in _descendants_since(client, known, begun):
            _remove_images(client, [image])
        if attempt < 2:
            time.sleep(0.5)


def _descendants_since(client: Any, ancestors: set[str], begun: float) -> list[str]:
    if not ancestors:
        return []
    try:
        dangling = client.api.images(all=True, filters={"dangling": True})
    except Exception:
        return []
    wanted = {_short_id(ancestor) for ancestor in ancestors}
    found = []
    for entry in dangling:
        if int(entry.get("Created") or 0) < begun - 2:
            continue
        image_id = str(entry.get("Id", ""))
        current, depth = image_id, 0
        while current and depth < 200:
            if current != image_id and _short_id(current) in wanted:
                found.append(image_id)
                break
            try:
                current = str(client.api.inspect_image(current).get("Parent") or "")
            except Exception:
                break
            depth += 1
    return found


def _short_id(image_id: str) -> str:
    return image_id.removeprefix("sha256:")[:12]


def _is_docker_error(exc: BaseException) -> bool:
    module = type(exc).__module__ or ""
    return module.startswith(("docker", "requests", "urllib3"))


def image_cuda_from(client: Any, image: str) -> str | None:
    """The CUDA version an image declares (``CUDA_VERSION``, else ``NVIDIA_REQUIRE_CUDA``'s ``cuda>=X``)."""
    try:
        attrs = client.api.inspect_image(image)
    except Exception:
        return None
    env = _env_map((attrs.get("Config") or {}).get("Env") or [])
    if env.get("CUDA_VERSION"):
        return env["CUDA_VERSION"]
    require = env.get("NVIDIA_REQUIRE_CUDA", "")
    for word in require.split():
        if word.startswith("cuda>="):
            return word[len("cuda>=") :]
    return None


def _env_map(entries: Iterable[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for entry in entries:
        key, _, value = str(entry).partition("=")
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------------------------
# run


def device_requests(gpus: str | None) -> list[Any]:
    """``--gpus`` as Docker ``DeviceRequest`` objects (like the docker CLI); raises SmokeError on a bad value."""
    if not gpus:
        return []
    docker = _docker_module()
    value = gpus.strip()
    if value == "all":
        return [docker.types.DeviceRequest(count=-1, capabilities=[["gpu"]])]
    if value.isdigit():
        return [docker.types.DeviceRequest(count=int(value), capabilities=[["gpu"]])]
    if value.startswith("device="):
        ids = [part.strip() for part in value[len("device=") :].split(",") if part.strip()]
        if ids:
            return [docker.types.DeviceRequest(device_ids=ids, capabilities=[["gpu"]])]
    raise SmokeError(f"bad --gpus value {gpus!r}", fix="use all, a count (e.g. 2) or device=0,1")


def requested_gpu_count(gpus: str | None) -> int | str | None:
    """How many GPUs ``--gpus`` asks for: None, ``"all"`` or a number."""
    if not gpus:
        return None
    value = gpus.strip()
    if value == "all":
        return "all"
    if value.isdigit():
        return int(value)
    if value.startswith("device="):
        return len([part for part in value[len("device=") :].split(",") if part.strip()])
    return None


def probe_source() -> bytes:
    """The probe script shipped in the package."""
    return Path(__file__).with_name("probe.py").read_bytes()


def _probe_archive(source: bytes, *, with_tmp_dir: bool) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        now = int(time.time())
        if with_tmp_dir:
            folder = tarfile.TarInfo("tmp")
            folder.type = tarfile.DIRTYPE
            folder.mode = 0o1777
            folder.mtime = now
            tar.addfile(folder)
        info = tarfile.TarInfo("tmp/probe.py" if with_tmp_dir else "probe.py")
        info.size = len(source)
        info.mode = 0o644
        info.mtime = now
        tar.addfile(info, io.BytesIO(source))
    return buffer.getvalue()


def diagnose_daemon_error(text: str) -> str:
    """A diagnosis for a daemon error met when creating or starting the probe container ("" if none known)."""
    if any(marker in text for marker in _NO_GPU_RUNTIME_TEXTS):
        return NO_GPU_RUNTIME
    lowered = text.lower()
    if "nvidia-container-cli" in lowered and "driver" in lowered:
        return "the NVIDIA container runtime could not use the host driver (is the NVIDIA driver loaded?)"
    if "requirement error: unsatisfied condition: cuda>=" in lowered:
        return "the host driver is too old for the image's CUDA (NVIDIA_REQUIRE_CUDA not satisfied)"
    if "executable file not found" in lowered and "python" in lowered:
        return "the image has no python3 on its PATH, so the probe cannot run"
    return ""


def parse_probe_output(stdout: str) -> dict[str, Any] | None:
    """The probe's JSON object: the whole output, else the last line that is a JSON object (banners skipped)."""
    text = stdout.strip()
    if not text:
        return None
    try:
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line.startswith("{") and line.endswith("}"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                return value
    return None


def run_probe(client: Any, image: str, options: SmokeOptions, run_id: str, status: StatusFn) -> RunOutcome:
    """Create the container, copy the probe in, start it, wait (kill on timeout), collect; always remove it."""
    docker = _docker_module()
    outcome = RunOutcome()
    container = None
    requests = device_requests(options.gpus)
    started = time.monotonic()
    try:
        try:
            container = client.containers.create(
                image,
                entrypoint=["python3", PROBE_PATH],
                command=[],
                labels={SMOKE_LABEL: run_id},
                device_requests=requests or None,
                mem_limit=options.mem_limit,
                pids_limit=options.pids_limit,
                shm_size=options.shm_size,
                network_disabled=not options.network,
                network_mode=None if options.network else "none",
                environment={"PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"},
                detach=True,
            )
            source = probe_source()
            try:
                container.put_archive("/tmp", _probe_archive(source, with_tmp_dir=False))
            except docker.errors.NotFound:  # an image without /tmp
                container.put_archive("/", _probe_archive(source, with_tmp_dir=True))
            status("running the probe" + (f" with --gpus {options.gpus}" if options.gpus else ""))
            container.start()
        except docker.errors.APIError as exc:
            text = str(getattr(exc, "explanation", None) or exc)
            outcome.daemon_error = text
            outcome.run_error = diagnose_daemon_error(text) or f"the daemon could not run the container: {text}"
            return outcome
        try:
            result = container.wait(timeout=options.timeout)
            outcome.exit_code = int(result.get("StatusCode", -1))
        except Exception as exc:  # requests' ReadTimeout / ConnectionError on expiry
            if not _is_timeout(exc):
                raise
            outcome.timed_out = True
            outcome.run_error = f"the probe did not finish within {options.timeout:g} s and was killed"
            with contextlib.suppress(Exception):
                container.kill()
        outcome.stdout = _logs(container, stdout=True)
        outcome.stderr = _logs(container, stdout=False)
        outcome.probe = parse_probe_output(outcome.stdout)
        if outcome.probe is None and not outcome.run_error:
            reason = diagnose_daemon_error(outcome.stderr) or "the probe printed no JSON object"
            last = outcome.stderr.strip().splitlines()[-1:] if outcome.stderr.strip() else []
            outcome.run_error = reason + (f" (exit {outcome.exit_code}; {last[0][:200]})" if last else "")
        return outcome
    finally:
        outcome.duration_s = time.monotonic() - started
        if container is not None:
            _remove_container(client, container.id)


def _is_timeout(exc: BaseException) -> bool:
    name = type(exc).__name__
    return "Timeout" in name or "timed out" in str(exc).lower() or name == "ConnectionError"


def _logs(container: Any, *, stdout: bool) -> str:
    try:
        data = container.logs(stdout=stdout, stderr=not stdout)
    except Exception:
        return ""
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)


def _remove_container(client: Any, container_id: str) -> str | None:
    try:
        client.api.remove_container(container_id, force=True, v=True)
    except Exception as exc:
        if "No such container" in str(exc) or "is already in progress" in str(exc):
            return None
        return f"container {container_id[:12]}: {_short_reason(exc)}"
    return None


def _remove_images(client: Any, images: Iterable[str]) -> list[str]:
    problems = []
    for image in images:
        try:
            client.api.remove_image(image, force=True, noprune=False)
        except Exception as exc:
            if "No such image" in str(exc):
                continue
            problems.append(f"image {image}: {_short_reason(exc)}")
    return problems


# --------------------------------------------------------------------------------------------------------------
# the whole run


def _judge(
    outcome: RunOutcome, options: SmokeOptions, *, expect_gpus: int | str | None, cpu_ok: bool, image_cuda: str | None
) -> Any:
    from tfimage_lint.smoke.verdict import judge

    requested = requested_gpu_count(options.gpus)
    if outcome.probe is not None and not outcome.timed_out:
        return judge(
            outcome.probe, expect_gpus=expect_gpus, cpu_ok=cpu_ok, requested_gpus=requested, image_cuda=image_cuda
        )
    summary = outcome.run_error or "the probe did not run"
    if outcome.timed_out:
        return _failed(
            "probe-timeout", summary, "find what hangs (run the probe by hand: tfimage-lint probe) or raise --timeout"
        )
    if outcome.run_error == NO_GPU_RUNTIME:
        return _failed(
            "no-gpu-runtime",
            NO_GPU_RUNTIME,
            "install the NVIDIA Container Toolkit on the Docker host, run `nvidia-ctk runtime configure "
            "--runtime=docker` and restart the daemon",
        )
    return _failed("probe-did-not-run", summary, "")


def _failed(code: str, summary: str, fix: str) -> Any:
    try:
        from tfimage_lint.smoke.verdict import Diagnosis, Verdict

        return Verdict(passed=False, summary=summary, reasons=[summary], diagnosis=[Diagnosis(code, summary, fix)])
    except (ImportError, TypeError):  # a Verdict of another shape: keep the same attributes on a plain object
        return _PlainVerdict(False, summary, [summary], f"{summary} (fix: {fix})" if fix else summary)


@dataclass
class _PlainVerdict:
    passed: bool
    summary: str
    reasons: list[str]
    diagnosis: str


def new_run_id() -> str:
    """A short unique id for one smoke run (also the image tag and the label's value)."""
    return time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:8]


def run_smoke(
    options: SmokeOptions,
    *,
    expect_gpus: int | str | None = None,
    cpu_ok: bool = False,
    status: StatusFn | None = None,
    client: Any = None,
) -> SmokeResult:
    """Preflight, build (unless ``options.image``), run the probe and judge it; clean up always.

    Raises :class:`SmokeError` when it could not run (exit 2); returns a result whose verdict passed or failed.
    """
    say: StatusFn = status or (lambda _message: None)
    requested_gpu_count(options.gpus)
    device_requests(options.gpus) if options.gpus else None  # validate --gpus before building anything
    if options.timeout <= 0:
        raise SmokeError("the timeout must be positive", fix="pass --timeout SECONDS with SECONDS > 0")
    if client is None:
        say(f"connecting to the Docker daemon at {_daemon_address()}")
        client = connect()
    preflight: dict[str, Any] = {"daemon": {"address": _daemon_address(), "reachable": True, **daemon_summary(client)}}
    preflight["host_driver"] = host_driver()
    run_id = new_run_id()
    built_image: str | None = None
    result: SmokeResult | None = None
    cleanup_problems: list[str] = []
    try:
        build_seconds = 0.0
        if options.image:
            image = options.image
            try:
                client.api.inspect_image(image)
            except Exception as exc:
                raise SmokeError(
                    f"no image {image} on the daemon: {_short_reason(exc)}", fix="build or load it first"
                ) from exc
        else:
            say("building")
            begun = time.monotonic()
            built_image, _log = build_image(client, options, run_id, say)
            build_seconds = time.monotonic() - begun
            image = built_image
        image_cuda = options.known_cuda or image_cuda_from(client, image)
        preflight["image_cuda"] = image_cuda
        preflight["driver_satisfies_image"] = driver_compatibility(
            preflight["host_driver"].get("cuda_driver_version"), image_cuda
        )
        outcome = run_probe(client, image, options, run_id, say)
        verdict = _judge(outcome, options, expect_gpus=expect_gpus, cpu_ok=cpu_ok, image_cuda=image_cuda)
        result = SmokeResult(
            run_id=run_id,
            image=options.image or f"{IMAGE_REPOSITORY}:{run_id}",
            image_cuda=image_cuda,
            outcome=outcome,
            verdict=verdict,
            built=built_image is not None,
            kept_image=bool(built_image and options.keep_image),
            build_seconds=build_seconds,
            preflight=preflight,
        )
        return result
    finally:
        cleanup_problems.extend(_cleanup_run(client, run_id, None if options.keep_image else built_image))
        if result is not None:
            result.cleanup_problems = cleanup_problems


def _cleanup_run(client: Any, run_id: str, image: str | None) -> list[str]:
    """Remove this run's containers, and its image when given; never raises."""
    problems: list[str] = []
    try:
        containers = client.api.containers(all=True, filters={"label": f"{SMOKE_LABEL}={run_id}"})
    except Exception:
        containers = []
    for container in containers:
        problem = _remove_container(client, container["Id"])
        if problem:
            problems.append(problem)
    if image:
        problems.extend(_remove_images(client, [image]))
    return problems


def cleanup_leftovers(client: Any) -> list[str]:
    """Remove every container and image labelled ``tfimage-lint.smoke``; returns what was removed."""
    removed: list[str] = []
    for container in client.api.containers(all=True, filters={"label": SMOKE_LABEL}):
        if _remove_container(client, container["Id"]) is None:
            removed.append(f"container {container['Id'][:12]}")
    for image in client.api.images(all=True, filters={"label": SMOKE_LABEL}):
        if not _remove_images(client, [image["Id"]]):
            removed.append(f"image {image['Id'].removeprefix('sha256:')[:12]}")
    return removed


def leftovers(client: Any) -> Iterator[str]:
    """Containers and images labelled ``tfimage-lint.smoke`` that still exist."""
    for container in client.api.containers(all=True, filters={"label": SMOKE_LABEL}):
        yield f"container {container['Id'][:12]}"
    for image in client.api.images(all=True, filters={"label": SMOKE_LABEL}):
        yield f"image {image['Id'].removeprefix('sha256:')[:12]}"
