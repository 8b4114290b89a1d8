"""Lesson pages rendered once per language, page and role, with each learner's parts filled in.

Profiling the benchmark (docs/performance.md) showed that rendering the templates was most of
the cost of a lesson page, and that nearly all of that output is the same for every learner who
opens the page in the same language with the same role: the layout, the lesson and its table of
contents. A skeleton is that output with a marker wherever a learner's part goes: the CSRF token
of the sign-out form, the learner's name, and, for each entry of the table of contents, whether
the learner has read that page (both forms of the entry are kept). Serving a lesson page is then
filling in a skeleton, a join of strings.

A skeleton holds nothing of any learner's: it is rendered with stand-ins (a user with only a role,
markers for the token and the name) and kept under (language, mount point, module, page, role).
Skeletons belong to one loaded course: when the content is reloaded (CONTENT_AUTO_RELOAD), the
course is a new object and every skeleton is dropped. When templates reload on change (Flask's
debug mode), pages are rendered whole, so an edited template shows at once.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable

from markupsafe import Markup, escape

# Markers carry a random nonce made at start-up, so no course text can pass for one.
NONCE = secrets.token_hex(8)
MARKER = re.compile("\x00" + NONCE + r":(csrf|name|read)(?::(\d+))?\x00")
MAX_SKELETONS = 5000  # far above pages × languages × roles: only a guard against misuse


def marker(slot: str, index: int | None = None) -> Markup:
    return Markup(f"\x00{NONCE}:{slot}" + ("" if index is None else f":{index}") + "\x00")  # noqa: S704 (a fixed marker)


class PagesRead:
    """The learner's pages read, as the table of contents shows them: `pick` chooses the form of
    an entry (read or not yet read)."""

    def __init__(self, page_ids: set[str]):
        self.page_ids = page_ids

    def pick(self, page_id: str, if_read: str, if_unread: str) -> str:
        return if_read if page_id in self.page_ids else if_unread


class PagesReadSlots:
    """Stands in for PagesRead while a skeleton is rendered: keeps both forms of each entry and
    leaves a marker where the learner's choice goes."""

    def __init__(self):
        self.entries: list[tuple[str, str, str]] = []

    def pick(self, page_id: str, if_read: str, if_unread: str) -> Markup:
        self.entries.append((page_id, str(if_read), str(if_unread)))
        return marker("read", len(self.entries) - 1)


class Skeleton:
    """A rendered page cut at its markers: text, then what goes after it (a slot or nothing)."""

    def __init__(self, html: str, entries: list[tuple[str, str, str]]):
        cut = MARKER.split(html)  # text, slot, index, text, slot, index, …, text
        self.pieces: list[tuple[str, str | None, tuple[str, str, str] | None]] = []
        for at in range(0, len(cut) - 1, 3):
            slot, index = cut[at + 1], cut[at + 2]
            self.pieces.append((cut[at], slot, entries[int(index)] if index is not None else None))
        self.pieces.append((cut[-1], None, None))

    def fill(self, csrf_token: str, name: str, pages_read: set[str]) -> str:
        values = {"csrf": csrf_token, "name": str(escape(name))}  # escaped as the template escapes it
        out = []
        for text, slot, entry in self.pieces:
            out.append(text)
            if entry is not None:
                page_id, if_read, if_unread = entry
                out.append(if_read if page_id in pages_read else if_unread)
            elif slot is not None:
                out.append(values[slot])
        return "".join(out)


class Skeletons:
    """The skeletons of one loaded course, made on first use."""

    def __init__(self):
        self._current: tuple = (None, {})  # (course, its skeletons), replaced together

    def get(self, course, key: tuple, render: Callable[[PagesReadSlots], str]) -> Skeleton:
        """The skeleton under key, made with render(slots) if this course has none yet."""
        owner, skeletons = self._current
        if owner is not course:
            skeletons = {}
            self._current = (course, skeletons)
        skeleton = skeletons.get(key)
        if skeleton is None:
            slots = PagesReadSlots()
            skeleton = Skeleton(render(slots), slots.entries)
            if len(skeletons) >= MAX_SKELETONS:
                skeletons.clear()
            skeletons[key] = skeleton  # kept with the course it was rendered from, even if reloaded since
        return skeleton
