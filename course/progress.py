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
    page_ids = set(module.page_ids) if module else set()
    return ModuleProgress(
        slug=slug,
        pages_total=len(page_ids),
        pages_read=len(page_ids & visited),
        has_quiz=course.quiz(slug, "fr") is not None,
        best_score=best["score"] if best else None,
        quiz_passed=bool(best and best["passed"]),
    )


def course_progress(course: Course, visited: dict[str, set[str]], best: dict[str, dict]) -> list[ModuleProgress]:
    return [module_progress(course, slug, visited.get(slug, set()), best.get(slug)) for slug in course.slugs if course.module(slug, "fr")]


def overall_percent(progress: list[ModuleProgress]) -> int:
    return sum(p.percent for p in progress) // len(progress) if progress else 0
