"""A learner's progress through the course, computed from what the store recorded. No Flask."""

from __future__ import annotations

from dataclasses import dataclass

from .content import Course


@dataclass(frozen=True)
class ModuleProgress:
    slug: str
    pages_total: int
    pages_read: int
    has_quiz: bool
    best_score: int | None
    quiz_passed: bool

    @property
    def complete(self) -> bool:
        return self.pages_read == self.pages_total and (self.quiz_passed or not self.has_quiz)

    @property
    def started(self) -> bool:
        return self.pages_read > 0 or self.best_score is not None

    @property
    def percent(self) -> int:
        """Pages count for the reading, the quiz for one more step."""
        steps = self.pages_total + (1 if self.has_quiz else 0)
        done = self.pages_read + (1 if self.quiz_passed else 0)
        return done * 100 // steps if steps else 0


def module_progress(course: Course, slug: str, visited: set[str], best: dict | None) -> ModuleProgress:
    module = course.module(slug, "fr")
    return _progress(slug, frozenset(module.page_ids if module else ()), course.quiz(slug, "fr") is not None, visited, best)


def progress_plan(course: Course) -> tuple[tuple[str, frozenset[str], bool], ...]:
    """Per module, in course order: its slug, the page ids that count, whether a quiz counts.

    The same for every learner, so a dashboard finds it once for its hundred learners rather
    than once for each of their modules."""
    plan = []
    for slug in course.slugs:
        module = course.module(slug, "fr")
        if module:
            plan.append((slug, frozenset(module.page_ids), course.quiz(slug, "fr") is not None))
    return tuple(plan)


def course_progress(course: Course, visited: dict[str, set[str]], best: dict[str, dict], plan=None) -> list[ModuleProgress]:
    return [
        _progress(slug, pages, has_quiz, visited.get(slug, ()), best.get(slug))
        for slug, pages, has_quiz in plan or progress_plan(course)
    ]


def _progress(slug: str, pages: frozenset[str], has_quiz: bool, visited, best) -> ModuleProgress:
    return ModuleProgress(
        slug=slug,
        pages_total=len(pages),
        pages_read=len(pages.intersection(visited)),
        has_quiz=has_quiz,
        best_score=best["score"] if best else None,
        quiz_passed=bool(best and best["passed"]),
    )


def overall_percent(progress: list[ModuleProgress]) -> int:
    return sum(p.percent for p in progress) // len(progress) if progress else 0
