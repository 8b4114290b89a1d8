"""Real servers for the operations tests: gunicorn started with the command of the project's
systemd unit, nginx with the project's own configuration, and a visitor that talks HTTP to them
as a browser does (cookies, the page it came from as Referer, gzip)."""

from __future__ import annotations

import gzip
import http.client
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urljoin, urlsplit

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
FIXTURE = ROOT / "tests" / "fixtures" / "course"
BIN = ROOT / ".venv" / "bin"
SERVICE_ROOT = "/srv/course"  # where the deploy/ files expect the application


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def port_is_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.05)
    raise AssertionError(f"{what}: not within {seconds} s")


def unit_settings(name: str) -> dict[str, str]:
    """The [Service] settings of deploy/systemd/<name>, one value per key (the last)."""
    settings, section = {}, None
    for line in (DEPLOY / "systemd" / name).read_text().splitlines():
        line = line.strip()
        if line.startswith("["):
            section = line
        elif section == "[Service]" and "=" in line and not line.startswith("#"):
            key, _, value = line.partition("=")
            settings[key] = value
    return settings


def in_checkout(command: str) -> list[str]:
    """A command of the deploy/ files, for this checkout instead of /srv/course."""
    return command.replace(SERVICE_ROOT, str(ROOT)).split()


def gunicorn_command(port: int, workers: int | None = None) -> list[str]:
    """ExecStart of deploy/systemd/course.service, on another port (and number of workers)."""
    command = in_checkout(unit_settings("course.service")["ExecStart"])
    command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    if workers is not None:
        command[command.index("--workers") + 1] = str(workers)
    return command


class Service:
    """A process started in a session of its own, like a service in its control group: the
    process group holds it and everything it starts (gunicorn's workers never leave it)."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT):
        self.command, self.log_path = command, log
        self.log = open(log, "ab")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **env}, stdout=self.log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self.group = self.process.pid

    def members(self) -> list[int]:
        """Every live process of the group (the master and its workers, orphaned or not)."""
        found = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[2]) == self.group and fields[0] != "Z":
                    found.append(int(entry))
        return found

    def stop_group(self, signal_number: int = signal.SIGTERM, timeout: float = 15.0) -> None:
        """What systemd does to a unit's control group: the signal to every process, SIGKILL to
        whatever is left after the timeout."""
        for pid in self.members():
            with _gone():
                os.kill(pid, signal_number)
        try:
            wait_until(lambda: not self.members(), timeout, "the group stopping")
        except AssertionError:
            for pid in self.members():
                with _gone():
                    os.kill(pid, signal.SIGKILL)
            wait_until(lambda: not self.members(), 5, "the group killed")
        self.process.poll()

    def stop(self) -> None:
        if self.members():
            self.stop_group(signal.SIGTERM, 10)
        self.process.wait(5)
        self.log.close()

    def output(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")


class _gone:
    """Ignore a process that ended meanwhile."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is ProcessLookupError


def start_gunicorn(tmp: Path, port: int, settings: dict[str, str], workers: int | None = None, name: str = "gunicorn") -> Service:
    """gunicorn as course.service runs it, answering on 127.0.0.1:port."""
    env = {"COURSE_SECRET_KEY": "ops-test-secret", "COURSE_CONTENT_ROOT": str(FIXTURE), **settings}
    service = Service(gunicorn_command(port, workers), env, tmp / f"{name}.log")
    wait_until(lambda: port_is_open(port) or service.process.poll() is not None, 20, f"gunicorn on {port}")
    assert service.process.poll() is None, service.output()
    return service


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made by openssl, and its key."""
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    return cert, key


def site_configuration(name: str, https_port: int, http_port: int, upstream_port: int, cert: Path, key: Path,
                       forward_host: bool = True) -> str:
    """deploy/nginx/<name> as it is, with only the machine's values changed: the ports, the
    certificate, the include's path. Without forward_host, the two lines of proxy.conf that
    forward the visitor's Host are left out (the common set-up the issue started from)."""
    text = (DEPLOY / "nginx" / name).read_text()
    proxy = (DEPLOY / "nginx" / "proxy.conf").read_text()
    if not forward_host:
        proxy = _without(proxy, "proxy_set_header Host $host;\n", "proxy_set_header X-Forwarded-Host $host;\n")
    replacements = [
        (re.compile(r"^\s*listen \[::\]:\d+.*\n", re.M), ""),
        (re.compile(r"listen 443 ssl"), f"listen 127.0.0.1:{https_port} ssl"),
        (re.compile(r"listen 80;"), f"listen 127.0.0.1:{http_port};"),
        (re.compile(r"server 127\.0\.0\.1:8000;"), f"server 127.0.0.1:{upstream_port};"),
        (re.compile(r"ssl_certificate \S+;"), f"ssl_certificate {cert};"),
        (re.compile(r"ssl_certificate_key \S+;"), f"ssl_certificate_key {key};"),
        (re.compile(r"include /srv/course/deploy/nginx/proxy\.conf;"), proxy.replace("\\", "\\\\")),
    ]
    for pattern, value in replacements:
        text, count = pattern.subn(value, text)
        assert count, f"{name} no longer has {pattern.pattern}: update tests/ops/servers.py"
    return text


