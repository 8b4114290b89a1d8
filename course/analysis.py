"""Figures for trainers: cohort dashboard rows, completion dates and question analysis. Pure, no Flask.

The records come in as the store returns them (page visits, submitted attempts, responses);
everything here is arithmetic on them, so every figure can be checked by hand in a test.

Definitions (docs/trainers.md explains them to trainers):

- A learner's *first attempt* at a quiz is their earliest submitted attempt at it.
- *Correct at the first attempt*: of the learners whose first attempt included the question,
  the share who answered it correctly.
- *Discrimination* is the upper-lower index: learners are ranked by their first-attempt score
  (equal scores: the older account first, i.e. the lower user id), the top 27 % and the bottom 27 %
  form two groups of k = 0.27 x n learners (rounded half up, at least 1; no figure under 2 learners),
  and D = (share correct in the top group) - (share correct in the bottom group), from -1 to 1.
  Under 0.2 a question hardly tells who has learnt; a negative D means weaker learners do better
  than stronger ones, which usually points to a misleading question or a wrong key.
- *Most chosen wrong answer* counts first attempts made on the current text of the quiz in their
  language only, because an edit may have moved options; shares and D use every first attempt,
  each graded when it was submitted.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date
from html import unescape

from .content import Course, Question, Quiz
from .grading import fold_answer
from .progress import ModuleProgress, course_progress, overall_percent, progress_plan

MISLEADING_SHARE = 0.40  # under this share correct at the first attempt, a question stands out
GROUP_SHARE = 0.27
STATUSES = ("complete", "in-progress", "not-started", "late")
SORT_KEYS = ("name", "progress", "activity", "late")
_TAGS = re.compile(r"<[^>]*>")


def plain(html: str) -> str:
    """Text of an HTML fragment from the content (option, term, item), for tables and CSV."""
    return " ".join(unescape(_TAGS.sub("", html)).split())


# Learners' progress


def best_attempts(attempts: list[dict]) -> dict[str, dict]:
    """Per module, the best submitted attempt: highest score, earliest among equals (as the store does)."""
    best: dict[str, dict] = {}
    for attempt in sorted(attempts, key=lambda a: (-(a["score"] or 0), a["submitted_at"], a["id"])):
        best.setdefault(attempt["module"], attempt)
    return best


def visited_pages(visits: list[dict]) -> dict[str, set[str]]:
    pages: dict[str, set[str]] = {}
    for visit in visits:
        pages.setdefault(visit["module"], set()).add(visit["page"])
    return pages


def completion_date(course: Course, visits: list[dict], attempts: list[dict]) -> str | None:
    """When the learner completed the last module: the later of the first visit of its last page
    read and its first passing attempt. None while any module is incomplete."""
    plan = progress_plan(course)
    progress = course_progress(course, visited_pages(visits), best_attempts(attempts), plan)
    if not progress or not all(p.complete for p in progress):
        return None
    return _completed_at(plan, visits, attempts)


def _completed_at(plan, visits: list[dict], attempts: list[dict]) -> str | None:
    """completion_date() of a learner known to have completed every module."""
    pages = {slug: page_ids for slug, page_ids, _has_quiz in plan}
    moments = [v["first_seen"] for v in visits if v["page"] in pages.get(v["module"], ())]
    moments += [
        min(a["submitted_at"] for a in attempts if a["module"] == slug and a["passed"])
        for slug, _page_ids, has_quiz in plan if has_quiz
    ]
    return max(moments) if moments else None


@dataclass(frozen=True)
class LearnerRow:
    """One line of a cohort dashboard."""

    user_id: int
    name: str
    email: str
    active: bool
    modules: tuple[ModuleProgress, ...]
    overall: int
    modules_complete: int
    completed_at: str | None
    last_activity: str | None
    late: bool

    @property
    def complete(self) -> bool:
        return bool(self.modules) and self.modules_complete == len(self.modules)

    @property
    def started(self) -> bool:
        return any(m.started for m in self.modules)

    def has_status(self, status: str) -> bool:
        return {
            "complete": self.complete,
            "in-progress": self.started and not self.complete,
            "not-started": not self.started,
            "late": self.late,
        }.get(status, True)


def dashboard_rows(course: Course, members: list[dict], visits: list[dict], attempts: list[dict],
                   deadline: str | None, today: date) -> list[LearnerRow]:
    """A row per member: each module's progress, overall completion, last activity, lateness.

    A learner is late when the cohort's deadline (the last day allowed) has passed and the
    course is not complete.
    """
    visits_of: dict[int, list[dict]] = {}
    for visit in visits:
        visits_of.setdefault(visit["user_id"], []).append(visit)
    attempts_of: dict[int, list[dict]] = {}
    for attempt in attempts:
        attempts_of.setdefault(attempt["user_id"], []).append(attempt)
    overdue = bool(deadline) and today > date.fromisoformat(deadline)
    plan = progress_plan(course)
    rows = []
    for member in members:
        own_visits, own_attempts = visits_of.get(member["id"], []), attempts_of.get(member["id"], [])
        progress = course_progress(course, visited_pages(own_visits), best_attempts(own_attempts), plan)
        complete = sum(p.complete for p in progress)
        moments = [v["last_seen"] for v in own_visits] + [a["submitted_at"] for a in own_attempts]
        rows.append(LearnerRow(
            user_id=member["id"], name=member["name"], email=member["email"], active=bool(member["active"]),
            modules=tuple(progress), overall=overall_percent(progress), modules_complete=complete,
            completed_at=_completed_at(plan, own_visits, own_attempts) if progress and complete == len(progress) else None,
            last_activity=max(moments) if moments else None,
            late=overdue and complete < len(progress),
        ))
    return rows


def filter_rows(rows: list[LearnerRow], status: str = "", text: str = "") -> list[LearnerRow]:
    needle = text.strip().casefold()
    return [
        row for row in rows
        if (status not in STATUSES or row.has_status(status))
        and (not needle or needle in row.name.casefold() or needle in row.email.casefold())
    ]


def sort_rows(rows: list[LearnerRow], key: str = "name", descending: bool = False) -> list[LearnerRow]:
    """Sorted by name, progress, last activity or lateness; ties keep the order by name."""
    by_name = sorted(rows, key=lambda r: (r.name.casefold(), r.user_id))
    keys = {
        "progress": lambda r: (r.overall, r.modules_complete),
        "activity": lambda r: r.last_activity or "",
        "late": lambda r: (r.late, -r.overall),
    }
    if key not in keys:
        return list(reversed(by_name)) if descending else by_name
    return sorted(by_name, key=keys[key], reverse=descending)


@dataclass(frozen=True)
class ModuleSummary:
    slug: str
    complete: int
    started: int
    learners: int


def module_summaries(course: Course, rows: list[LearnerRow]) -> list[ModuleSummary]:
    """Per module, how many of the rows' learners completed it or started it."""
    slugs = [p.slug for p in course_progress(course, {}, {})]
    return [
        ModuleSummary(
            slug=slug,
            complete=sum(1 for r in rows for m in r.modules if m.slug == slug and m.complete),
            started=sum(1 for r in rows for m in r.modules if m.slug == slug and m.started),
            learners=len(rows),
        )
        for slug in slugs
    ]


