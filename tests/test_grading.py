"""Quiz grading, pure: no Flask, no database."""

from pathlib import Path

import pytest

from course.content import load_course
from course.grading import FormError, display_order, fold_answer, grade_attempt, grade_question, parse_responses
from tests.helpers import quiz_form

FIXTURE = Path(__file__).parent / "fixtures" / "course"


@pytest.fixture(scope="module")
def quiz():
    return load_course(FIXTURE).quizzes["01-sample"]["en"]


def q(quiz, question_id):
    return quiz.question(question_id)


def test_single_choice(quiz):
    assert grade_question(q(quiz, "elements"), 1) is True
    assert grade_question(q(quiz, "elements"), 0) is False


def test_true_false(quiz):
    assert grade_question(q(quiz, "consent"), 0) is True
    assert grade_question(q(quiz, "consent"), 1) is False


def test_multiple_choice_needs_exactly_the_right_options(quiz):
    question = q(quiz, "means")
    assert grade_question(question, (0, 1)) is True
    assert grade_question(question, (0,)) is False
    assert grade_question(question, (0, 1, 2)) is False


def test_short_answer_folds_case_spaces_and_punctuation(quiz):
    assert grade_question(q(quiz, "law"), " 27-14 ") is True
    assert grade_question(q(quiz, "law"), "27 14") is True
    assert grade_question(q(quiz, "law"), "27-15") is False


@pytest.mark.parametrize("typed, expected", [
    ("Traite des Êtres Humains", "traite des etres humains"),
    ("réintégration", "reintegration"),
    ("إتِّجار", "اتجار"),
    ("أحمد", "احمد"),
    ("آمنة", "امنه"),
    ("الضحيّة", "الضحيه"),
    ("مستشفى", "مستشفي"),
    ("الـــقانون", "القانون"),
    ("٢٧-١٤", "27 14"),
])
def test_folding_french_accents_and_arabic_letter_variants(typed, expected):
    assert fold_answer(typed) == expected


def test_matching_is_right_only_when_every_term_has_its_match(quiz):
    assert grade_question(q(quiz, "match"), (0, 1, 2)) is True
    assert grade_question(q(quiz, "match"), (1, 0, 2)) is False


def test_ordering_is_right_only_in_the_written_order(quiz):
    assert grade_question(q(quiz, "steps"), (0, 1, 2)) is True
    assert grade_question(q(quiz, "steps"), (0, 2, 1)) is False


def test_grade_attempt_counts_and_applies_the_pass_mark(quiz):
    responses = {"elements": 1, "consent": 0, "means": (0, 1), "law": "27-14", "match": (0, 1, 2), "steps": (2, 1, 0)}
    result = grade_attempt(quiz, responses)
    assert (result.correct, result.total, result.score, result.passed) == (5, 6, 83, True)
    responses["match"] = (2, 1, 0)
    result = grade_attempt(quiz, responses)
    assert (result.correct, result.score, result.passed) == (4, 66, False)  # 4/6 = 66.7 % < 70 %


def test_display_order_is_stable_for_a_seed_and_varies_between_seeds(quiz):
    question = q(quiz, "elements")
    assert display_order(question, 42) == display_order(question, 42)
    orders = {tuple(display_order(question, seed)) for seed in range(50)}
    assert len(orders) > 1
    assert all(sorted(order) == [0, 1, 2] for order in orders)


def test_the_order_is_the_one_shuffle_version_2_shows(quiz):
    """Open quiz forms are read with the order their page showed: an implementation that orders
    differently must come with a new SHUFFLE (course.grading), which marks those forms out of date."""
    from course.grading import SHUFFLE

    assert SHUFFLE == "2"
    orders = {question.id: [display_order(question, seed) for seed in (1, 42, 2**31 - 1)] for question in quiz.questions}
    assert orders == {
        "elements": [[2, 0, 1], [0, 2, 1], [1, 2, 0]],
        "consent": [[0, 1], [0, 1], [0, 1]],
        "means": [[0, 1, 2], [2, 1, 0], [1, 2, 0]],
        "law": [[], [], []],
        "match": [[2, 0, 1], [2, 0, 1], [1, 2, 0]],
        "steps": [[0, 2, 1], [2, 0, 1], [0, 1, 2]],
    }


def test_every_order_is_about_as_likely(quiz):
    from collections import Counter

    counts = Counter(tuple(display_order(q(quiz, "elements"), seed)) for seed in range(6000))
    assert len(counts) == 6 and all(850 < count < 1150 for count in counts.values()), counts  # 1,000 each expected


def test_true_false_is_never_shuffled(quiz):
    assert {tuple(display_order(q(quiz, "consent"), seed)) for seed in range(30)} == {(0, 1)}


def as_form(fields: dict) -> dict[str, list[str]]:
    return {name: value if isinstance(value, list) else [value] for name, value in fields.items()}


@pytest.mark.parametrize("seed", [1, 7, 12345])
def test_parse_responses_maps_displayed_positions_back_to_the_written_order(quiz, seed):
    responses, errors = parse_responses(quiz, as_form(quiz_form(quiz, seed)), seed)
    assert errors == []
    assert grade_attempt(quiz, responses).correct == len(quiz.questions)
    responses, errors = parse_responses(quiz, as_form(quiz_form(quiz, seed, right=False)), seed)
    assert errors == []
    assert grade_attempt(quiz, responses).correct == 0


def test_a_missing_answer_is_reported_per_question(quiz):
    form = quiz_form(quiz, 3)
    del form["q-law"]
    del form["q-match-1"]
    _, errors = parse_responses(quiz, as_form(form), 3)
    assert FormError("missing", "law") in errors
    assert FormError("missing", "match") in errors


def test_tampered_fields_are_reported(quiz):
    form = as_form(quiz_form(quiz, 3))
    form["q-elements"] = ["7"]            # not an option of the question
    form["q-consent"] = ["0", "1"]        # a repeated field where one value is expected
    form["q-steps-0"] = ["first"]          # not a position
    form["q-unknown"] = ["1"]              # no such question
    _, errors = parse_responses(quiz, form, 3)
    assert FormError("invalid", "elements", "q-elements") in errors
    assert FormError("invalid", "consent", "q-consent") in errors
    assert FormError("invalid", "steps", "q-steps-0") in errors
    assert FormError("unknown", field="q-unknown") in errors


def test_an_overlong_short_answer_is_refused(quiz):
    form = as_form(quiz_form(quiz, 3))
    form["q-law"] = ["x" * 501]
    _, errors = parse_responses(quiz, form, 3)
    assert FormError("invalid", "law", "q-law") in errors
