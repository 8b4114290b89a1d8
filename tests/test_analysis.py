"""Trainers' figures, pure: dashboard rows, completion dates, question analysis, charts, CSV.
Every expected figure is computed by hand in the test."""

import ast
from datetime import date
from pathlib import Path

import pytest

from course.analysis import (
    WrongAnswer,
    completion_date,
    dashboard_rows,
    describe_response,
    describe_wrong,
    filter_rows,
    group_size,
    module_summaries,
    question_analysis,
    score_bins,
    sort_rows,
)
from course.charts import bar_chart, column_chart
from course.content import load_course
from course.csvexport import neutralise, to_csv

FIXTURE = Path(__file__).parent / "fixtures" / "course"
ENGINE = Path(__file__).resolve().parent.parent / "course"
QUESTIONS = ["elements", "consent", "means", "law", "match", "steps"]


@pytest.fixture(scope="module")
def course():
    return load_course(FIXTURE)


def visit(user, module, page, first, last=None):
    return {"user_id": user, "module": module, "page": page, "first_seen": first, "last_seen": last or first}


def attempt(id, user, score, passed, at, lang="en", version="v1", module="01-sample"):
    return {"id": id, "user_id": user, "module": module, "score": score, "passed": int(passed), "submitted_at": at, "lang": lang,
            "quiz_version": version}


