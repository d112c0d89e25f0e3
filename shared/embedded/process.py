"""Child processes that never outlive their parent, and free ports."""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    # Linux only: the kernel sends SIGTERM to the child when its parent exits,
    # however it exits (SIGKILL included). Elsewhere this is a no-op.
    if sys.platform.startswith("linux"):
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)


def start_child(args: Sequence[str], *, log: Path, user: str | None = None,
                env: dict[str, str] | None = None,
                cwd: Path | None = None) -> subprocess.Popen[Any]:
    """Start a process bound to this one's life, its output appended to `log`."""
    log.parent.mkdir(parents=True, exist_ok=True)
    output: IO[Any] = log.open("ab")
    try:
        return subprocess.Popen(
            list(args), stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, cwd=cwd, preexec_fn=_die_with_parent, **as_user(user),
        )
    finally:
        output.close()


def as_user(user: str | None) -> dict[str, Any]:
    """subprocess arguments that run a command as `user`, with that user's group only.

    Without the group, the child keeps root's group and is refused by
    directories that are closed to the group but open to others.
    """
    if user is None:
        return {}
    import pwd

    entry = pwd.getpwnam(user)
    return {"user": entry.pw_uid, "group": entry.pw_gid, "extra_groups": []}


def stop_child(process: subprocess.Popen[Any] | None, *, sig: int = signal.SIGTERM,
               timeout: float = 15.0) -> None:
    """Ask a child to stop, wait, and kill it if it will not."""
    if process is None or process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        process.send_signal(sig)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(5)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def port_is_open(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def wait_until(check: Callable[[], bool], *, timeout: float, what: str,
               process: subprocess.Popen[Any] | None = None, log: Path | None = None) -> None:
    """Poll `check` until true; fail early, with the log's tail, if `process` died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"{what} exited with {process.returncode}: {_tail(log)}")
        time.sleep(0.1)
    raise TimeoutError(f"{what} did not become ready within {timeout:.0f}s: {_tail(log)}")


def _tail(log: Path | None, lines: int = 20) -> str:
    if log is None or not log.exists():
        return ""
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


def pid_is_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
