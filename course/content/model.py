"""The course as plain data: what the loader reads from modules/ and quizzes/."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

LANGUAGES = ("fr", "ar", "en")


@dataclass(frozen=True, order=True)
class Problem:
    """A mistake in a content file, where a trainer can find it."""

    path: str
    line: int
    message: str

    def __post_init__(self) -> None:
        # One line, so `course check` prints one problem a line even when the message quotes
        # the author's text or a YAML error that spans several lines.
        object.__setattr__(self, "message", " ".join(self.message.split()))

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass(frozen=True)
class Page:
    id: str
    title: str
    html: str
    line: int = 0


@dataclass(frozen=True)
class Module:
    slug: str
    lang: str
    title: str
    summary: str
    minutes: int
    objectives: tuple[str, ...]
    pages: tuple[Page, ...]
    job_aid: str | None = None

    @cached_property
    def page_ids(self) -> tuple[str, ...]:
        """Made once: asked for whenever progress is computed."""
        return tuple(page.id for page in self.pages)

    def page(self, page_id: str) -> Page | None:
        return next((page for page in self.pages if page.id == page_id), None)


@dataclass(frozen=True)
class Choice:
    html: str
    correct: bool = False
    feedback_html: str = ""


@dataclass(frozen=True)
class Question:
    """One question. Which of choices, answers, pairs or items is filled depends on kind.

    kind is one of single, multiple, true-false, short, matching, ordering. pairs hold
    (term, match) in the right correspondence; items hold the right order.
    """

    id: str
    kind: str
    title_html: str
    prompt_html: str = ""
    explanation_html: str = ""
    choices: tuple[Choice, ...] = ()
    answers: tuple[str, ...] = ()
    pairs: tuple[tuple[str, str], ...] = ()
    items: tuple[str, ...] = ()
    line: int = 0

    @property
    def answer_key(self) -> tuple:
        """What must be the same in every language for the quiz to grade alike."""
        if self.choices:
            return (self.kind, tuple(choice.correct for choice in self.choices))
        if self.pairs:
            return (self.kind, len(self.pairs))
        if self.items:
            return (self.kind, len(self.items))
        return (self.kind,)


@dataclass(frozen=True)
class Quiz:
    slug: str
    lang: str
    title: str
    pass_mark: int
    questions: tuple[Question, ...]
    version: str
    layout: str  # a digest of each question's options, matches or items as written (content/quizzes.py)

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.id == question_id), None)


@dataclass(frozen=True)
class GlossaryEntry:
    id: str
    term: str
    html: str
    line: int = 0


@dataclass(frozen=True)
class Glossary:
    lang: str
    title: str
    entries: tuple[GlossaryEntry, ...]


@dataclass(frozen=True)
class PathwayStep:
    """One step of the referral pathway declared in course.yaml: an id and its label per language."""

    id: str
    labels: dict[str, str]


@dataclass
class Course:
    """Every language version of every module, quiz and glossary, and what was wrong."""

    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    slugs: list[str] = field(default_factory=list)
    modules: dict[str, dict[str, Module]] = field(default_factory=dict)
    quizzes: dict[str, dict[str, Quiz]] = field(default_factory=dict)
    glossaries: dict[str, Glossary] = field(default_factory=dict)
    pathway: tuple[PathwayStep, ...] = ()
    problems: list[Problem] = field(default_factory=list)

    def module(self, slug: str, lang: str) -> Module | None:
        """The module in lang, or in another language when lang is missing."""
        versions = self.modules.get(slug, {})
        return versions.get(lang) or _first_available(versions, lang)

    def quiz(self, slug: str, lang: str) -> Quiz | None:
        versions = self.quizzes.get(slug, {})
        return versions.get(lang) or _first_available(versions, lang)

    def glossary(self, lang: str) -> Glossary | None:
        return self.glossaries.get(lang) or _first_available(self.glossaries, lang)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or _first_available(self.titles, lang) or ""

    def description(self, lang: str) -> str:
        return self.descriptions.get(lang) or _first_available(self.descriptions, lang) or ""


def _first_available(versions: dict, lang: str):
    """Fallback order: the other languages in the order of LANGUAGES."""
    for other in LANGUAGES:
        if other != lang and other in versions:
            return versions[other]
    return None
