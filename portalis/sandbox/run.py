"""Running repository code in the sandbox: a private workspace and the wrapped command.

`Sandbox(policy, repos=[root])` resolves the level (or raises SandboxRefused), makes a private
workspace (`root/`: copies of the repositories, `home/`, `tmp/`, `io/`, `bin/`) and gives:

- `repo_path(p)`: where a file of a copied repository is inside the workspace;
- `stage(file)`: a private copy of a file to run (the worker script, the Rust case binary);
- `io_dir()`: a fresh directory for a job file and a results file (writable by the sandbox);
- `popen(argv, cwd=...)` / `run(argv, timeout=...)`: the command wrapped for the level, with a
  scrubbed environment and the resource limits; `kill(proc)` ends it and everything it started.

Used as a context manager the workspace is removed at the end.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

try:
    import resource
except ImportError:  # not POSIX: only the `none` level
    resource = None  # type: ignore[assignment]

from portalis.sandbox.policy import NOBODY, Detection, Limits, SandboxPolicy, detect, resolve

INIT = Path(__file__).with_name("init.py")
# Not copied into the private repository: version control, caches, environments, build output.
SKIP_DIRS = {".git", ".hg", ".svn", "__pycache__", ".venv", "venv", ".tox", ".nox", "node_modules",
             ".mypy_cache", ".pytest_cache", ".ruff_cache", "target"}
PATH = "/usr/local/bin:/usr/bin:/bin"
SYSTEM_DIRS = ("/usr", "/lib", "/bin", "/etc", "/sbin")  # a "repository" holding these is not hidden
# A copy bigger than this (a file given in a home directory...) keeps only the .py files.
MAX_COPY_FILES = 20_000
MAX_COPY_BYTES = 512 * 1024 * 1024


class _TooBig(Exception):
    pass


def copy_repository(src: Path, dst: Path, only_python: bool = False) -> int:
    """Copy a repository for the sandbox: no dot-files or dot-directories (`.git`, `.env`,
    `.ssh`: secrets and history are not the code's business), no caches, environments or
    build output; symlinks stay links. Returns the number of files; _TooBig past the limits."""
    files = size = 0
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        rel = Path(dirpath).relative_to(src)
        (dst / rel).mkdir(parents=True, exist_ok=True)
        for d in dirnames:
            if os.path.islink(os.path.join(dirpath, d)):  # os.walk does not enter it: copy the link
                os.symlink(os.readlink(os.path.join(dirpath, d)), dst / rel / d)
        dirnames[:] = [d for d in dirnames if not os.path.islink(os.path.join(dirpath, d))]
        for name in filenames:
            if name.startswith(".") or (only_python and not name.endswith(".py")):
                continue
            source = os.path.join(dirpath, name)
            if os.path.islink(source):
                os.symlink(os.readlink(source), dst / rel / name)
                continue
            try:
                size += os.lstat(source).st_size
                shutil.copy2(source, dst / rel / name)
            except OSError:
                continue  # unreadable or vanished: the worker reports the import error
            files += 1
            if not only_python and (files > MAX_COPY_FILES or size > MAX_COPY_BYTES):
                raise _TooBig()
    return files


def _hidden_places(extra: Sequence[Path] = ()) -> list[str]:
    """Where secrets and other users' data live (and `extra`: the original repositories, whose
    private copies are all the code may see): empty tmpfs over them at the isolated levels."""
    places = ["/tmp", "/var/tmp", "/run", "/var/run", "/root", "/home", "/mnt", "/media", "/srv"]
    places += [h for h in (os.environ.get("HOME"), os.path.expanduser("~")) if h and os.path.isabs(h)]
    places += [str(p) for p in extra]
    # a place holding the system (a HOME or a "repository" of /) cannot be hidden
    real = {r for r in (os.path.realpath(p) for p in places if os.path.isdir(p))
            if r != "/" and not any(Path(d).is_relative_to(r) for d in SYSTEM_DIRS)}
    # a place inside another is covered by it
    return sorted(p for p in real if not any(p.startswith(o + "/") for o in real))


def python_paths(python: str) -> list[str]:
    """What an interpreter needs to start: its real file and its prefixes (venv, stdlib)."""
    real = os.path.realpath(python)
    if real == os.path.realpath(sys.executable):
        paths = {real, *(os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix))}
    else:  # another interpreter: its prefix is two levels up (prefix/bin/python)
        paths = {real, os.path.dirname(os.path.dirname(real))}
    return sorted(p for p in paths if os.path.exists(p))


def readable_by_others(path: str) -> bool:
    """Whether an unprivileged user can read (and, for directories, enter) `path` and each
    directory above it: the test for running repository code as `nobody`."""
    real = os.path.realpath(path)
    parts = Path(real).parents
    try:
        for d in parts:
            if not os.stat(d).st_mode & stat.S_IXOTH:
                return False
        mode = os.stat(real).st_mode
    except OSError:
        return False
    return bool(mode & stat.S_IROTH) and (not stat.S_ISDIR(mode) or bool(mode & stat.S_IXOTH))


def run_as(python: str) -> int | None:
    """The uid repository code runs as: `nobody` when we are root and nobody can start the
    interpreter (then process limits count and root's files are out of reach); else ours."""
    if os.geteuid() != 0:
        return None
    return NOBODY if all(readable_by_others(p) for p in python_paths(python)) else None


def _count_processes(uid: int) -> int:
    n = 0
    try:
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    n += os.stat(f"/proc/{entry}").st_uid == uid
                except OSError:
                    pass
    except OSError:
        return 0
    return n


def _limiter(limits: Limits, uid: int | None):
    """A preexec_fn setting the resource limits (C calls only: it runs between fork and exec,
    where a thread of ours may hold a lock)."""
    nproc = _count_processes(os.geteuid() if uid is None else uid) + limits.processes
    mb = 1024 * 1024
    settings = (
        (resource.RLIMIT_AS, limits.memory_mb * mb, limits.memory_mb * mb),
        (resource.RLIMIT_CPU, limits.cpu_s, limits.cpu_s + 5),
        (resource.RLIMIT_NPROC, nproc, nproc),
        (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * mb, limits.file_size_mb * mb),
        (resource.RLIMIT_CORE, 0, 0),
    )

    def apply() -> None:
        for res, soft, hard in settings:
            resource.setrlimit(res, (soft, hard))

    return apply


def _read_child_pid(fd: int) -> tuple[int, int] | None:
    """(pid 1 of the namespace on the host, the pid namespace) from bwrap's --info-fd JSON;
    None if bwrap failed before writing it."""
    data = b""
    try:
        while chunk := os.read(fd, 4096):
            data += chunk
    finally:
        os.close(fd)
    try:
        info = json.loads(data)
        return int(info["child-pid"]), int(info.get("pid-namespace", 0))
    except (ValueError, KeyError, TypeError):
        return None


def _wait_gone(pid1: tuple[int, int], timeout_s: float = 10.0) -> None:
    """Until pid 1 of the namespace has exited (gone, or a zombie: its exit, and so its
    namespace's, is done); a pid reused since is another namespace's."""
    pid, ns = pid1
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            if ns and os.readlink(f"/proc/{pid}/ns/pid") != f"pid:[{ns}]":
                return
            with open(f"/proc/{pid}/stat", encoding="latin-1") as f:
                if f.read().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                    return
        except OSError:
            return
        time.sleep(0.002)


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(x) for x in f.read().split()]
    except OSError:
        return []


