"""`/health`: what a monitoring probe needs to know, and nothing else.

200 and `{"status": "ok", ...}` when the database answers, the course is loaded (it has modules;
`flask course check` is what reports a file's problems), every migration is applied and the disk
holding the database has room for the write-ahead log to grow; 503 and what is wrong otherwise. It says no more than "ok" or what is wrong per
check: no counts, no names, no paths, no versions. It writes nothing and needs no session.
"""

from __future__ import annotations

import os
import sqlite3

from flask import Blueprint, current_app, jsonify

from .. import store
from .context import get_course, get_db

bp = Blueprint("health", __name__)

PAGE_SIZE = 4096
# Room the disk must keep: the write-ahead log at its largest (store.WAL_CHECKPOINT_PAGES), twice.
LOW_SPACE_BYTES = 2 * store.WAL_CHECKPOINT_PAGES * PAGE_SIZE


@bp.route("/health")
def health():
    checks = {"database": "ok", "migrations": "ok", "content": "ok", "storage": "ok"}
    try:
        if store.migrations.pending(get_db()):
            checks["migrations"] = "pending"
    except sqlite3.Error:
        checks["database"] = checks["migrations"] = "unreachable"
    course = get_course()
    if not course.slugs:
        checks["content"] = "missing"
    if _free_bytes(current_app.config["DATABASE"]) < LOW_SPACE_BYTES:
        checks["storage"] = "low"
    healthy = all(value == "ok" for value in checks.values())
    response = jsonify(status="ok" if healthy else "failing", checks=checks)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _free_bytes(database: str) -> int:
    stats = os.statvfs(os.path.dirname(os.path.abspath(database)))
    return stats.f_bavail * stats.f_frsize
