"""`make run` leaves the Flask server as the process in the foreground, so that stopping make by
its process id stops the server: no server left holding the port."""

import os
import signal
import subprocess

from tests.ops.servers import ROOT, free_port, port_is_open, wait_until


def test_one_signal_to_make_run_stops_the_server(tmp_path):
    port = free_port()
    env = {"COURSE_DATABASE": str(tmp_path / "run.db"), "COURSE_SECRET_KEY": "make-run-test", "PATH": "/usr/bin:/bin:/usr/sbin:/sbin"}
    with open(tmp_path / "make.log", "wb") as log:
        server = []
        make = subprocess.Popen(["make", "--no-print-directory", "run", "HOST=127.0.0.1", f"PORT={port}"], cwd=ROOT, env=env,
                                stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until(lambda: port_is_open(port) or make.poll() is not None, 60, "make run serving")
            assert make.poll() is None, (tmp_path / "make.log").read_text()
            server = _children(make.pid)
            assert [_name(pid) for pid in server] == ["flask"]  # the server itself, not a shell waiting for it
            make.send_signal(signal.SIGTERM)
            make.wait(10)
            wait_until(lambda: not port_is_open(port), 10, "the port freed")
            assert not _alive(server[0])
        finally:
            for pid in [make.pid, *server]:
                if _alive(pid):
                    os.kill(pid, signal.SIGKILL)
            make.wait(5)


def _children(pid: int) -> list[int]:
    found = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def _name(pid: int) -> str:
    with open(f"/proc/{pid}/comm") as comm:
        return comm.read().strip()


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
