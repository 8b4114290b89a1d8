"""The rendered course held in memory: loaded once, reloaded on change only when asked to."""

from __future__ import annotations

import gc
import logging
import os
import threading
from pathlib import Path

from flask_babel import force_locale, gettext

from ..content import LANGUAGES, Course, load_course


def callout_labels(app=None) -> dict[str, dict[str, str]]:
    """The names of callout kinds in each language, through the interface catalogs. force_locale()
    needs an application context: a course first loaded outside one (a script, a test's set-up)
    gets one of its own from app, or its callouts would be labelled in English in every language."""
    from flask import has_app_context

    if app is not None and not has_app_context():
        with app.app_context():
            return callout_labels()
    labels = {}
    for lang in LANGUAGES:
        with force_locale(lang):
            labels[lang] = {
                "key-point": gettext("Key point"),
                "case-study": gettext("Case study"),
                "legal-text": gettext("Legal text"),
                "warning": gettext("Warning"),
                "consular-practice": gettext("Consular practice"),
                "discussion": gettext("Discussion"),
                "table": gettext("Table"),
                "table-scrolls": gettext("Scroll sideways to see every column."),
            }
    return labels


class Catalog:
    def __init__(self, root: Path, base_url: str = "", auto_reload: bool = False, app=None):
        self.root = Path(root)
        self.app = app
        self.base_url = base_url
        self.auto_reload = auto_reload
        self._lock = threading.Lock()
        self._course: Course | None = None
        self._fingerprint: tuple = ()

    @property
    def course(self) -> Course:
        if self._course is None or (self.auto_reload and self._fingerprint != self._files()):
            with self._lock:
                fingerprint = self._files()
                if self._course is None or fingerprint != self._fingerprint:
                    self._course = load_course(self.root, callout_labels(self.app), self.base_url)
                    self._fingerprint = fingerprint
                    _log_problems(self._course)
                    _keep_out_of_collections()
        return self._course

    def _files(self) -> tuple:
        stamps = []
        for top in ("modules", "quizzes"):
            for folder, _, names in os.walk(self.root / top):
                for name in names:
                    stat = os.stat(os.path.join(folder, name))
                    stamps.append((folder, name, stat.st_mtime_ns, stat.st_size))
        return tuple(sorted(stamps))


def _log_problems(course: Course) -> None:
    """What `course check` would print, in the server's log: a file left out is never silent."""
    log = logging.getLogger(__name__)
    for problem in course.problems:
        log.warning("%s", problem)


def _keep_out_of_collections() -> None:
    """Leave what lives as long as the process (the course just loaded, the modules imported)
    out of the garbage collector's full collections.

    A cohort dashboard makes enough objects to start a full collection every few requests, and
    each went through every object of the loaded course: they were the slowest dashboards of a
    benchmark run (docs/performance.md). A reload unfreezes first, so the course it replaces
    can be freed."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()
