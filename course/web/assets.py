"""Static files at addresses that change with their content, so browsers keep them for a year.

`url_for('static', filename='style.css')` gives `/static/<digest>/style.css`, where the digest
is taken from the file's bytes. A page therefore names the exact stylesheet it was made with,
and a browser that has it never asks again (`Cache-Control: public, max-age=31536000,
immutable`): on a slow link the page paints without waiting for a revalidation round trip. A
changed file has a new address. A request for an old address (a page rendered before an
upgrade) is redirected to the current one, never answered with other bytes under the old name.

The files are small and few: each is read once and kept in memory with its digest, so the
responses can be compressed like pages (Flask-Compress compresses a file streamed from disk
only with the algorithms it streams, not gzip). They are read again when they change on disk.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from pathlib import Path

from flask import Flask, Response, abort, redirect, request, url_for
from werkzeug.security import safe_join

ONE_YEAR = 365 * 24 * 3600
DIGEST_LENGTH = 12


class Assets:
    def __init__(self, folder: Path):
        self.folder = str(folder)
        self._files: dict[str, tuple[tuple, str, bytes]] = {}

    def get(self, filename: str) -> tuple[str, bytes] | None:
        """(digest, bytes) of a file of the folder, or None when there is no such file."""
        path = safe_join(self.folder, filename)
        if path is None:
            return None
        try:
            stat = os.stat(path)
        except OSError:
            return None
        stamp = (stat.st_mtime_ns, stat.st_size)
        known = self._files.get(filename)
        if known is None or known[0] != stamp:
            if not os.path.isfile(path):
                return None
            data = Path(path).read_bytes()
            known = self._files[filename] = (stamp, hashlib.sha256(data).hexdigest()[:DIGEST_LENGTH], data)
        return known[1], known[2]


def install(app: Flask, folder: Path) -> None:
    """Serve folder at /static/<digest>/<filename>, as the endpoint 'static' that templates use."""
    assets = Assets(folder)

    @app.url_defaults
    def add_digest(endpoint, values):
        if endpoint == "static" and "digest" not in values:
            found = assets.get(values.get("filename", ""))
            values["digest"] = found[0] if found else "missing"

    def static(digest: str, filename: str):
        found = assets.get(filename)
        if found is None:
            abort(404)
        current, data = found
        if digest != current:
            response = redirect(url_for("static", filename=filename), 302)
            response.headers["Cache-Control"] = "no-cache"
            return response
        mimetype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        response = Response(data, mimetype=mimetype)
        response.cache_control.public = True
        response.cache_control.max_age = ONE_YEAR
        response.cache_control.immutable = True
        response.set_etag(current)
        return response.make_conditional(request)

    app.add_url_rule("/static/<digest>/<path:filename>", endpoint="static", view_func=static)