@dataclass
class Completed:
    """The end of a `Sandbox.run`: returncode None when it was killed at the timeout."""

    returncode: int | None
    stdout: bytes
    stderr: bytes
    timed_out: bool = False


def describe_exit(code: int | None, level: str) -> str:
    """`exit status 3`, `killed by SIGKILL`... (bwrap, unshare and our init report a signal
    as 128 + its number)."""
    if code is None:
        return "timed out"
    sig = -code if code < 0 else (code - 128 if level != "none" and 128 < code < 128 + 65 else 0)
    if sig:
        try:
            name = signal.Signals(sig).name
        except ValueError:
            name = f"signal {sig}"
        hint = {"SIGXCPU": " (CPU time limit)", "SIGXFSZ": " (file size limit)", "SIGKILL": "", "SIGSEGV": ""}.get(name, "")
        return f"killed by {name}{hint}"
    return f"exit status {code}"


class Sandbox:
    """A private workspace and the level in force (see the module docstring)."""

    def __init__(
        self,
        policy: SandboxPolicy | None = None,
        repos: Sequence[Path] = (),
        python: str | None = None,
        detection: Detection | None = None,
    ) -> None:
        self.policy = policy or SandboxPolicy()
        self.detection = detection or detect()
        self.level = resolve(self.policy, self.detection)  # SandboxRefused before anything is made
        self.python = python or sys.executable
        self.uid = run_as(self.python)
        self.root = Path(tempfile.mkdtemp(prefix="portalis-sandbox-")).resolve()
        self._repos: dict[Path, Path] = {}
        self.notes: list[str] = []
        self._io = 0
        try:
            for d in ("home", "tmp", "io", "bin"):
                (self.root / d).mkdir()
            for i, repo in enumerate(repos):
                self.add_repo(Path(repo), f"repo{i}" if i else "repo")
            self._own(self.root)
        except BaseException:
            self.close()
            raise

    # ------------------------------------------------------------ workspace

    def add_repo(self, repo: Path, name: str = "repo") -> Path:
        """Copy a repository into the workspace (without VCS data, caches and environments)."""
        src = repo.resolve()
        dst = self.root / name
        try:
            copy_repository(src, dst)
        except _TooBig:
            shutil.rmtree(dst, ignore_errors=True)
            copy_repository(src, dst, only_python=True)
            self.notes.append(f"{src} is over {MAX_COPY_FILES} files or {MAX_COPY_BYTES >> 20} MiB: only its .py files were copied")
        self._repos[src] = dst
        self._own(dst)
        return dst

    def ensure_repo(self, repo: Path) -> Path:
        """The private copy of `repo`, made now if it is not in the workspace yet."""
        src = repo.resolve()
        return self._repos[src] if src in self._repos else self.add_repo(src, f"repo{len(self._repos)}" if self._repos else "repo")

    def own(self, *paths: Path) -> None:
        """Hand files written into the workspace to the uid the sandbox runs as."""
        for p in paths:
            self._own(Path(p))

    @property
    def cwd(self) -> Path:
        """The working directory of sandboxed commands: the first repository's copy."""
        return next(iter(self._repos.values()), self.root / "home")

    def repo_path(self, path: Path | str) -> Path:
        """`path` (in a copied repository) in the copy; other paths unchanged."""
        p = Path(path).resolve()
        for src, dst in self._repos.items():
            if p == src or src in p.parents:
                return dst / p.relative_to(src)
        return Path(path)

    def stage(self, file: Path | str, name: str | None = None) -> Path:
        """A private copy of a file to run (kept executable)."""
        dst = self.root / "bin" / (name or Path(file).name)
        shutil.copy2(file, dst)
        self._own(dst)
        return dst

    def io_dir(self) -> Path:
        """A fresh directory the sandboxed command may write (a job, a results file)."""
        self._io += 1
        d = self.root / "io" / str(self._io)
        d.mkdir()
        self._own(d)
        return d

    def _own(self, path: Path) -> None:
        """Hand the workspace to the uid that runs in it."""
        if self.uid is None:
            return
        os.chown(path, self.uid, self.uid, follow_symlinks=False)
        if path.is_dir() and not path.is_symlink():
            for dirpath, dirnames, filenames in os.walk(path):
                for n in dirnames + filenames:
                    os.chown(os.path.join(dirpath, n), self.uid, self.uid, follow_symlinks=False)

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Sandbox":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ commands

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The whole environment of a sandboxed command: nothing of ours is inherited."""
        tmp = "/tmp" if self.level in ("bwrap", "unshare") else str(self.root / "tmp")
        env = {
            "PATH": f"{os.path.dirname(self.python)}:{PATH}", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8",
            "HOME": str(self.root / "home"), "TMPDIR": tmp, "USER": "sandbox", "LOGNAME": "sandbox",
            "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8",
            "PYTHONNOUSERSITE": "1",
            # one thread per numeric library: the address-space limit holds, and results repeat
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        }
        env.update(extra or {})
        return env

    def hidden(self) -> list[str]:
        """The places covered by empty tmpfs (isolated levels)."""
        return _hidden_places(list(self._repos))

    def _reveal(self, argv: Sequence[str]) -> list[str]:
        """Read-only paths inside hidden places that the command needs (its interpreter)."""
        hidden = self.hidden()
        wanted = python_paths(self.python) + [os.path.realpath(argv[0])]
        return sorted({p for p in wanted if any(p == h or p.startswith(h + "/") for h in hidden)
                       and not str(p).startswith(str(self.root))})

    def command(self, argv: Sequence[str], cwd: Path | None = None, info_fd: int = 3) -> list[str]:
        """`argv` wrapped for the level in force (bwrap writes the host pid of the namespace's
        pid 1 to `info_fd`)."""
        cwd = cwd or self.cwd
        argv = list(argv)
        if self.level == "bwrap":
            assert self.detection.bwrap
            cmd = [self.detection.bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc"]
            for h in self.hidden():
                size = ["--size", str(self.policy.limits.tmp_mb * 1024 * 1024)] if h in ("/tmp", "/var/tmp") else []
                cmd += ["--perms", "1777" if h in ("/tmp", "/var/tmp") else "0755", *size, "--tmpfs", h]
            cmd += ["--perms", "1777", "--size", str(64 * 1024 * 1024), "--tmpfs", "/dev/shm"]
            for p in self._reveal(argv):
                cmd += ["--ro-bind", p, p]
            cmd += ["--bind", str(self.root), str(self.root)]
            cmd += ["--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
                    "--hostname", "sandbox", "--die-with-parent", "--new-session", "--chdir", str(cwd)]
            return [*cmd, "--info-fd", str(info_fd), "--", *argv]
        if self.level == "unshare":
            spec = {"mode": "unshare", "hide": self.hidden(), "reveal": self._reveal(argv), "bind": [str(self.root)],
                    "cwd": str(cwd), "argv": argv, "tmp_mb": self.policy.limits.tmp_mb}
            assert self.detection.unshare
            userns = ["--user", "--map-root-user"] if self.detection.unshare_userns or self.uid is not None else []
            return [self.detection.unshare, *userns, "--mount", "--pid", "--net", "--ipc", "--uts", "--fork", "--kill-child",
                    "--mount-proc", "--", self.python, "-I", "-S", str(self._init()), self._spec(spec)]
        if self.level == "rlimits":
            spec = {"mode": "supervise", "cwd": str(cwd), "argv": argv, "uid": self.uid, "gid": self.uid}
            return [self.python, "-I", "-S", str(self._init()), self._spec(spec)]
        return argv

    def _init(self) -> Path:
        """Our init, staged: where portalis is installed may be hidden in the sandbox."""
        staged = self.root / "bin" / "portalis_init.py"
        if not staged.exists():
            self.stage(INIT, staged.name)
        return staged

    def _spec(self, spec: dict) -> str:
        fd, path = tempfile.mkstemp(prefix="init-", suffix=".json", dir=self.root / "io")
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(spec, f)
        os.chmod(path, 0o644)
        return path

    def popen(
        self, argv: Sequence[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    ) -> subprocess.Popen:
        """Start `argv` in the sandbox (stdin is /dev/null), in a session of its own."""
        cwd = cwd or self.cwd
        # bwrap and unshare start as the uid the code runs as; our rlimits init drops it itself
        as_user = {"user": self.uid, "group": self.uid, "extra_groups": []} if self.uid is not None and self.level in ("bwrap", "unshare") else {}
        info_r, info_w = os.pipe() if self.level == "bwrap" else (-1, -1)
        try:
            proc = subprocess.Popen(
                self.command(argv, cwd, info_w), cwd=str(cwd) if self.level == "none" else str(self.root),
                env=self.env(env), stdin=subprocess.DEVNULL, stdout=stdout, stderr=stderr, start_new_session=True,
                preexec_fn=_limiter(self.policy.limits, self.uid) if self.level != "none" else None,
                pass_fds=(info_w,) if info_w >= 0 else (), **as_user,
            )
        finally:
            if info_w >= 0:
                os.close(info_w)
        proc.sandbox_pid1 = None  # type: ignore[attr-defined]
        if info_r >= 0:
            proc.sandbox_pid1 = _read_child_pid(info_r)  # type: ignore[attr-defined]
        return proc

    def kill(self, proc: subprocess.Popen, grace_s: float = 0.0) -> None:
        """End a sandboxed command and everything it started; returns once all of it is gone.
        `grace_s`: time to end by itself first (a worker that said it is done)."""
        if grace_s and proc.poll() is None:
            try:
                proc.wait(timeout=grace_s)
            except subprocess.TimeoutExpired:
                pass
        pid1 = getattr(proc, "sandbox_pid1", None)
        if proc.poll() is None:
            if self.level in ("bwrap", "unshare"):
                # Kill pid 1 of the namespace (bwrap's or unshare's child), not bwrap itself: the
                # kernel kills the rest before pid 1 is gone.
                for child in [pid1[0]] if pid1 else _children(proc.pid):
                    try:
                        os.kill(child, signal.SIGKILL)
                    except (ProcessLookupError, PermissionError):
                        pass
            elif self.level == "rlimits":
                proc.send_signal(signal.SIGTERM)  # our init kills every descendant, detached or not
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        if pid1:
            # bwrap's pid 1 reports the command's status before it exits: bwrap may return while
            # the kernel is still killing the namespace. Its end is the end of the namespace.
            _wait_gone(pid1)

    def run(self, argv: Sequence[str], *, timeout: float, cwd: Path | None = None,
            env: dict[str, str] | None = None) -> Completed:
        """Run to the end or `timeout` seconds; output captured."""
        with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
            proc = self.popen(argv, cwd=cwd, env=env, stdout=out, stderr=err)
            timed_out = False
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
            finally:
                self.kill(proc)
            out.seek(0)
            err.seek(0)
            return Completed(None if timed_out else proc.returncode, out.read(), err.read(), timed_out)

    def describe_exit(self, code: int | None) -> str:
        return describe_exit(code, self.level)


def probe_level(level: str, detection: Detection) -> str | None:
    """Start a real sandbox at `level` running Python; None when it works, else why not."""
    trial = Detection(available=[level], bwrap=detection.bwrap, unshare=detection.unshare,
                      unshare_userns=detection.unshare_userns)
    try:
        box = Sandbox(SandboxPolicy(level=level), detection=trial)
    except Exception as exc:  # noqa: BLE001 - a probe reports, never raises
        return f"{type(exc).__name__}: {exc}"[:200]
    try:
        started = time.monotonic()
        done = box.run([box.python, "-S", "-c", "print('ok')"], timeout=20)
        if done.returncode == 0 and done.stdout.decode(errors="replace").strip() == "ok":
            return None
        err = done.stderr.decode(errors="replace").strip().splitlines()
        return (err[-1] if err else f"{box.describe_exit(done.returncode)} after {time.monotonic() - started:.1f} s")[:200]
    finally:
        box.close()
