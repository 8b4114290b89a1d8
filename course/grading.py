"""Quiz grading: a quiz and a learner's responses in, a scored result out. Pure, no Flask.

Responses are plain values per question id:
single, true-false -> int (option index); multiple -> tuple of ints; short -> str;
matching -> tuple giving, for each term, the index of the match chosen;
ordering -> tuple giving, for each item (in the right order), the position chosen (0-based).
"""

from __future__ import annotations

import hashlib
import re
import struct
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from .content.model import Question, Quiz

MAX_ANSWER_LENGTH = 500

# Arabic letter variants a learner may type for the same word.
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ـ": None})
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")


class QuestionResult(NamedTuple):
    """A named tuple rather than a frozen dataclass: a submission makes one per question, and a
    frozen dataclass's constructor took a microsecond each, two thirds of grading an attempt."""

    question_id: str
    correct: bool


@dataclass(frozen=True)
class AttemptResult:
    correct: int
    total: int
    score: int  # whole percent, rounded down so a score never overstates
    passed: bool
    questions: tuple[QuestionResult, ...]


@dataclass(frozen=True)
class FormError:
    """Why a submitted form cannot be graded; `kind` is missing, unknown or invalid."""

    kind: str
    question_id: str = ""
    field: str = ""


def fold_answer(text: str) -> str:
    """Fold case, accents, Arabic vowel marks and letter variants, digits, punctuation and spaces."""
    text = text.translate(_ARABIC_FOLDS).translate(_ARABIC_DIGITS)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[\W_]+", " ", text).split())


@lru_cache(maxsize=1024)
def _folded(answers: tuple[str, ...]) -> frozenset[str]:
    """A question's accepted answers, folded once rather than at every submission."""
    return frozenset(fold_answer(answer) for answer in answers)


def grade_question(question: Question, response) -> bool:
    kind = question.kind
    if kind in ("single", "true-false"):
        return question.choices[response].correct
    if kind == "multiple":
        return set(response) == {n for n, choice in enumerate(question.choices) if choice.correct}
    if kind == "short":
        return fold_answer(response) in _folded(question.answers)
    if kind == "matching":
        return tuple(response) == tuple(range(len(question.pairs)))
    if kind == "ordering":
        return tuple(response) == tuple(range(len(question.items)))
    raise ValueError(f"unknown question kind {kind!r}")


def grade_attempt(quiz: Quiz, responses: Mapping[str, object]) -> AttemptResult:
    """Grade complete, valid responses (see parse_responses) against the quiz's key."""
    results = tuple(QuestionResult(q.id, grade_question(q, responses[q.id])) for q in quiz.questions)
    correct = sum(r.correct for r in results)
    total = len(results)
    return AttemptResult(
        correct=correct,
        total=total,
        score=correct * 100 // total,
        passed=correct * 100 >= quiz.pass_mark * total,
        questions=results,
    )


def display_order(question: Question, seed: int) -> list[int]:
    """The order in which this attempt shows a question's options, matches or items.

    The same seed gives the same order, so a reload shows the same quiz. True/false
    questions keep their written order. The swaps of a Fisher-Yates shuffle come from a hash
    of the seed and the question id, 4 bytes each (so any bias is below one in a hundred
    million): seeding a random generator per question was half of reading a submission.
    """
    size = len(question.choices) or len(question.pairs) or len(question.items)
    order = list(range(size))
    if question.kind == "true-false" or size < 2:
        return order
    draws = struct.unpack(f">{size}I", hashlib.blake2b(f"{seed}:{question.id}".encode(), digest_size=4 * size).digest())
    for position in range(size - 1, 0, -1):
        other = draws[position] % (position + 1)
        order[position], order[other] = order[other], order[position]
    return order


SHUFFLE = "2"  # which display_order(): a new one makes the forms shown before it out of date


def form_layout(quiz: Quiz) -> str:
    """What the positions in a quiz form point to: the shuffle, and each question's options as
    written. A form carries the layout of the page it was shown on; one whose quiz has changed
    since (a trainer's edit, an upgrade that shuffles differently) must not be read against
    options the learner never saw."""
    return f"{SHUFFLE}-{quiz.layout}"


def field_name(question: Question, part: int | None = None) -> str:
    return f"q-{question.id}" if part is None else f"q-{question.id}-{part}"


def parse_responses(quiz: Quiz, form: Mapping[str, list[str]], seed: int) -> tuple[dict[str, object], list[FormError]]:
    """Turn submitted form fields (name -> list of values) into responses, or say what is wrong.

    The form speaks in displayed positions (so the page never reveals the written order,
    which could hint at the key); the attempt's seed maps them back to the written order.
    Every question must be answered; a field that belongs to no question, a value that is not
    one of the question's options, or a repeated field where one value is expected, is an error.
    """
    responses: dict[str, object] = {}
    errors: list[FormError] = []
    expected = {"csrf_token", "attempt", "layout"}
    for question in quiz.questions:
        names, response, error = _read_question(question, form, display_order(question, seed))
        expected |= names
        if error:
            errors.append(error)
        else:
            responses[question.id] = response
    errors += [FormError("unknown", field=name) for name in form if name not in expected]
    return responses, errors


def _read_question(question: Question, form: Mapping[str, list[str]], order: list[int]):
    kind, name = question.kind, field_name(question)
    if kind in ("single", "true-false", "short", "multiple"):
        values = [v for v in form.get(name, []) if v.strip()]
        if not values:
            return {name}, None, FormError("missing", question.id)
        if kind == "short":
            if len(values) > 1 or len(values[0]) > MAX_ANSWER_LENGTH:
                return {name}, None, FormError("invalid", question.id, name)
            return {name}, values[0], None
        shown = [_index(v, len(question.choices)) for v in values]
        if None in shown or len(set(shown)) != len(shown) or (kind != "multiple" and len(shown) > 1):
            return {name}, None, FormError("invalid", question.id, name)
        indexes = [order[position] for position in shown]
        return {name}, (tuple(sorted(indexes)) if kind == "multiple" else indexes[0]), None
    size = len(order)
    names = [field_name(question, n) for n in range(size)]
    chosen = [0] * size
    for n, part in enumerate(names):
        values = form.get(part, [])
        if not values or not values[0].strip():
            return set(names), None, FormError("missing", question.id)
        value = _index(values[0], size)
        if value is None or len(values) > 1:
            return set(names), None, FormError("invalid", question.id, part)
        if kind == "matching":  # field n is term n; its value, the displayed position of a match
            chosen[n] = order[value]
        else:  # ordering: field n is the item shown n-th; its value, the position given to it
            chosen[order[n]] = value
    return set(names), tuple(chosen), None


def _index(value: str, size: int) -> int | None:
    value = value.strip()
    if not value.isascii() or not value.isdigit() or len(value) > 4:
        return None
    index = int(value)
    return index if index < size else None
