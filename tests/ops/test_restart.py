"""The documented restart (deploy/systemd/course.service): when gunicorn's master dies by SIGKILL
under load, what the unit tells systemd to do (stop the whole control group: KillSignal to every
process, SIGKILL after TimeoutStopSec; then ExecStart again) leaves no orphaned worker holding
the port, and the restarted server answers.

systemd cannot run here, so its part is done with the unit's own values on a session of its own
(tests/ops/servers.py Service), which holds the master and every worker as the unit's control
group does: gunicorn's workers never leave their master's process group."""

import http.client
import os
import signal
import threading

from tests.ops.servers import free_port, port_is_open, start_gunicorn, unit_settings, wait_until


def test_a_killed_master_is_cleaned_up_by_the_units_stop_and_the_restart_serves(tmp_path):
    unit = unit_settings("course.service")
    assert unit["KillMode"] == "control-group" and unit["Restart"] == "on-failure"
    port = free_port()
    settings = {"COURSE_DATABASE": str(tmp_path / "course.db")}
    service = start_gunicorn(tmp_path, port, settings)
    answered, stop = [], threading.Event()
    load = [threading.Thread(target=_keep_asking, args=(port, stop, answered)) for _ in range(4)]
    restarted = None
    try:
        for thread in load:
            thread.start()
        master, count = service.process.pid, int(unit["ExecStart"].split("--workers ")[1].split()[0])
        wait_until(lambda: len(service.members()) == 1 + count, 10, "every worker started")
        workers = [pid for pid in service.members() if pid != master]
        os.kill(master, signal.SIGKILL)
        service.process.wait(5)
        orphans = service.members()
        assert orphans and set(orphans) <= set(workers)  # what systemd has to clean up: workers without their master

        service.stop_group(getattr(signal, unit["KillSignal"]), float(unit["TimeoutStopSec"].rstrip("s")))
        assert service.members() == [] and not port_is_open(port)

        restarted = start_gunicorn(tmp_path, port, settings, name="restarted")
        served_before = len(answered)
        assert _status(port) == 200
        assert len(answered) >= served_before  # the load carried on against the restarted server
    finally:
        stop.set()
        for thread in load:
            thread.join(10)
        service.stop()
        if restarted:
            restarted.stop()
    assert "Connection in use" not in restarted.output()


def _keep_asking(port: int, stop: threading.Event, answered: list) -> None:
    while not stop.is_set():
        try:
            if _status(port) == 200:
                answered.append(1)
        except OSError:
            pass


def _status(port: int) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", "/health")
        return connection.getresponse().status
    finally:
        connection.close()
