"""A primary and hot standbys on 127.0.0.1, from the embedded server's own binaries:
initdb, then pg_basebackup -R, as an operator would set up streaming replication. The
replica test (tests/service/storage/test_replicas.py) and row P10 of `make bench` use it."""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pgserver

BIN = Path(pgserver.__file__).parent / "pginstall" / "bin"
# PostgreSQL refuses to run as root: as root, the servers run as the user pgserver uses.
SYSTEM_USER = "pgserver"


@dataclass
class Cluster:
    folder: Path
    primary_port: int
    standby_port: int
    more_standby_ports: tuple[int, ...] = ()  # further standbys, never stopped by the methods below

    def url(self, port: int, database: str = "postgres", user: str = "postgres", password: str = "") -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{port}/{database}"

    def stop_primary(self, mode: str = "fast") -> None:
        """Stop the primary: cleanly (``fast``), or as a crash would (``immediate``)."""
        _pg_ctl(self.folder / "primary", "stop", "-m", mode)

    def start_primary(self) -> None:
        _pg_ctl(self.folder / "primary", "start", "-l", str(self.folder / "primary.log"))

    def stop_standby(self) -> None:
        _pg_ctl(self.folder / "standby", "stop", "-m", "fast")

    def start_standby(self) -> None:
        _pg_ctl(self.folder / "standby", "start", "-l", str(self.folder / "standby.log"))

    def promote_standby(self) -> None:
        """Make the (first) standby the primary, as a failover does."""
        _pg_ctl(self.folder / "standby", "promote")


@contextmanager
def replicated(standbys: int = 1) -> Iterator[Cluster]:
    """A primary and ``standbys`` hot standbys of it, each on a port of its own."""
    folder = Path(tempfile.mkdtemp(prefix="pact-replication-"))
    _give(folder)
    cluster = Cluster(folder, free_port(), free_port(), tuple(free_port() for _ in range(standbys - 1)))
    primary = folder / "primary"
    standby_data = [folder / "standby", *(folder / f"standby-{n}" for n in range(2, standbys + 1))]
    try:
        _run(BIN / "initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        _configure(primary, cluster.primary_port, folder)
        _pg_ctl(primary, "start", "-l", str(folder / "primary.log"))
        for data, port in zip(standby_data, (cluster.standby_port, *cluster.more_standby_ports), strict=True):
            _run(
                BIN / "pg_basebackup", "-h", "127.0.0.1", "-p", str(cluster.primary_port), "-U", "postgres",
                "-D", str(data), "-R", "-X", "stream", "--checkpoint=fast",
            )  # fmt: skip
            with (data / "postgresql.auto.conf").open("a") as settings:
                settings.write(f"port = {port}\n")
            _pg_ctl(data, "start", "-l", str(folder / f"{data.name}.log"))
        yield cluster
    finally:
        for data in (*standby_data, primary):
            if (data / "postmaster.pid").exists():
                _pg_ctl(data, "stop", "-m", "immediate")
        shutil.rmtree(folder, ignore_errors=True)


def _configure(data: Path, port: int, sockets: Path) -> None:
    with (data / "postgresql.conf").open("a") as settings:
        settings.write(
            f"listen_addresses = '127.0.0.1'\nport = {port}\nunix_socket_directories = '{sockets}'\n"
            "wal_level = replica\nmax_wal_senders = 4\nhot_standby = on\nfsync = off\n"
            "synchronous_commit = on\nmax_connections = 60\n"
        )


def _pg_ctl(data: Path, *args: str) -> None:
    _run(BIN / "pg_ctl", "-D", str(data), "-w", "-t", "60", *args)


def _run(*command: str | Path) -> None:
    as_root = os.geteuid() == 0
    subprocess.run(
        [str(part) for part in command], check=True, capture_output=True, user=SYSTEM_USER if as_root else None
    )


def _give(folder: Path) -> None:
    """The folder to the user the servers run as (and the way to it open to them)."""
    if os.geteuid() != 0:
        return
    try:
        entry = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        subprocess.run(["useradd", "-s", "/bin/bash", SYSTEM_USER], check=True, capture_output=True)
        entry = pwd.getpwnam(SYSTEM_USER)
    os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o700)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