def _without(text: str, *lines: str) -> str:
    for line in lines:
        assert line in text, line
        text = text.replace(line, "")
    return text


NGINX_MAIN = """daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/nginx-error.log;
events {{ worker_connections 128; }}
http {{
    include /etc/nginx/mime.types;
    access_log {tmp}/nginx-access.log;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include {tmp}/site.conf;
}}
"""


def start_nginx(tmp: Path, site: str, https_port: int) -> Service:
    """Debian's nginx with its own mime types and the site's configuration, as sites-enabled/ holds it."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: `make test` installs it (make ops-deps)"
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(NGINX_MAIN.format(tmp=tmp))
    check = subprocess.run([nginx, "-t", "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    service = Service([nginx, "-c", str(tmp / "nginx.conf")], {}, tmp / "nginx.log")
    wait_until(lambda: port_is_open(https_port) or service.process.poll() is not None, 10, "nginx")
    assert service.process.poll() is None, service.output()
    return service


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes):
        self.status, self.headers, self.wire_size = status, headers, len(body)
        self.body = gzip.decompress(body) if headers.get("Content-Encoding") == "gzip" else body

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    def location(self) -> str:
        return self.headers.get("Location", "")


class Visitor:
    """A browser's share of HTTP: cookies kept, the previous page sent as Referer, gzip asked for.

    base is the site's address as people use it (https://127.0.0.1:8443/course); paths are given
    from there, or as the site wrote them (absolute, from a Location or a link)."""

    def __init__(self, base: str, cafile: Path | None = None, host: str | None = None):
        self.base, self.host = base.rstrip("/"), host
        self.origin = "{0.scheme}://{0.netloc}".format(urlsplit(base))
        self.context = ssl.create_default_context(cafile=str(cafile)) if cafile else None
        self.cookies: dict[str, str] = {}
        self.cookie_paths: dict[str, str] = {}
        self.referer: str | None = None

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        if path.startswith(urlsplit(self.base).path + "/") and urlsplit(self.base).path:
            return self.origin + path
        return self.base + path

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None) -> Reply:
        url = urlsplit(self.url(path))
        if url.scheme == "https":
            connection = http.client.HTTPSConnection(url.hostname, url.port, timeout=30, context=self.context)
        else:
            connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        sent = {"Accept-Encoding": "gzip", "Accept-Language": "en"}
        if self.host:
            sent["Host"] = self.host
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.referer:
            sent["Referer"] = self.referer
        body = None
        if form is not None:
            body = urlencode(form, doseq=True)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        sent.update(headers or {})
        connection.request(method, url.path + (f"?{url.query}" if url.query else ""), body=body, headers=sent)
        response = connection.getresponse()
        reply = Reply(response.status, response.headers, response.read())
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0" or morsel.value == "":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name], self.cookie_paths[name] = morsel.value, morsel["path"]
        if reply.headers.get_content_type() == "text/html":
            self.referer = url.geturl()
        return reply

    def get(self, path: str, **headers) -> Reply:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, form: dict) -> Reply:
        return self.request("POST", path, form)

    def follow(self, reply: Reply) -> Reply:
        """The page a redirect points to, resolved as a browser resolves it."""
        assert reply.status in (301, 302, 303), (reply.status, reply.text[:300])
        return self.get(urljoin(self.origin + "/", reply.location()))


def token_in(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
