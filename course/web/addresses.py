"""The site's address: where it is reached from outside, which proxies to believe, and the one
helper that builds an absolute link (certificates, QR codes, the PDF, e-mails, xAPI).

Behind a reverse proxy the application sees the proxy's request, not the visitor's: often
`Host: 127.0.0.1:8000` and plain HTTP. Three settings put that right (docs/operations.md):

- `PUBLIC_URL`, the address people use (`https://course.example.org`, or with the sub-path the
  site is mounted under, `https://example.org/course`). When it is set, every request is taken
  to have come to that scheme and host, whatever its `Host` header says: absolute links, the
  CSRF check of the referring page on HTTPS, and cookies all follow it, and a forged `Host`
  changes nothing the site prints.
- `TRUSTED_HOSTS` (Flask's): without `PUBLIC_URL`, the host names the site answers to; absolute
  links then take the request's host, which can only be one of them.
- `TRUSTED_PROXIES`, how many proxies in front of the application to believe: their
  `X-Forwarded-For`, `-Proto`, `-Host` and `-Prefix` headers (Werkzeug's ProxyFix). The prefix is
  the mount point: every link, redirect and asset address starts with it.

With neither `PUBLIC_URL` nor `TRUSTED_HOSTS`, the site is in local development: it answers
only to 127.0.0.1, localhost and [::1], so a name it is not configured for is refused rather
than printed on a certificate.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request
from werkzeug.middleware.proxy_fix import ProxyFix

LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "[::1]"})


class ConfigurationError(RuntimeError):
    """A setting the site cannot run with; the message says which and why."""


def install(app: Flask) -> None:
    """Wrap the application in the proxy fix-up (when proxies are trusted) and the public address."""
    proxies = int(app.config.get("TRUSTED_PROXIES") or 0)
    if proxies < 0:
        raise ConfigurationError("TRUSTED_PROXIES is the number of proxies in front of the site: 0, 1 or more")
    if proxies and not (app.config.get("PUBLIC_URL") or app.config.get("TRUSTED_HOSTS")):
        raise ConfigurationError(
            "behind a proxy (TRUSTED_PROXIES), set PUBLIC_URL to the site's address, e.g. https://course.example.org "
            "(or TRUSTED_HOSTS to the host names it answers to): docs/operations.md"
        )
    public = _public_parts(app.config.get("PUBLIC_URL"))  # a malformed address stops the start, not a request
    if public and public[2]:  # under a sub-path, the cookies stay with the course, not the whole site
        for setting in ("SESSION_COOKIE_PATH", "REMEMBER_COOKIE_PATH"):
            app.config[setting] = app.config.get(setting) or public[2]
    app.wsgi_app = PublicAddress(app.wsgi_app, app.config)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies, x_prefix=proxies)


def _public_parts(public_url: str | None) -> tuple[str, str, str] | None:
    """(scheme, host, path) of PUBLIC_URL, or None when it is not set."""
    if not public_url:
        return None
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ConfigurationError(f"PUBLIC_URL must be an address like https://course.example.org, not {public_url!r}")
    return parts.scheme, parts.netloc, parts.path.rstrip("/")


class PublicAddress:
    """WSGI middleware: a request is taken to have come to PUBLIC_URL's scheme and host; without
    PUBLIC_URL or TRUSTED_HOSTS, only to a local name.

    The settings are read at each request (a test may change them), the address parsed once."""

    def __init__(self, wsgi_app, config):
        self.wsgi_app, self.config = wsgi_app, config
        self._parsed: tuple = (None, None)

    def __call__(self, environ, start_response):
        public_url = self.config.get("PUBLIC_URL")
        if public_url:
            if self._parsed[0] != public_url:
                self._parsed = (public_url, _public_parts(public_url))
            scheme, host, _path = self._parsed[1]
            environ["wsgi.url_scheme"], environ["HTTP_HOST"] = scheme, host
        elif not self.config.get("TRUSTED_HOSTS") and _host_name(environ.get("HTTP_HOST", "")) not in LOCAL_HOSTS:
            start_response("400 Bad Request", [("Content-Type", "text/plain; charset=utf-8")])
            return [b"This site's address is not configured: set PUBLIC_URL (docs/operations.md).\n"]
        return self.wsgi_app(environ, start_response)


def public_root() -> str | None:
    """PUBLIC_URL as scheme://host[/path], without a trailing slash; None when it is not set."""
    public = _public_parts(current_app.config.get("PUBLIC_URL"))
    return f"{public[0]}://{public[1]}{public[2]}" if public else None


def _host_name(host: str) -> str:
    """The name of a Host header without its port, in lower case: `[::1]:5000` is `[::1]`."""
    if host.startswith("["):
        return host[: host.find("]") + 1]
    return host.partition(":")[0].lower()


def absolute_url(endpoint: str, **values) -> str:
    """The absolute address of endpoint, as people outside reach it: PUBLIC_URL followed by the
    address inside the site, else (TRUSTED_HOSTS, or local development) the request's own.

    Works outside a request too (a command sending e-mails) when PUBLIC_URL is set."""
    app = current_app
    app.inject_url_defaults(endpoint, values)
    inside = app.url_map.bind("", script_name="/").build(endpoint, values)
    public = _public_parts(app.config.get("PUBLIC_URL"))
    if public:
        scheme, host, path = public
        return f"{scheme}://{host}{path}{inside}"
    if not has_request_context():
        raise ConfigurationError("set PUBLIC_URL: an address built outside a request has no other source")
    return request.host_url.rstrip("/") + request.script_root + inside
