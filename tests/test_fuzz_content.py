"""Random and mangled Markdown fed to the content parser and to `course check`: they report
problems (file:line: reason), they never crash.

Inputs are random text, random sequences of the lines authors write (and get wrong), and the
course's real files mangled: lines deleted, repeated, swapped, cut short, or spliced with such
lines. In CI the examples are derandomised, so a run cannot fail by chance; on a developer's
machine Hypothesis explores anew at every run and keeps what failed in .hypothesis/.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from course import store
from course.content import Problem
from course.content.lessons import parse_glossary, parse_module
from course.content.pipeline import RenderContext
from course.content.quizzes import parse_quiz
from course.web import create_app

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "course"
SAMPLES = sorted(
    [p for p in (ROOT / "modules").glob("*/*.md")] + [p for p in (ROOT / "quizzes").glob("*/*.md")]
    + [p for p in FIXTURE.glob("*/*/*.md")]
)
TEXTS = {str(p.relative_to(ROOT)): p.read_text(encoding="utf-8") for p in SAMPLES}

FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", 100)),
    deadline=None,
    derandomize=bool(os.environ.get("CI")),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)

# Lines authors write, and lines they get wrong.
LINES = [
    "---", "title: Un titre", "title:", "title: [a, b]", "summary: x", "minutes: 45", "minutes: -3", "minutes: yes",
    "objectives:", "  - Comprendre", "  -", "job_aid: checklist", "job_aid: nowhere", "pass: 70%", "pass: 170%", "pass: yes",
    "yes: no", "2024-01-02: x", "  bad indent: [", "# Page {#page-one}", "# Page {#Page One}", "# Page {#}", "# Page {# .x}",
    "# Page", "## Question? {#q1}", "## Question? {#q1 .true-false}", "## Question? {#q1 .unknown}", "## Q {#q2}",
    "::: key-point", "::: legal-text Palermo Protocol, Article 3", "::: legal-text", "::: case-study", ":::: case-study Une affaire",
    "::: discussion", "::: warning Attention", "::: consular-practice", "::: nonsense", ":::", "::::", ":::::", "::: ",
    "- [x] Vrai", "- [ ] Faux", "- [X] Oui", "- [] vide", "- [x]", "  > Bravo.", "  >", "= 27-14", "=", "= ",
    "1. Premier", "2. Second", "1.", "- Acte -> Recrutement", "- -> rien", "- A ->", "- A -> B -> C",
    "[victime](glossary:victim)", "[x](glossary:)", "[x](glossary:no-such-term)", "[x](javascript:alert(1))",
    "![](image.png)", "![alt](../../etc/passwd)", "![alt](http://example.org/x.png)", "![alt](missing.png)", "![alt](a\\b.png)",
    "| a | b |", "|---|---|", "| 1 |", "[^1]", "[^1]: Une note", "[^]: x", "Terme", ": définition", "```", "```python", "~~~",
    "<script>alert(1)</script>", "<div>", "&nbsp;", "{#id}", "{#id .class}", "# {#only-id}", "***", "> citation", "    code",
    "الاتجار بالبشر {#معرف}", "# صفحة {#page-ar}", "\u202e", "\t", "\x00", "\ufeff", "\r", "", "",
]

line_lists = st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=40)), max_size=60)


def context(path="modules/99-fuzz/fr.md") -> RenderContext:
    return RenderContext(
        path=path, folder=FIXTURE / "modules" / "01-sample", media_url="/media/99-fuzz", glossary_url="/fr/glossary",
        glossary_ids=frozenset({"victim"}),
    )


@st.composite
def mangled(draw) -> str:
    """A real content file with a few random edits."""
    lines = TEXTS[draw(st.sampled_from(sorted(TEXTS)))].splitlines()
    if draw(st.booleans()):  # a window of the file, front matter kept, so each example parses quickly
        start = draw(st.integers(0, len(lines)))
        lines = lines[:12] + lines[start: start + draw(st.integers(0, 80))]
    for _ in range(draw(st.integers(1, 6))):
        edit = draw(st.sampled_from(["delete", "repeat", "swap", "insert", "cut", "chars"]))
        at = draw(st.integers(0, max(len(lines) - 1, 0)))
        if edit == "delete" and lines:
            del lines[at: at + draw(st.integers(1, 8))]
        elif edit == "repeat" and lines:
            lines[at:at] = lines[at: at + draw(st.integers(1, 8))]
        elif edit == "swap" and lines:
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif edit == "insert":
            lines[at:at] = draw(line_lists)
        elif edit == "cut":
            lines = lines[:at]
        elif edit == "chars" and lines:
            line = lines[at]
            spot = draw(st.integers(0, len(line)))
            lines[at] = line[:spot] + draw(st.text(max_size=5)) + line[spot + draw(st.integers(0, 3)):]
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))


any_text = st.one_of(st.text(max_size=2000), line_lists.map("\n".join), mangled())


def assert_problems_are_located(problems, path: str) -> None:
    for problem in problems:
        assert isinstance(problem, Problem)
        assert problem.path == path and problem.line >= 1 and problem.message.strip(), problem
        assert "\n" not in problem.message and "\r" not in problem.message, problem  # one problem a line


@FUZZ
@given(any_text)
def test_the_module_parser_reports_and_never_crashes(text):
    module, problems = parse_module(text, "99-fuzz", "fr", context())
    assert_problems_are_located(problems, "modules/99-fuzz/fr.md")
    assert module is None or module.pages


@FUZZ
@given(any_text)
def test_the_quiz_parser_reports_and_never_crashes(text):
    quiz, problems = parse_quiz(text, "99-fuzz", "fr", context("quizzes/99-fuzz/fr.md"))
    assert_problems_are_located(problems, "quizzes/99-fuzz/fr.md")
    if quiz is not None:
        assert quiz.questions and 0 <= quiz.pass_mark <= 100
        for question in quiz.questions:
            assert question.kind in ("single", "multiple", "true-false", "short", "matching", "ordering")


@FUZZ
@given(any_text)
def test_the_glossary_parser_reports_and_never_crashes(text):
    _, problems = parse_glossary(text, "fr", context("modules/glossary/fr.md"))
    assert_problems_are_located(problems, "modules/glossary/fr.md")


@FUZZ
@given(any_text)
def test_rendered_lessons_carry_no_raw_markup(text):
    module, _ = parse_module(text, "99-fuzz", "fr", context())
    for page in module.pages if module else ():
        html = page.html.lower()
        assert "<script" not in html and 'href="javascript:' not in html and not re.search(r"<[^>]+\son\w+=", html), page.html


@pytest.fixture(scope="module")
def course_copy(tmp_path_factory):
    root = tmp_path_factory.mktemp("fuzz") / "course"
    shutil.copytree(FIXTURE, root)
    shutil.copy(root / "modules/02-reading/fr.md", root / "modules/02-reading/ar.md")
    return root


TARGETS = ["modules/01-sample/fr.md", "modules/01-sample/ar.md", "quizzes/01-sample/en.md", "modules/glossary/fr.md", "modules/course.yaml"]


@settings(FUZZ, max_examples=max(FUZZ.max_examples // 3, 10))
@given(target=st.sampled_from(TARGETS), text=any_text)
def test_course_check_reports_and_never_crashes(course_copy, tmp_path_factory, target, text):
    path = course_copy / target
    original = path.read_text(encoding="utf-8")
    path.write_text(text, encoding="utf-8")
    try:
        app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE": str(tmp_path_factory.getbasetemp() / "fuzz.db"),
                          "CONTENT_ROOT": str(course_copy)})
        result = app.test_cli_runner().invoke(args=["course", "check"])
    finally:
        path.write_text(original, encoding="utf-8")
        store.close_connection()
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1)
    lines = result.output.splitlines()
    if result.exit_code == 1:
        assert lines[-1].endswith("problem(s) found."), result.output
        assert all(re.match(r"^[^:]+:\d+: \S", line) for line in lines[:-1]), result.output
    else:
        assert lines[0] == "ok"
