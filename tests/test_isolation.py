"""The linter opens no network connection and starts no process while linting.

Two guards, each with a positive control that shows it would catch the real thing:

- a child process (the real CLI, ``tfimage_lint.cli.main``) started through a bootstrap that
  installs a ``sys.addaudithook`` hook before anything of the linter is imported. The hook blocks
  (raises) and logs the audit events of sockets, name lookups, URL/HTTP clients and process
  creation (see Python's audit events table). ``_posixsubprocess.fork_exec`` raises no audit event
  (multiprocessing's ``spawn`` start method and ``subprocess`` both use it), so the bootstrap also
  wraps it. Each event is appended to a log file at once, so events in forked children count too.
  With ``--jobs 1`` nothing at all may happen; with the process pool, the only processes allowed
  are the pool's own workers: ``os.fork`` or a spawn of ``sys.executable`` running multiprocessing.
- in this process: pytest ``monkeypatch`` guards on ``socket`` and ``subprocess``/``os`` entry points
  while ``tests.conftest.lint_text`` lints the corpus.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import SHARED, lint_text
from tfimage_lint.registry import load_registry

CORPUS = SHARED / "corpus" / "files"
EVERY_RULE = ",".join(rule.id for rule in load_registry(include_plugins=False).rules)

BOOTSTRAP = textwrap.dedent(
    r'''
    """Install the guard, then run one scenario; every guarded event is appended to LOG as a JSON line."""
    import json
    import os
    import sys

    LOG = os.environ["ISOLATION_LOG"]
    MODE = sys.argv[1]
    NETWORK = {
        "socket.__new__", "socket.bind", "socket.connect", "socket.getaddrinfo", "socket.gethostbyname",
        "socket.gethostbyaddr", "socket.getnameinfo", "socket.sendto", "socket.sendmsg", "urllib.Request",
        "http.client.connect", "http.client.send", "ftplib.connect", "smtplib.connect", "poplib.connect",
        "imaplib.open", "nntplib.connect", "telnetlib.Telnet.open", "webbrowser.open",
    }
    PROCESS = {
        "subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty",
        "os.startfile", "_posixsubprocess.fork_exec",
    }
    POOL = MODE == "lint-pool"


    def log(event, detail, allowed):
        line = json.dumps({"event": event, "detail": detail[:300], "allowed": allowed, "pid": os.getpid()})
        fd = os.open(LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            os.write(fd, (line + "\n").encode())
        finally:
            os.close(fd)


    def pool_worker(event, args):
        """The process pool's own workers: a fork, or a spawn of this Python running multiprocessing."""
        if event == "os.fork":
            return True
        if event in ("_posixsubprocess.fork_exec", "os.posix_spawn"):
            executable, argv = args[0], args[1]
            return os.fsdecode(executable) == sys.executable and "multiprocessing" in " ".join(map(os.fsdecode, argv))
        return False


    def hook(event, args):
        if event not in NETWORK and event not in PROCESS:
            return
        allowed = POOL and event in PROCESS and pool_worker(event, args)
        if POOL and event in ("socket.__new__", "socket.bind", "socket.connect"):
            family = args[1] if event == "socket.__new__" else getattr(args[0], "family", None)
            allowed = family == getattr(__import__("socket"), "AF_UNIX", None)  # a forkserver's own pipe
        log(event, repr(args), allowed)
        if not allowed:
            raise PermissionError(f"isolation guard: {event} blocked")


    sys.addaudithook(hook)

    import _posixsubprocess

    _fork_exec = _posixsubprocess.fork_exec


    def fork_exec(*args):
        sys.audit("_posixsubprocess.fork_exec", args[1][0] if args[1] else b"", args[0])
        return _fork_exec(*args)


    _posixsubprocess.fork_exec = fork_exec

    if MODE.startswith("lint"):
        from tfimage_lint.cli import main

        try:
            main(sys.argv[2:], prog_name="tfimage-lint")
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
        else:
            code = 0
        log("exit", str(code), True)
        sys.exit(code)
    elif MODE == "control-socket":
        import socket

        try:
            socket.create_connection(("127.0.0.1", 9), timeout=2)
        except OSError as exc:
            print(type(exc).__name__, exc)
    elif MODE == "control-dns":
        import socket

        try:
            socket.getaddrinfo("example.invalid", 443)
        except OSError as exc:
            print(type(exc).__name__, exc)
    elif MODE == "control-subprocess":
        import subprocess

        try:
            subprocess.run(["true"], check=False)
        except OSError as exc:
            print(type(exc).__name__, exc)
    elif MODE == "control-system":
        try:
            os.system("true")
        except OSError as exc:
            print(type(exc).__name__, exc)
    elif MODE == "control-spawn-pool":
        if __name__ == "__main__":
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            try:
                with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
                    print(list(pool.map(abs, [-1])))
            except Exception as exc:  # the pool breaks when its worker cannot start
                print(type(exc).__name__, exc)
    '''
)


def corpus_files() -> list[Path]:
    if not SHARED.is_dir():
        pytest.skip("../shared is not present next to the project")
    return sorted(path for path in CORPUS.rglob("*") if path.is_file() and "__REQ__" not in path.name)


def build_context(root: Path) -> Path:
    """A build context holding the corpus's requirement files under the names the Dockerfiles use."""
    context = root / "context"
    for source in sorted(CORPUS.rglob("*__REQ__*")):
        relative = source.name.split("__REQ__", 1)[1].replace("__", "/")
        target = context / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    (context / "pyproject.toml").write_text('[project]\nname = "x"\ndependencies = ["numpy<2"]\n', encoding="utf-8")
    return context


def guarded(tmp_path: Path, mode: str, *args: str, env: dict[str, str] | None = None, timeout: int = 300):
    """Run the bootstrap in a child process: (process, logged events without the exit marker, exit code logged)."""
    script = tmp_path / "guarded.py"
    script.write_text(BOOTSTRAP, encoding="utf-8")
    log = tmp_path / f"{mode}.log"
    child_env = {key: value for key, value in os.environ.items() if key not in ("NO_COLOR", "TFIMAGE_LINT_JOBS")}
    child_env.update(env or {}, ISOLATION_LOG=str(log), PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    proc = subprocess.run(
        [sys.executable, str(script), mode, *args],
        cwd=tmp_path,
        env=child_env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=timeout,
    )
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()] if log.exists() else []
    exits = [int(entry["detail"]) for entry in lines if entry["event"] == "exit"]
    return proc, [entry for entry in lines if entry["event"] != "exit"], exits


# -- the guard works (positive controls) --------------------------------------------------------------


def test_guard_blocks_and_logs_a_socket_connection(tmp_path):
    proc, events, _ = guarded(tmp_path, "control-socket")
    assert proc.stdout == "PermissionError isolation guard: socket.getaddrinfo blocked\n"
    assert [(event["event"], event["allowed"]) for event in events] == [("socket.getaddrinfo", False)]


def test_guard_blocks_and_logs_a_name_lookup(tmp_path):
    proc, events, _ = guarded(tmp_path, "control-dns")
    assert proc.stdout == "PermissionError isolation guard: socket.getaddrinfo blocked\n"
    assert [event["event"] for event in events] == ["socket.getaddrinfo"]


def test_guard_blocks_and_logs_a_subprocess(tmp_path):
    proc, events, _ = guarded(tmp_path, "control-subprocess")
    assert proc.stdout == "PermissionError isolation guard: subprocess.Popen blocked\n"
    assert [(event["event"], event["allowed"]) for event in events] == [("subprocess.Popen", False)]
    assert "['true']" in events[0]["detail"]


def test_guard_blocks_and_logs_os_system(tmp_path):
    proc, events, _ = guarded(tmp_path, "control-system")
    assert proc.stdout == "PermissionError isolation guard: os.system blocked\n"
    assert [event["event"] for event in events] == ["os.system"]


def test_guard_sees_a_spawned_worker_that_raises_no_audit_event(tmp_path):
    """multiprocessing's spawn goes through ``_posixsubprocess.fork_exec``: only the wrapper sees it."""
    proc, events, _ = guarded(tmp_path, "control-spawn-pool", timeout=120)
    assert "_posixsubprocess.fork_exec" in [event["event"] for event in events], (proc.stdout, proc.stderr)
    assert not any(event["allowed"] for event in events)
    assert proc.stdout == "PermissionError isolation guard: _posixsubprocess.fork_exec blocked\n"  # nothing ran


# -- the linter over the whole corpus -------------------------------------------------------------------


def lint_args(tmp_path: Path, files: list[Path], jobs: str | None) -> list[str]:
    reports = tmp_path / "reports"
    reports.mkdir(exist_ok=True)
    args = ["--select", EVERY_RULE, "--context", str(build_context(tmp_path)), "--isolated"]
    args += ["--driver", "535.104.05", "--compute-capability", "8.0,9.0", "--build-arg", "BASE=ubuntu:22.04"]
    for name in ("json", "sarif", "github", "junit", "gitlab", "checkstyle"):
        args += ["--format", name, "--output", str(reports / f"report.{name}")]
    args += ["--format", "text"]
    if jobs is not None:
        args += ["--jobs", jobs]
    return args + [str(path) for path in files]


def check_reports(tmp_path: Path, proc, files: list[Path]) -> None:
    assert "Traceback" not in proc.stderr
    assert proc.stderr == ""
    report = json.loads((tmp_path / "reports" / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["files"] == len(files)
    assert [file["path"] for file in report["files"]] == [str(path) for path in files]
    assert report["summary"]["findings"] > 1000
    for name in ("sarif", "github", "junit", "gitlab", "checkstyle"):
        assert (tmp_path / "reports" / f"report.{name}").stat().st_size > 100_000, name
    assert proc.stdout.count("\n") > 1000


def test_corpus_run_in_one_process_opens_no_socket_and_starts_no_process(tmp_path):
    files = corpus_files()
    proc, events, exits = guarded(tmp_path, "lint", *lint_args(tmp_path, files, "1"))
    assert events == []
    assert (proc.returncode, exits) == (1, [1]), proc.stderr[-2000:]
    check_reports(tmp_path, proc, files)


def test_corpus_run_with_the_process_pool_starts_only_its_workers(tmp_path):
    files = corpus_files()
    proc, events, exits = guarded(tmp_path, "lint-pool", *lint_args(tmp_path, files, "2"))
    assert [event for event in events if not event["allowed"]] == []
    assert {event["event"] for event in events} <= {"os.fork", "_posixsubprocess.fork_exec", "os.posix_spawn"}
    assert events, "the pool did not start: this test would prove nothing about it"
    assert len({event["pid"] for event in events}) == 1  # started by the linter itself, not by a worker
    assert not [event for event in events if event["event"].startswith(("socket.", "urllib.", "http."))]
    assert (proc.returncode, exits) == (1, [1]), proc.stderr[-2000:]
    check_reports(tmp_path, proc, files)


def test_guarded_runs_are_the_linter_s_own_output(tmp_path):
    """The guarded child lints like the plain CLI: same JSON for a small run."""
    dockerfile = tmp_path / "Dockerfile"
    dockerfile.write_text("FROM python:3.11\nRUN pip install flask\n", encoding="utf-8")
    proc, events, exits = guarded(tmp_path, "lint", "--format", "json", "--isolated", str(dockerfile))
    plain = subprocess.run(
        [sys.executable, "-m", "tfimage_lint", "--format", "json", "--isolated", str(dockerfile)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert events == []
    assert (proc.returncode, exits, plain.returncode) == (1, [1], 1)
    assert json.loads(proc.stdout) == json.loads(plain.stdout)
    rules = [finding["rule_id"] for file in json.loads(proc.stdout)["files"] for finding in file["findings"]]
    assert "DF017" in rules


# -- in this process: monkeypatch guards ----------------------------------------------------------------


class Tripwire:
    """Replacements for network and process entry points that record each call and refuse it."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def stub(self, name: str):
        def refuse(*args, **kwargs):
            self.calls.append(name)
            raise PermissionError(f"isolation guard: {name}")

        return refuse


@pytest.fixture
def tripwire(monkeypatch) -> Tripwire:
    wire = Tripwire()
    for owner, names in (
        (socket.socket, ("connect", "connect_ex", "bind", "sendto")),
        (socket, ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr")),
        (subprocess, ("Popen", "run", "call", "check_call", "check_output", "getoutput", "getstatusoutput")),
        (os, ("system", "popen", "fork", "execv", "execve", "execvp", "execvpe", "posix_spawn", "posix_spawnp")),
    ):
        for name in names:
            if hasattr(owner, name):
                monkeypatch.setattr(owner, name, wire.stub(f"{getattr(owner, '__name__', owner)}.{name}"))
    return wire


def test_tripwire_catches_a_subprocess_and_a_connection(tripwire):
    with pytest.raises(PermissionError):
        subprocess.run(["true"])
    with pytest.raises(PermissionError):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(PermissionError), socket.socket() as sock:
        sock.connect(("127.0.0.1", 9))
    assert tripwire.calls == ["subprocess.run", "socket.create_connection", "socket.connect"]


def test_corpus_in_process_touches_no_network_and_no_process(tripwire, tmp_path):
    files = corpus_files()
    context = build_context(tmp_path)
    every = EVERY_RULE.split(",")
    total = 0
    for path in files:
        findings = lint_text(path.read_bytes(), select=every, context=context)
        assert all("crashed" not in finding.message for finding in findings), path
        total += len(findings)
    assert tripwire.calls == []
    assert total > 1000