def test_the_pure_modules_import_no_flask():
    for name in ("analysis.py", "charts.py", "csvexport.py"):
        tree = ast.parse((ENGINE / name).read_text())
        imported = {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module and n.level == 0}
        imported |= {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not imported & {"flask", "flask_babel", "flask_login", "werkzeug"}, name


# Dashboard


MEMBERS = [
    {"id": 1, "name": "Amina", "email": "amina@example.org", "active": 1},
    {"id": 2, "name": "brahim", "email": "b@example.org", "active": 1},
    {"id": 3, "name": "Chloé", "email": "c@example.org", "active": 0},
]
VISITS = [
    visit(1, "01-sample", "elements", "2027-01-02T10:00:00+00:00"),
    visit(1, "01-sample", "checklist", "2027-01-03T10:00:00+00:00", "2027-01-09T10:00:00+00:00"),
    visit(1, "02-reading", "sources", "2027-01-05T10:00:00+00:00"),
    visit(2, "01-sample", "checklist", "2027-01-04T10:00:00+00:00"),
    visit(2, "01-sample", "retired-page", "2027-01-04T11:00:00+00:00"),  # a page since removed does not count
]
ATTEMPTS = [
    attempt(10, 1, 50, False, "2027-01-03T11:00:00+00:00"),
    attempt(11, 1, 83, True, "2027-01-04T09:00:00+00:00"),
    attempt(12, 1, 100, True, "2027-01-06T09:00:00+00:00"),
    attempt(13, 2, 66, False, "2027-01-07T09:00:00+00:00"),
]


def test_dashboard_rows_on_a_known_data_set(course):
    amina, brahim, chloe = dashboard_rows(course, MEMBERS, VISITS, ATTEMPTS, "2027-01-31", date(2027, 2, 1))
    # Amina: all pages and the quiz passed: complete. Her last page read for the first time on the 5th,
    # the quiz first passed on the 4th: completed on the 5th. Last activity: her re-visit of the 9th.
    assert amina.complete and amina.overall == 100 and amina.modules_complete == 2 and not amina.late
    assert amina.completed_at == "2027-01-05T10:00:00+00:00" and amina.last_activity == "2027-01-09T10:00:00+00:00"
    assert [m.best_score for m in amina.modules] == [100, None]
    # Brahim: 1 of 2 pages, quiz not passed: 1 of 3 steps = 33 %; module 02 0 %; overall (33 + 0) // 2 = 16. Late.
    assert (brahim.overall, brahim.modules_complete, brahim.late) == (16, 0, True)
    assert (brahim.modules[0].pages_read, brahim.modules[0].best_score) == (1, 66)
    assert brahim.last_activity == "2027-01-07T09:00:00+00:00" and brahim.completed_at is None
    assert (chloe.overall, chloe.late, chloe.started, chloe.active, chloe.last_activity) == (0, True, False, False, None)


def test_nobody_is_late_on_the_deadline_day_or_without_a_deadline(course):
    assert not any(r.late for r in dashboard_rows(course, MEMBERS, VISITS, ATTEMPTS, "2027-01-31", date(2027, 1, 31)))
    assert not any(r.late for r in dashboard_rows(course, MEMBERS, VISITS, ATTEMPTS, None, date(2030, 1, 1)))


def test_filters_and_sorts(course):
    rows = dashboard_rows(course, MEMBERS, VISITS, ATTEMPTS, "2027-01-31", date(2027, 2, 1))
    assert [r.name for r in filter_rows(rows, "complete")] == ["Amina"]
    assert [r.name for r in filter_rows(rows, "in-progress")] == ["brahim"]
    assert [r.name for r in filter_rows(rows, "not-started")] == ["Chloé"]
    assert [r.name for r in filter_rows(rows, "late")] == ["brahim", "Chloé"]
    assert [r.name for r in filter_rows(rows, "", "CHLO")] == ["Chloé"]
    assert [r.name for r in filter_rows(rows, "unknown-status")] == ["Amina", "brahim", "Chloé"]
    assert [r.name for r in sort_rows(rows, "name")] == ["Amina", "brahim", "Chloé"]  # case does not matter
    assert [r.name for r in sort_rows(rows, "progress", descending=True)] == ["Amina", "brahim", "Chloé"]
    assert [r.name for r in sort_rows(rows, "activity")] == ["Chloé", "brahim", "Amina"]
    assert [r.name for r in sort_rows(rows, "late", descending=True)][0] == "Chloé"


def test_module_summaries_count_completions_and_starts(course):
    rows = dashboard_rows(course, MEMBERS, VISITS, ATTEMPTS, None, date(2027, 2, 1))
    assert [(s.slug, s.complete, s.started, s.learners) for s in module_summaries(course, rows)] == [
        ("01-sample", 1, 2, 3), ("02-reading", 1, 1, 3)]


def test_completion_date_waits_for_the_quiz_passed_last(course):
    visits = [v for v in VISITS if v["user_id"] == 1]
    late_pass = [attempt(20, 1, 100, True, "2027-03-01T00:00:00+00:00")]
    assert completion_date(course, visits, late_pass) == "2027-03-01T00:00:00+00:00"
    assert completion_date(course, visits, [attempt(21, 1, 50, False, "2027-03-01T00:00:00+00:00")]) is None


# Question analysis


def responses_for(attempt_id, right: set[str], lang="en"):
    """Responses as stored, for the fixture quiz: right ones from the key, wrong ones as a learner might."""
    wrong = {"elements": 0, "consent": 1, "means": (0, 2), "law": "No idea!", "match": (1, 2, 0), "steps": (1, 2, 0)}
    good = {"elements": 1, "consent": 0, "means": (0, 1), "law": "27-14", "match": (0, 1, 2), "steps": (0, 1, 2)}
    return {q: {"response": good[q] if q in right else wrong[q], "correct": q in right} for q in QUESTIONS}


@pytest.fixture(scope="module")
def analysis(course):
    """Four learners' first attempts (user: questions right, score): 1: all but steps (83); 2: all but steps and
    law (66); 3: elements and consent (33); 4: steps only (16). Learner 4's second attempt, all right, must not count."""
    rights = {1: set(QUESTIONS) - {"steps"}, 2: set(QUESTIONS) - {"steps", "law"}, 3: {"elements", "consent"}, 4: {"steps"}}
    scores = {1: 83, 2: 66, 3: 33, 4: 16}
    langs = {1: "en", 2: "fr", 3: "en", 4: "ar"}
    attempts = [attempt(100 + u, u, scores[u], scores[u] >= 70, f"2027-01-0{u}T00:00:00+00:00", lang=langs[u]) for u in rights]
    attempts.append(attempt(200, 4, 100, True, "2027-01-09T00:00:00+00:00", lang="ar"))
    responses = {100 + u: responses_for(100 + u, rights[u]) for u in rights}
    responses[200] = responses_for(200, set(QUESTIONS))
    attempts[2] = {**attempts[2], "quiz_version": "old"}  # learner 3 answered an earlier text of the quiz
    quiz = course.quizzes["01-sample"]["en"]
    return quiz, question_analysis(quiz, attempts, responses, {"en": "v1", "fr": "v1", "ar": "v1"})


def stat(analysis, question_id):
    return next(s for s in analysis[1].questions if s.question_id == question_id)


def test_share_correct_at_the_first_attempt(analysis):
    assert analysis[1].learners == 4 and analysis[1].scores == (83, 66, 33, 16)
    shares = {q: (stat(analysis, q).correct, stat(analysis, q).answered) for q in QUESTIONS}
    assert shares == {"elements": (3, 4), "consent": (3, 4), "means": (2, 4), "law": (1, 4), "match": (2, 4), "steps": (1, 4)}
    assert stat(analysis, "law").share == 0.25


def test_share_per_language(analysis):
    assert stat(analysis, "elements").by_lang == (("ar", 0, 1), ("en", 2, 2), ("fr", 1, 1))


def test_discrimination_compares_the_top_and_bottom_27_percent(analysis):
    # n = 4: k = 0.27 x 4 = 1.08, rounded to 1: learner 1 (83) against learner 4 (16).
    assert analysis[1].group_size == 1
    assert stat(analysis, "elements").discrimination == 1.0
    assert stat(analysis, "steps").discrimination == -1.0


def test_group_sizes():
    assert [group_size(n) for n in (0, 1, 2, 4, 10, 50, 100)] == [0, 0, 1, 1, 3, 14, 27]


def test_misleading_questions_stand_out(analysis):
    flagged = {s.question_id: (s.misleading, s.inverted) for s in analysis[1].questions if s.flagged}
    assert flagged == {"law": (True, False), "steps": (True, True)}


def test_most_chosen_wrong_answer_counts_current_first_attempts(analysis):
    quiz = analysis[0]
    # Wrong at the first attempt on the current text: elements only learner 4 (learner 3 answered an older text).
    assert stat(analysis, "elements").top_wrong == WrongAnswer("choice", (0,), 1)
    assert describe_wrong(quiz.question("elements"), stat(analysis, "elements").top_wrong, "en") == "Two"
    # means: learner 4 ticked option 2 ("Crossing a border") beside a right one.
    assert describe_wrong(quiz.question("means"), stat(analysis, "means").top_wrong, "en") == "Crossing a border"
    # law: learners 2 and 4 typed "No idea!", folded to "no idea".
    assert stat(analysis, "law").top_wrong == WrongAnswer("text", ("no idea",), 2)
    # match: learner 4 matched each term with the next; ties go to the first term.
    assert describe_wrong(quiz.question("match"), stat(analysis, "match").top_wrong, "en") == "Act → Deception"
    # steps: learners 1 and 2 misplaced every item (learner 3's attempt is on an old text).
    assert stat(analysis, "steps").top_wrong == WrongAnswer("item", (0,), 2)


def test_no_discrimination_with_a_single_learner(course):
    quiz = course.quizzes["01-sample"]["en"]
    result = question_analysis(quiz, [attempt(1, 1, 100, True, "2027-01-01")], {1: responses_for(1, set(QUESTIONS))}, {"en": "v1"})
    assert result.group_size == 0 and all(s.discrimination is None for s in result.questions)
    assert all(s.share == 1.0 and s.top_wrong is None for s in result.questions)


def test_responses_in_words(course):
    quiz = course.quizzes["01-sample"]["fr"]
    assert describe_response(quiz.question("elements"), 1, "fr") == "Trois"
    assert describe_response(quiz.question("means"), (0, 1), "fr") == "La tromperie\u00a0; L'abus d'une situation de vulnérabilité"
    assert describe_response(quiz.question("steps"), (2, 0, 1), "fr") == "1. Consentement\u00a0; 2. Orientation\u00a0; 3. Sécurité"
    assert describe_response(quiz.question("elements"), 9, "fr") == "9"  # an answer from an older text is shown as stored


def test_responses_in_words_read_right_to_left_in_arabic(course):
    """Arabic has its own semicolon, and a matched pair reads right to left, so its arrow points left."""
    quiz = course.quizzes["01-sample"]["ar"]
    assert describe_response(quiz.question("means"), (0, 1), "ar") == "الخداع؛ استغلال حالة استضعاف"
    assert describe_response(quiz.question("match"), (1, 0, 2), "ar") == "الفعل ← الخداع؛ الوسيلة ← التجنيد؛ الغرض ← العمل القسري"
    assert describe_wrong(quiz.question("match"), WrongAnswer("pair", (0, 1), 2), "ar") == "الفعل ← الخداع"


def test_score_bins():
    bins = score_bins([0, 9, 10, 55, 99, 100])
    assert bins[0] == (0, 9, 2) and bins[1] == (10, 19, 1) and bins[5] == (50, 59, 1) and bins[9] == (90, 100, 2)
    assert sum(count for _, _, count in bins) == 6


# Charts and CSV


def test_charts_are_accessible_images_with_escaped_text():
    svg = bar_chart("Completion", "M1: 1 of 3", [("<Module> & co", 1 / 3, "1 of 3")])
    assert svg.startswith("<svg") and 'role="img"' in svg and "aria-labelledby=" in svg
    assert "<title id=" in svg and "<desc id=" in svg and "&lt;Module&gt; &amp; co" in svg
    assert 'width="110.7"' in svg  # a third of the 332-unit track
    rtl = bar_chart("Completion", "d", [("وحدة", 0.5, "1")], rtl=True)
    assert 'direction="rtl"' in rtl and '<rect class="chart-bar" x="250.0"' in rtl  # grows leftwards from the right edge
    columns = column_chart("Scores", "d", [("0–9", 2), ("10–19", 0)])
    assert columns.count('class="chart-bar"') == 2 and ">2</text>" in columns


def test_csv_neutralises_formulas_and_starts_with_a_bom():
    assert [neutralise(v) for v in ("=1+1", "+33", "-x", "@SUM(A1)", "\tx", "\rx", "Amina", 5, None, True)] == [
        "'=1+1", "'+33", "'-x", "'@SUM(A1)", "'\tx", "'\rx", "Amina", 5, "", 1]
    data = to_csv(["Nom", "الاسم"], [["Zoé", "=cmd|' /C calc'!A0"]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig") == "Nom,الاسم\r\nZoé,'=cmd|' /C calc'!A0\r\n"
