"""A population for the benchmark: learners in cohorts, their reading and their graded quiz attempts.

Everything goes through the store and the grader, as the app would write it, so the benchmark
reads the same shapes of data a real cohort leaves behind.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from werkzeug.security import generate_password_hash

from course import store
from course.content import Course, Question, Quiz
from course.grading import display_order, field_name, form_layout, grade_attempt

PASSWORD = "bench-password-2026"  # noqa: S105 (the accounts of a throw-away benchmark database)


@dataclass(frozen=True)
class Population:
    learners: list[int]      # user ids, in creation order
    cohorts: list[int]       # cohort ids; cohorts[0] holds learners[:per_cohort]
    trainer_email: str
    attempts: int
    seconds: float


def right_responses(quiz: Quiz) -> dict[str, object]:
    return {q.id: _response(q, True, None) for q in quiz.questions}


def random_responses(quiz: Quiz, rng: random.Random, skill: float) -> dict[str, object]:
    """Each question answered right with probability skill, otherwise with a plausible wrong answer."""
    return {q.id: _response(q, rng.random() < skill, rng) for q in quiz.questions}


def _response(question: Question, right: bool, rng: random.Random | None):
    kind = question.kind
    if kind in ("single", "true-false"):
        options = [n for n, c in enumerate(question.choices) if c.correct == right] or [0]
        return options[0] if rng is None else rng.choice(options)
    if kind == "multiple":
        key = tuple(n for n, c in enumerate(question.choices) if c.correct)
        wrong = [n for n, c in enumerate(question.choices) if not c.correct]
        return key if right or not wrong else tuple(sorted(set(key[:-1]) | {wrong[0]}))
    if kind == "short":
        return question.answers[0] if right else "je ne sais pas"
    size = len(question.pairs) or len(question.items)
    order = tuple(range(size))
    return order if right else order[1:] + order[:1]


def form_fields(quiz: Quiz, seed: int, responses: dict[str, object]) -> list[tuple[str, str]]:
    """The form a browser sends for these responses on the attempt with this seed (displayed positions)."""
    fields = [("layout", form_layout(quiz))]
    for question in quiz.questions:
        order, name, response = display_order(question, seed), field_name(question), responses[question.id]
        if question.kind in ("single", "true-false"):
            fields.append((name, str(order.index(response))))
        elif question.kind == "multiple":
            fields += [(name, str(order.index(n))) for n in response]
        elif question.kind == "short":
            fields.append((name, response))
        elif question.kind == "matching":
            fields += [(field_name(question, term), str(order.index(match))) for term, match in enumerate(response)]
        else:  # ordering: field n is the item shown n-th, its value the position given to it
            fields += [(field_name(question, shown), str(response[item])) for shown, item in enumerate(order)]
    return fields


def populate(db, course: Course, learners: int = 2000, cohorts: int = 20, attempts: int = 20000, seed: int = 2026) -> Population:
    start = time.perf_counter()
    rng = random.Random(seed)
    # One quick hash for all: sign-in is not what is measured, and the benchmark signs in hundreds.
    hashed = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")
    trainer = store.create_user(db, "trainer@bench.example", "Bench Trainer", hashed, role="trainer")
    cohort_ids = [store.create_cohort(db, f"Posting batch {n + 1:02}", f"BENCH-{n + 1:02}", "2027-06-30", trainer) for n in range(cohorts)]
    per_cohort = learners // cohorts
    user_ids = []
    first_names = ["Amina", "Karim", "Nadia", "Youssef", "Salma", "Omar", "Leila", "Hamza", "Imane", "Mehdi", "أمينة", "كريم"]
    for n in range(learners):
        name = f"{rng.choice(first_names)} Learner {n:04}"
        user = store.create_user(db, f"learner{n:04}@bench.example", name, hashed, lang=rng.choice(["fr", "ar", "en"]))
        store.join_cohort(db, cohort_ids[min(n // per_cohort, cohorts - 1)], user)
        user_ids.append(user)

    slugs = [slug for slug in course.slugs if course.module(slug, "fr")]
    quizzes = {slug: course.quiz(slug, "fr") for slug in slugs if course.quiz(slug, "fr")}
    skill = {user: rng.uniform(0.3, 0.95) for user in user_ids}
    reach = {user: rng.randint(0, len(slugs)) for user in user_ids}  # how many modules each has got to
    for user in user_ids:
        for slug in slugs[: reach[user]]:
            module = course.module(slug, "fr")
            for page in module.pages[: rng.randint(1, len(module.pages))]:
                store.record_visit(db, user, slug, page.id)
    made = 0
    while made < attempts:
        user = rng.choice(user_ids)
        open_modules = [slug for slug in slugs[: max(reach[user], 1)] if slug in quizzes]
        if not open_modules:
            continue
        slug = rng.choice(open_modules)
        quiz = quizzes[slug]
        attempt_seed = rng.getrandbits(31)
        attempt = store.start_attempt(db, user, slug, quiz.lang, quiz.version, attempt_seed)
        responses = random_responses(quiz, rng, skill[user])
        store.submit_attempt(db, attempt, quiz.lang, quiz.version, grade_attempt(quiz, responses), responses)
        made += 1
    return Population(user_ids, cohort_ids, "trainer@bench.example", made, time.perf_counter() - start)
