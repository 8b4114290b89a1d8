"""The rendered course held in memory: loaded once, reloaded on change only when asked to."""

from __future__ import annotations

import gc
import logging
import os
import threading
from pathlib import Path

from flask.globals import _cv_request
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


MAX_MOUNTS = 4


class Catalog:
    """The course, rendered once for each mount point it is served under.

    Lessons link to the glossary and to their images by absolute paths, which start with the
    site's mount point (SCRIPT_NAME, or X-Forwarded-Prefix from a trusted proxy): the course is
    rendered for the mount point of the request that first needs it there. A site has one; a
    few are kept (MAX_MOUNTS) so that a second one, such as a test, does not render at every
    request."""

    def __init__(self, root: Path, auto_reload: bool = False, app=None):
        self.root = Path(root)
        self.app = app
        self.auto_reload = auto_reload
        self._lock = threading.Lock()
        self._courses: dict[str, Course] = {}
        self._fingerprint: tuple = ()

    @property
    def course(self) -> Course:
        """The course for the current request's mount point (the root outside a request).

        Views and templates ask for it several times a request: the request is found in one
        look, not through Flask's proxies (about 3 µs each)."""
        context = _cv_request.get(None)
        mount = context.request.root_path if context is not None else ""
        course = self._courses.get(mount)
        if course is not None and not self.auto_reload:
            return course
        return self.course_at(mount)

    def course_at(self, mount: str) -> Course:
        course = self._courses.get(mount)
        if course is not None and not self.auto_reload:
            return course
        with self._lock:
            if self.auto_reload and (fingerprint := self._files()) != self._fingerprint:
                self._courses, self._fingerprint = {}, fingerprint
            course = self._courses.get(mount)
            if course is None:
                if len(self._courses) >= MAX_MOUNTS:
                    self._courses = {}
                course = self._courses[mount] = load_course(self.root, callout_labels(self.app), mount)
                _log_problems(course)
                _keep_out_of_collections()
        return course

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
