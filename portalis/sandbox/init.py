"""The sandbox's init process: `python -I -S init.py SPEC.json` (standard library only).

Two modes, from SPEC's "mode":

- `unshare`: started by `unshare --mount --pid --net ... --fork --kill-child --mount-proc`, so
  this is pid 1 of a new pid namespace with a mount namespace of its own. It remounts every mount
  read-only, puts empty tmpfs over the hidden places (/tmp, /run, home directories), builds a
  minimal /dev, binds back the read-only paths the command needs ("reveal") and the writable
  workspace ("bind"), drops every capability and runs the command as its child. When the command
  ends this init ends, and the kernel kills whatever was left in the namespace.
- `supervise` (bwrap runs it as pid 1; the `rlimits` level runs it with no namespace): this
  process becomes a child subreaper, starts the command (as SPEC's "uid"/"gid" when given), and
  when the command ends, or on SIGTERM, kills every process that descends from it, including
  those that detached with setsid or a double fork. As pid 1 under bwrap it also means that
  bwrap returns only once the namespace is empty (bwrap's own init reports the status early).

Exit status: the command's, or 128 + the signal that killed it.
"""

from __future__ import annotations

import ctypes
import json
import os
import signal
import sys
import time

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_PRIVATE = 1024, 2048, 4096, 16384, 1 << 18
MS_RELATIME = 1 << 21
# statvfs f_flag bits -> mount flags: a remount in a user namespace must keep these (locked)
ST_TO_MS = {1: MS_RDONLY, 2: MS_NOSUID, 4: MS_NODEV, 8: MS_NOEXEC, 1024: MS_NOATIME, 2048: MS_NODIRATIME, 4096: MS_RELATIME}
PR_SET_CHILD_SUBREAPER, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, PR_CAP_AMBIENT = 36, 24, 38, 47
DEV_NODES = ("null", "zero", "full", "random", "urandom")

_libc = ctypes.CDLL(None, use_errno=True)


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _mount(source: str | None, target: str, fstype: str | None, flags: int, data: str | None = None) -> None:
    _check(
        _libc.mount(
            source.encode() if source else None, target.encode(), fstype.encode() if fstype else None,
            ctypes.c_ulong(flags), data.encode() if data else None,
        ),
        f"mount {target}",
    )


def _kept_flags(path: str) -> int:
    """The mount flags of the mount holding `path`, without read-only."""
    f_flag = os.statvfs(path).f_flag
    return sum(ms for st, ms in ST_TO_MS.items() if f_flag & st and ms != MS_RDONLY)


def _mount_points() -> list[str]:
    points = []
    with open("/proc/self/mountinfo", encoding="utf-8") as f:
        for line in f:
            raw = line.split()[4]
            # mountinfo escapes space, tab, newline and backslash as \ooo
            points.append(raw.encode("latin-1").decode("unicode_escape"))
    return points


def _read_only_everything() -> None:
    for point in _mount_points():
        if point == "/proc" or point.startswith(("/proc/", "/dev")):
            continue  # a fresh /proc (--mount-proc) and /dev (below) replace these
        try:
            flags = _kept_flags(point)
        except OSError:
            continue  # covered by a later mount: not reachable by path
        try:
            _mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | flags)
        except OSError as exc:
            if point.startswith("/sys"):
                continue  # sysfs below /sys stays as the kernel gives it: read-only to us anyway
            raise OSError(exc.errno, f"cannot make {point} read-only: {exc.strerror}") from exc


def _place(target: str, is_dir: bool) -> None:
    """Create a mount point (inside a tmpfs)."""
    if is_dir:
        os.makedirs(target, exist_ok=True)
    else:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        if not os.path.exists(target):
            open(target, "a").close()


def _bind_fd(fd: int, target: str, is_dir: bool, writable: bool) -> None:
    _place(target, is_dir)
    _mount(f"/proc/self/fd/{fd}", target, None, MS_BIND)
    flags = MS_REMOUNT | MS_BIND | _kept_flags(target) | (0 if writable else MS_RDONLY)
    _mount(None, target, None, flags)