def certificate_modules(progress: list[ModuleProgress]) -> list[dict]:
    """What a certificate lists: each module and its best score (None for a module without a quiz)."""
    return [{"slug": p.slug, "score": p.best_score if p.has_quiz else None} for p in progress]


# Question analysis


@dataclass(frozen=True)
class WrongAnswer:
    """A wrong answer and how many first attempts gave it.

    kind "choice": key (option index,); "text": (folded answer,); "pair": (term index, match index);
    "item": (item index,), an item put in a wrong position.
    """

    kind: str
    key: tuple
    count: int


@dataclass(frozen=True)
class QuestionStats:
    question_id: str
    answered: int
    correct: int
    by_lang: tuple[tuple[str, int, int], ...]  # (language, correct, answered)
    discrimination: float | None
    top_wrong: WrongAnswer | None

    @property
    def share(self) -> float | None:
        return self.correct / self.answered if self.answered else None

    @property
    def misleading(self) -> bool:
        return self.share is not None and self.share < MISLEADING_SHARE

    @property
    def inverted(self) -> bool:
        return self.discrimination is not None and self.discrimination < 0

    @property
    def flagged(self) -> bool:
        return self.misleading or self.inverted


@dataclass(frozen=True)
class QuizAnalysis:
    slug: str
    learners: int  # learners with a submitted attempt
    group_size: int  # learners in each of the top and bottom groups (0: too few for discrimination)
    scores: tuple[int, ...]  # first-attempt scores
    questions: tuple[QuestionStats, ...]


def first_attempts(attempts: list[dict]) -> dict[int, dict]:
    """Per learner, the earliest submitted attempt."""
    first: dict[int, dict] = {}
    for attempt in sorted(attempts, key=lambda a: (a["submitted_at"], a["id"])):
        first.setdefault(attempt["user_id"], attempt)
    return first


def group_size(learners: int) -> int:
    return max(1, int(GROUP_SHARE * learners + 0.5)) if learners >= 2 else 0


