"""A real `afterview serve` (gunicorn) in a subprocess, for tests that need the live server."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from .pg_cluster import free_port


def afterview_command() -> list[str]:
    script = Path(sys.executable).with_name("afterview")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from server.cli import main; main()"]


class LiveServer:
    def __init__(self, instance: Path, database_url: str | None = None, **environ: str):
        self.instance = instance
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.environ = {**os.environ, "AFTERVIEW_INSTANCE_PATH": str(instance), **environ}
        self.environ.pop("AFTERVIEW_SECRET_KEY", None)
        self.environ.pop("DATABASE_URL", None)
        if database_url:
            self.environ["DATABASE_URL"] = database_url
        self.process: subprocess.Popen | None = None
        self.log = instance / "server.log"

    def start(self, timeout: float = 60) -> LiveServer:
        self.instance.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(
                [*afterview_command(), "serve", "--port", str(self.port)],
                env=self.environ,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"afterview serve exited:\n{self.output()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"afterview serve did not answer in {timeout} s:\n{self.output()}")

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