def _minimal_dev(nodes: dict[str, int]) -> None:
    _mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755")
    for name, fd in nodes.items():
        _bind_fd(fd, f"/dev/{name}", False, True)
    os.makedirs("/dev/shm")
    _mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=1777,size=64m")
    os.symlink("/proc/self/fd", "/dev/fd")
    for i, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink(f"/proc/self/fd/{i}", f"/dev/{name}")


def _drop_capabilities() -> None:
    for cap in range(64):
        _libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)  # fails past the last cap: fine
    _libc.prctl(PR_CAP_AMBIENT, 4, 0, 0, 0)  # PR_CAP_AMBIENT_CLEAR_ALL
    header = (ctypes.c_uint32 * 2)(0x20080522, 0)  # _LINUX_CAPABILITY_VERSION_3, this process
    data = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable x 2: all zero
    _check(_libc.capset(header, data), "capset")
    _check(_libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), "no_new_privs")


def isolate(spec: dict) -> None:
    """The mount namespace of the `unshare` mode (see the module docstring)."""
    _mount(None, "/", None, MS_REC | MS_PRIVATE)  # nothing we do here leaks back to the host
    keep: dict[str, tuple[int, bool, bool]] = {}  # path -> (O_PATH fd, is a dir, writable)
    for path, writable in [(p, False) for p in spec.get("reveal", [])] + [(p, True) for p in spec.get("bind", [])]:
        keep[path] = (os.open(path, os.O_PATH | os.O_CLOEXEC), os.path.isdir(path), writable)
    nodes = {n: os.open(f"/dev/{n}", os.O_PATH | os.O_CLOEXEC) for n in DEV_NODES if os.path.exists(f"/dev/{n}")}
    _read_only_everything()
    for hidden in spec.get("hide", []):
        if os.path.isdir(hidden) and not os.path.islink(hidden):
            mode = "1777" if hidden in ("/tmp", "/var/tmp") else "0755"
            size = f",size={spec['tmp_mb']}m" if spec.get("tmp_mb") else ""
            _mount("tmpfs", hidden, "tmpfs", MS_NOSUID | MS_NODEV, f"mode={mode}{size}")
    _minimal_dev(nodes)
    for path in sorted(keep, key=len):  # parents before children
        fd, is_dir, writable = keep[path]
        _bind_fd(fd, path, is_dir, writable)
        os.close(fd)
    for fd in nodes.values():
        os.close(fd)


def _descendants(root: int) -> list[int]:
    """Every process below `root` (children of children..., from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="latin-1") as f:
                stat = f.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        parents.setdefault(ppid, []).append(int(entry))
    out, todo = [], [root]
    while todo:
        for child in parents.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def reap_all(me: int) -> None:
    """Kill and reap every descendant; a subreaper inherits the orphans, so none escapes by
    detaching (a process can still outrun one pass by forking: repeat until none is left)."""
    for _ in range(200):
        found = _descendants(me)
        for pid in found:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        while True:
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
        if not found and not _descendants(me):
            return
        time.sleep(0.005)


def supervise(spec: dict) -> int:
    """Run the command under a subreaper, then kill what it left."""
    _libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    me = os.getpid()
    child = os.fork()
    if child == 0:
        try:
            if spec.get("uid") is not None:
                os.setgroups([])
                os.setgid(spec["gid"])
                os.setuid(spec["uid"])
            os.chdir(spec["cwd"])
            os.execve(spec["argv"][0], spec["argv"], dict(os.environ))
        except OSError as exc:
            print(f"sandbox: cannot start {spec['argv'][0]}: {exc}", file=sys.stderr)
        os._exit(127)

    def stop(signum, frame):  # noqa: ANN001 - signal handler
        reap_all(me)
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    while True:
        try:
            _, status = os.waitpid(child, 0)
            break
        except InterruptedError:
            continue
    reap_all(me)
    return os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status)


def main(spec_path: str) -> int:
    with open(spec_path, encoding="utf-8") as f:
        spec = json.load(f)
    if spec["mode"] == "supervise":
        return supervise(spec)
    try:
        isolate(spec)
        _drop_capabilities()
    except OSError as exc:
        print(f"sandbox: {exc}", file=sys.stderr)
        return 125
    # the command runs as pid 2: pid 1's special signal rules stay here, and its status comes back
    return supervise(spec)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