def question_analysis(quiz: Quiz, attempts: list[dict], responses: dict[int, dict[str, dict]],
                      current_versions: dict[str, str]) -> QuizAnalysis:
    """Figures per question of quiz, from the learners' first attempts at it.

    attempts: submitted attempts at this quiz (any language); responses: per attempt id, question
    id -> {"response", "correct"}; current_versions: the quiz's current version in each language.
    """
    first = list(first_attempts(attempts).values())
    ranked = sorted(first, key=lambda a: (-(a["score"] or 0), a["user_id"]))
    k = group_size(len(ranked))
    top, bottom = ranked[:k], ranked[len(ranked) - k:] if k else []
    stats = []
    for question in quiz.questions:
        answers = [(a, responses.get(a["id"], {}).get(question.id)) for a in first]
        answers = [(a, r) for a, r in answers if r is not None]
        langs = sorted({a["lang"] for a, _ in answers})
        current = [r["response"] for a, r in answers if not r["correct"] and current_versions.get(a["lang"]) == a["quiz_version"]]
        stats.append(QuestionStats(
            question_id=question.id,
            answered=len(answers),
            correct=sum(r["correct"] for _, r in answers),
            by_lang=tuple((lang, sum(r["correct"] for a, r in answers if a["lang"] == lang),
                           sum(1 for a, _ in answers if a["lang"] == lang)) for lang in langs),
            discrimination=_discrimination(question.id, top, bottom, responses) if k else None,
            top_wrong=_most_chosen_wrong(question, current),
        ))
    return QuizAnalysis(quiz.slug, len(first), k, tuple(a["score"] or 0 for a in ranked), tuple(stats))


def _discrimination(question_id: str, top: list[dict], bottom: list[dict], responses) -> float | None:
    shares = []
    for group in (top, bottom):
        marks = [responses[a["id"]][question_id]["correct"] for a in group if question_id in responses.get(a["id"], {})]
        if not marks:
            return None
        shares.append(sum(marks) / len(marks))
    return shares[0] - shares[1]


def _most_chosen_wrong(question: Question, wrong_responses: list) -> WrongAnswer | None:
    tally: Counter = Counter()
    kind = {"single": "choice", "true-false": "choice", "multiple": "choice", "short": "text",
            "matching": "pair", "ordering": "item"}[question.kind]
    for response in wrong_responses:
        if question.kind in ("single", "true-false"):
            tally[(response,)] += 1
        elif question.kind == "multiple":
            tally.update((index,) for index in response if index < len(question.choices) and not question.choices[index].correct)
        elif question.kind == "short":
            tally[(fold_answer(response),)] += 1
        elif question.kind == "matching":
            tally.update((term, match) for term, match in enumerate(response) if term != match)
        else:
            tally.update((item,) for item, position in enumerate(response) if item != position)
    if not tally:
        return None
    key, count = min(tally.items(), key=lambda pair: (-pair[1], pair[0]))
    return WrongAnswer(kind, key, count)


# How answers read in words in each language: French puts a no-break space before its semicolon;
# Arabic has its own semicolon, and a pair reads right to left, so its arrow points left.
LIST_SEPARATOR = {"fr": "\u00a0; ", "ar": "؛ "}
PAIR_ARROW = {"ar": " ← "}


def _pair(question: Question, term: int, match: int, lang: str) -> str:
    return plain(question.pairs[term][0]) + PAIR_ARROW.get(lang, " → ") + plain(question.pairs[match][1])


def describe_wrong(question: Question, wrong: WrongAnswer, lang: str) -> str:
    """The wrong answer in words, in lang, the language of question."""
    try:
        if wrong.kind == "choice":
            return plain(question.choices[wrong.key[0]].html)
        if wrong.kind == "pair":
            return _pair(question, *wrong.key, lang)
        if wrong.kind == "item":
            return plain(question.items[wrong.key[0]])
    except IndexError:
        return "?"
    return str(wrong.key[0])


def describe_response(question: Question, response, lang: str) -> str:
    """A stored response in words, in lang, the language of question (for exports and the learner detail page)."""
    separator = LIST_SEPARATOR.get(lang, "; ")
    try:
        if question.kind in ("single", "true-false"):
            return plain(question.choices[response].html)
        if question.kind == "multiple":
            return separator.join(plain(question.choices[index].html) for index in response)
        if question.kind == "matching":
            return separator.join(_pair(question, term, match, lang) for term, match in enumerate(response[:len(question.pairs)]))
        if question.kind == "ordering":
            placed = sorted(range(len(response)), key=lambda item: (response[item], item))
            return separator.join(f"{response[item] + 1}. {plain(question.items[item])}" for item in placed)
    except (IndexError, TypeError):
        return str(response)
    return str(response)


def score_bins(scores: list[int] | tuple[int, ...], width: int = 10) -> list[tuple[int, int, int]]:
    """(low, high, count) for scores in 0–9, 10–19, … 90–100 (the last bin holds 100)."""
    edges = list(range(0, 100, width))
    bins = [[low, min(low + width - 1, 100), 0] for low in edges]
    bins[-1][1] = 100
    for score in scores:
        bins[min(score // width, len(bins) - 1)][2] += 1
    return [tuple(b) for b in bins]
