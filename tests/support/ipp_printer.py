"""CUPS's printer simulator, ippeveprinter, on loopback for the station's tests (the `ipp_printer`
fixture, which a conftest names to use it).

ippeveprinter announces itself over DNS-SD and will not start without Avahi, so the fixture
runs a private D-Bus and an Avahi daemon limited to loopback for it. Each job runs a command:
one that exits 0 prints the card, one that fails makes the printer abort the job with the
message the command wrote (as a card printer does with no ribbon).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.support.served import free_port

AVAHI_CONF = """[server]
use-ipv4=yes
use-ipv6=no
allow-interfaces=lo
enable-dbus=yes
[publish]
publish-addresses=no
publish-hinfo=no
publish-workstation=no
"""
PRINTS = '#!/bin/sh\ncat "$1" > "$(dirname "$0")/printed.pdf"\nexit 0\n'
JAMS = '#!/bin/sh\necho "ERROR: Out of ribbon" >&2\nexit 1\n'

needs_ippeveprinter = pytest.mark.skipif(
    not all(shutil.which(t) for t in ("ippeveprinter", "ipptool", "dbus-daemon", "avahi-daemon")),
    reason="make tools installs cups-ipp-utils, dbus and avahi-daemon",
)


@dataclass
class Simulator:
    folder: Path
    uri: str = ""

    def set_command(self, script: str) -> None:
        command = self.folder / "job.sh"
        command.write_text(script)
        command.chmod(0o755)

    @property
    def printed(self) -> Path:
        return self.folder / "printed.pdf"


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise AssertionError(f"ippeveprinter did not start:\n{log.read_text()}")


@pytest.fixture
def ipp_printer(tmp_path: Path) -> Iterator[Simulator]:
    folder = tmp_path / "printer"
    (folder / "spool").mkdir(parents=True)
    simulator = Simulator(folder)
    simulator.set_command(PRINTS)
    started: list[subprocess.Popen[bytes]] = []
    try:
        bus = subprocess.run(
            ["dbus-daemon", "--session", "--fork", "--print-address=1", "--print-pid=1"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        address, bus_pid = bus[0], int(bus[1])
        env = {**os.environ, "DBUS_SYSTEM_BUS_ADDRESS": address}
        (folder / "avahi.conf").write_text(AVAHI_CONF)
        with (folder / "avahi.log").open("wb") as log:
            started.append(
                subprocess.Popen(
                    ["avahi-daemon", "--no-drop-root", "--no-chroot", "--no-rlimits"]
                    + ["-f", str(folder / "avahi.conf")],
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        time.sleep(1.0)
        port = free_port()
        log_path = folder / "printer.log"
        with log_path.open("wb") as log:
            printer = subprocess.Popen(
                ["ippeveprinter", "-p", str(port), "-f", "application/pdf"]
                + ["-c", str(folder / "job.sh"), "-d", str(folder / "spool"), "CardPrinter"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        started.append(printer)
        _wait_for_port(port, printer, log_path)
        simulator.uri = f"ipp://127.0.0.1:{port}/ipp/print"
        yield simulator
    finally:
        for process in reversed(started):
            if process.poll() is None:
                process.terminate()
                process.wait(timeout=10)
        if "bus_pid" in locals():
            os.kill(bus_pid, signal.SIGTERM)
