"""The course's one referral pathway: read from course.yaml, then held against job aids and quizzes.

A course may declare, in modules/course.yaml, the steps of the pathway it teaches (an id and a
label per language). Once it does, every job aid prints those steps as one numbered list, each
item starting with the step's label, in the pathway's order; any other numbered list that starts
with a step's label must give the whole pathway; and every ordering question orders steps of the
pathway, in its order, the same steps in every language. That is how three quizzes can no longer
key three different "correct" orders for the same steps.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from .model import LANGUAGES, Course, PathwayStep, Problem
from .pipeline import ID_PATTERN

FIELD = "referral_pathway"
_TAG = re.compile(r"<[^>]+>")


def read_pathway(value, path: str, text: str) -> tuple[tuple[PathwayStep, ...], list[Problem]]:
    """The steps declared under `referral_pathway:` in course.yaml, and what is wrong with them."""
    if value is None:
        return (), []
    line = _line_of(text, f"{FIELD}:")
    if not isinstance(value, list) or not value:
        return (), [Problem(path, line, f"'{FIELD}' must be a list of steps, each '- id: …' with a label for each of {', '.join(LANGUAGES)}")]
    steps, problems, seen = [], [], set()
    for n, entry in enumerate(value, 1):
        step_id = entry.get("id") if isinstance(entry, dict) else None
        where = _line_of(text, f"id: {step_id}") if step_id else line
        if not isinstance(step_id, str) or not ID_PATTERN.match(step_id):
            problems.append(Problem(path, where, f"{FIELD}: step {n} needs an 'id' of lower-case letters, digits and hyphens"))
            continue
        if step_id in seen:
            problems.append(Problem(path, where, f"{FIELD}: step id '{step_id}' is used twice"))
            continue
        seen.add(step_id)
        labels = {lang: entry.get(lang) for lang in LANGUAGES}
        missing = [lang for lang, label in labels.items() if not isinstance(label, str) or not label.strip()]
        if missing:
            problems.append(Problem(path, where, f"{FIELD}: step '{step_id}' needs a label in {', '.join(missing)}"))
            continue
        steps.append(PathwayStep(step_id, {lang: label.strip() for lang, label in labels.items()}))
    return tuple(steps), problems


def check_pathway(course: Course) -> list[Problem]:
    """Every job aid, every numbered list that starts like the pathway, every ordering question."""
    if not course.pathway:
        return []
    problems: list[Problem] = []
    for slug, versions in course.modules.items():
        for lang, module in versions.items():
            problems += _check_module(course.pathway, module, f"modules/{slug}/{lang}.md")
    for slug, versions in course.quizzes.items():
        found: dict[str, list[tuple]] = {}  # question id -> (lang, step ids, path, line) per language
        for lang, quiz in versions.items():
            path = f"quizzes/{slug}/{lang}.md"
            for question in quiz.questions:
                if question.kind != "ordering":
                    continue
                ids, problem = _ordering_steps(course.pathway, question.items, lang)
                if problem:
                    problems.append(Problem(path, question.line, f"question '{question.id}': {problem}"))
                else:
                    found.setdefault(question.id, []).append((lang, ids, path, question.line))
        for question_id, per_lang in found.items():
            reference = per_lang[0]
            for _lang, ids, path, line in per_lang[1:]:
                if ids != reference[1]:
                    problems.append(Problem(path, line, f"question '{question_id}': orders the pathway steps {', '.join(ids)}, "
                                                        f"but {reference[0]}.md orders {', '.join(reference[1])}"))
    return problems


def steps_in(pathway: tuple[PathwayStep, ...], texts, lang: str) -> list[str | None]:
    """The step id each text starts with (its label, in lang), or None."""
    return [_step_of(pathway, text, lang) for text in texts]


def numbered_lists(page_html: str) -> list[list[str]]:
    """The leading text of each item of each numbered list in a rendered page."""
    reader = _ListReader()
    reader.feed(page_html)
    return reader.lists


def _check_module(pathway, module, path: str) -> list[Problem]:
    problems = []
    expected = [step.id for step in pathway]
    for page in module.pages:
        is_job_aid = page.id == module.job_aid
        if not is_job_aid and not any(step.labels[module.lang] in page.html for step in pathway):
            continue  # a page that names no step cannot hold a list of them
        complete = False
        for items in numbered_lists(page.html):
            ids = steps_in(pathway, items, module.lang)
            # In a job aid, a list that opens with a step is the pathway; elsewhere it takes two steps
            # in a row (a case discussion may well answer its first question with "Safety first").
            if ids[0] is None or (not is_job_aid and (len(ids) < 2 or ids[1] is None)):
                continue
            if ids == expected:
                complete = True
                continue
            where = f"job aid '{page.id}'" if is_job_aid else f"page '{page.id}'"
            difference = _first_difference(pathway, items, ids, module.lang)
            problems.append(Problem(path, page.line, f"{where}: a numbered list of referral steps must give every step of the pathway "
                                                     f"in course.yaml, in order: {_labels(pathway, module.lang)}; {difference}"))
            complete = True  # reported once, as a wrong list rather than a missing one
        if is_job_aid and not complete:
            problems.append(Problem(path, page.line, f"job aid '{page.id}' has no numbered list of the referral pathway (course.yaml): "
                                                     f"add one whose items start with {_labels(pathway, module.lang)}, in that order"))
    return problems


def _ordering_steps(pathway, items, lang: str) -> tuple[tuple[str, ...], str | None]:
    ids = steps_in(pathway, items, lang)
    order = [step.id for step in pathway]
    for n, (step_id, item) in enumerate(zip(ids, items, strict=True), 1):
        if step_id is None:
            return (), (f"an ordering question orders steps of the referral pathway (course.yaml); item {n} "
                        f"'{_plain(item)}' starts with none of {_labels(pathway, lang)}")
    positions = [order.index(step_id) for step_id in ids]
    if positions != sorted(set(positions)):
        return (), f"its items must follow the referral pathway's order, each step once: {_labels(pathway, lang)}"
    return tuple(ids), None


def _first_difference(pathway, items, ids, lang: str) -> str:
    for n, step in enumerate(pathway):
        if n >= len(ids):
            return f"step {n + 1} ('{step.labels[lang]}') is missing"
        if ids[n] != step.id:
            return f"item {n + 1} should start with '{step.labels[lang]}', and reads '{_plain(items[n])}'"
    return f"item {len(pathway) + 1} is one step too many"


def _step_of(pathway, text: str, lang: str) -> str | None:
    plain = _plain(text).lstrip("*_ ").casefold()
    for step in pathway:
        label = step.labels[lang].casefold()
        if plain.startswith(label) and (len(plain) == len(label) or not plain[len(label)].isalnum()):
            return step.id
    return None


def _plain(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _labels(pathway, lang: str) -> str:
    return ", ".join(f"'{step.labels[lang]}'" for step in pathway)


def _line_of(text: str, needle: str) -> int:
    for n, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return n
    return 1


class _ListReader(HTMLParser):
    """Collects, for every <ol>, the text each of its own <li> holds before any nested list."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lists: list[list[str]] = []
        self._stack: list[tuple[str, list[str] | None]] = []  # ("ol"|"ul", items) for each open list
        self._item: list[str] | None = None  # text of the current item's lead, while it is being read

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("ol", "ul"):
            self._item = None
            self._stack.append((tag, [] if tag == "ol" else None))
        elif tag == "li" and self._stack:
            items = self._stack[-1][1]
            self._item = [] if items is not None else None
            if items is not None:
                items.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul") and self._stack:
            kind, items = self._stack.pop()
            if kind == "ol" and items:
                self.lists.append(items)
            self._item = None
        elif tag == "li":
            self._item = None

    def handle_data(self, data: str) -> None:
        if self._item is not None and self._stack and self._stack[-1][1] is not None:
            items = self._stack[-1][1]
            items[-1] += data
