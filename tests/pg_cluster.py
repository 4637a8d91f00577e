"""A throwaway PostgreSQL cluster on loopback, started and stopped by the test run itself."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    if found:
        return Path(found[-1])
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class PostgresCluster:
    """initdb into a temp folder, pg_ctl start on 127.0.0.1, createdb as needed, stop."""

    def __init__(self):
        self.bindir = _bindir()
        if self.bindir is None:
            raise RuntimeError(
                "PostgreSQL is not installed (no initdb): run the README's test command, "
                "which installs it, or set AFTERVIEW_TEST_DATABASES=sqlite."
            )
        self.base = Path(tempfile.mkdtemp(prefix="afterview-pg-"))
        self.port = free_port()
        self.user = "afterview"
        # The server refuses to run as root: as root, run every binary as the postgres user.
        self.prefix = []
        if os.geteuid() == 0:
            shutil.chown(self.base, "postgres", "postgres")
            self.prefix = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        command = [*self.prefix, str(self.bindir / args[0]), *args[1:]]
        subprocess.run(command, check=True, capture_output=True, cwd=self.base)

    def start(self) -> PostgresCluster:
        data = self.base / "data"
        self._run(
            "initdb",
            "-D",
            str(data),
            "-U",
            self.user,
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C",
        )
        options = f"-h 127.0.0.1 -p {self.port} -k {self.base} -F -c max_connections=200"
        self._run(
            "pg_ctl", "-D", str(data), "-l", str(self.base / "log"), "-o", options, "-w", "start"
        )
        return self

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL in the form users write (postgres://)."""
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.user, name)
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{name}"

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.base / "data"), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)
