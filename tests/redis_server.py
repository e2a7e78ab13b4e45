"""A real `redis-server` on 127.0.0.1 for tests: the `redis_server` fixture.

Use it from tests/conftest.py (``from tests.redis_server import redis_server  # noqa: F401``), or
in one test module, where a plain import would trip ruff's F811 on the test arguments::

    from tests import redis_server as redis_fixture

    redis_server = redis_fixture.redis_server

    def test_something(redis_server: RedisServer) -> None:
        url = redis_server.url(db=1)

One server per test session, started on a free port with no persistence
(``--save "" --appendonly no``), bound to 127.0.0.1 only, and shut down at the end. The
tests are skipped, with a message saying how to install it, only if there is no redis-server
binary at all; a binary that fails to start is an error.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

HOST = "127.0.0.1"


def find_redis_server() -> str | None:
    """The redis-server binary: $REDIS_SERVER, else PATH, else the Debian package's path."""
    candidates = [os.environ.get("REDIS_SERVER"), shutil.which("redis-server"), "/usr/bin/redis-server",
                  "/usr/local/bin/redis-server"]
    for path in candidates:
        if path and os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


class RedisServer:
    """One redis-server process on 127.0.0.1."""

    def __init__(self, binary: str, workdir: Path) -> None:
        self.binary = binary
        self.workdir = workdir
        self.host = HOST
        self.port = 0
        self.process: subprocess.Popen[bytes] | None = None
        self.log = workdir / "redis.log"

    def url(self, db: int = 0) -> str:
        return f"redis://{self.host}:{self.port}/{db}"

    def client(self, db: int = 0) -> Any:
        """A redis-py client of database `db`."""
        import redis

        return redis.Redis(host=self.host, port=self.port, db=db)

    def start(self, attempts: int = 5) -> RedisServer:
        last = ""
        for _ in range(attempts):  # a free port may be taken between the probe and the bind
            self.port = _free_port()
            with self.log.open("wb") as log:
                self.process = subprocess.Popen(
                    [self.binary, "--port", str(self.port), "--bind", HOST, "--save", "", "--appendonly", "no",
                     "--dir", str(self.workdir), "--protected-mode", "yes"],
                    stdout=log, stderr=subprocess.STDOUT, cwd=self.workdir)
            if self._wait_ready(timeout=10):
                return self
            self.stop()
            last = self.log.read_text("utf-8", "replace")[-2000:]
        raise RuntimeError(f"redis-server did not start on {HOST}: {last}")

    def _wait_ready(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                return False
            with contextlib.suppress(OSError), socket.create_connection((HOST, self.port), timeout=0.5) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(64).startswith(b"+PONG"):
                    return True
            time.sleep(0.05)
        return False

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # SIGTERM: redis-server shuts down (nothing to save)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    binary = find_redis_server()
    if binary is None:
        pytest.skip("redis-server is not installed: `make system-deps` installs it "
                    "(apt-get install redis-server), or set REDIS_SERVER to its path")
    with tempfile.TemporaryDirectory(prefix="zonenews-redis-") as workdir:
        server = RedisServer(binary, Path(workdir)).start()
        try:
            yield server
        finally:
            server.stop()
