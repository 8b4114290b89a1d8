"""The shipped course holds to what its learners and trainers were promised (issue: the course itself)."""

import re
from pathlib import Path

import pytest

from course.content import LANGUAGES, load_course
from course.content.pathway import numbered_lists, steps_in

ROOT = Path(__file__).resolve().parent.parent
MODULES = ["01-legal-framework", "02-identification", "03-protection", "04-consular-role"]
PLACEHOLDERS = re.compile(r"lorem ipsum|\bTODO\b|\bFIXME\b|\bTBD\b|coming soon|à compléter|to be completed|xxx|\?\?\?|placeholder", re.IGNORECASE)
ARTICLE = {"en": re.compile(r"\bArticles?\b"), "fr": re.compile(r"\barticles?\b", re.IGNORECASE), "ar": re.compile(r"المادة|المواد|الفصل")}
# An explanation names its source: an article, a year or a law number, or the body that wrote it.
SOURCE = re.compile(r"\d|UNODC|ONUDC|IOM|OIM|ILO|OIT|WHO|OMS|مكتب الأمم المتحدة|المكتب الأممي|المنظمة الدولية|منظمة")


@pytest.fixture(scope="module")
def course():
    return load_course(ROOT)


def versions(course, slug):
    return [course.modules[slug][lang] for lang in LANGUAGES]


def test_the_course_passes_its_own_check(course):
    assert [str(p) for p in course.problems] == []


def test_an_introduction_and_four_modules_in_three_languages(course):
    assert course.slugs == ["00-introduction", *MODULES]
    for slug in course.slugs:
        assert set(course.modules[slug]) == set(LANGUAGES), slug
    for slug in MODULES:
        assert set(course.quizzes[slug]) == set(LANGUAGES), slug


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_has_objectives_time_and_at_least_five_pages(course, slug):
    for module in versions(course, slug):
        assert len(module.objectives) >= 3 and module.minutes >= 20
        assert len(module.pages) >= 5


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_has_two_case_studies_with_a_discussion(course, slug):
    for module in versions(course, slug):
        html = "".join(page.html for page in module.pages)
        assert html.count('class="callout callout-case-study"') >= 2, (slug, module.lang)
        assert html.count('class="callout callout-discussion"') >= 2, (slug, module.lang)


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_quotes_the_law_by_article_and_says_what_to_do(course, slug):
    for module in versions(course, slug):
        html = "".join(page.html for page in module.pages)
        titles = re.findall(r'callout-legal-text" role="note"><p class="callout-title">.*?<span class="callout-name">(.*?)</span>', html)
        assert any(ARTICLE[module.lang].search(title) for title in titles), (slug, module.lang, titles)
        assert 'class="callout callout-consular-practice"' in html, (slug, module.lang)
        assert 'class="callout callout-key-point"' in html, (slug, module.lang)


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_ends_with_its_references(course, slug):
    for module in versions(course, slug):
        assert module.pages[-1].id == "references"
        assert len(re.findall(r"<li>", module.pages[-1].html)) >= 3, (slug, module.lang)


@pytest.mark.parametrize("slug", MODULES)
def test_each_module_has_a_job_aid_and_glossary_links(course, slug):
    for module in versions(course, slug):
        assert module.job_aid in module.page_ids
        html = "".join(page.html for page in module.pages)
        assert html.count('class="glossary-term"') >= 5, (slug, module.lang)


@pytest.mark.parametrize("slug", MODULES)
def test_each_quiz_has_eight_questions_of_four_types_with_sourced_explanations(course, slug):
    for lang in LANGUAGES:
        quiz = course.quizzes[slug][lang]
        assert len(quiz.questions) >= 8
        assert len({q.kind for q in quiz.questions}) >= 4
        for question in quiz.questions:
            assert SOURCE.search(question.explanation_html), (slug, lang, question.id)


def sets_a_situation(question) -> bool:
    """A scenario item tells a situation before its answers: a paragraph of a dozen words or more."""
    words = re.sub(r"<[^>]+>", " ", question.prompt_html).split()
    return len(words) >= 12


@pytest.mark.parametrize("slug", MODULES)
def test_at_least_two_thirds_of_each_quiz_are_scenarios(course, slug):
    for lang in LANGUAGES:
        questions = course.quizzes[slug][lang].questions
        scenarios = [q.id for q in questions if sets_a_situation(q)]
        assert 3 * len(scenarios) >= 2 * len(questions), (slug, lang, sorted({q.id for q in questions} - set(scenarios)))


@pytest.mark.parametrize("slug", MODULES)
def test_no_quiz_asks_only_for_a_number_or_an_article(course, slug):
    for lang in LANGUAGES:
        assert [q.id for q in course.quizzes[slug][lang].questions if q.kind == "short"] == [], (slug, lang)


def test_the_course_declares_one_referral_pathway(course):
    assert len(course.pathway) >= 5
    assert all(step.labels[lang] for step in course.pathway for lang in LANGUAGES)


@pytest.mark.parametrize("slug", MODULES)
def test_every_job_aid_prints_the_canonical_referral_pathway(course, slug):
    expected = [step.id for step in course.pathway]
    for module in versions(course, slug):
        lists = numbered_lists(module.page(module.job_aid).html)
        assert expected in [steps_in(course.pathway, items, module.lang) for items in lists], (slug, module.lang)


@pytest.mark.parametrize("slug", MODULES)
def test_every_ordering_question_orders_pathway_steps_in_the_canonical_order(course, slug):
    order = [step.id for step in course.pathway]
    for question_id in {q.id for q in course.quizzes[slug]["en"].questions if q.kind == "ordering"}:
        found = set()
        for lang in LANGUAGES:
            ids = steps_in(course.pathway, course.quizzes[slug][lang].question(question_id).items, lang)
            assert None not in ids, (slug, lang, question_id)
            assert [order.index(i) for i in ids] == sorted({order.index(i) for i in ids}), (slug, lang, question_id)
            found.add(tuple(ids))
        assert len(found) == 1, (slug, question_id, found)


def test_the_glossary_has_thirty_terms_in_each_language(course):
    ids = {lang: [entry.id for entry in course.glossaries[lang].entries] for lang in LANGUAGES}
    assert len(ids["en"]) >= 30
    assert ids["fr"] == ids["en"] == ids["ar"]
    for lang in LANGUAGES:
        assert all(entry.html.strip() for entry in course.glossaries[lang].entries)


def test_no_page_contains_placeholder_text(course):
    for slug in course.slugs:
        for module in course.modules[slug].values():
            for page in module.pages:
                assert not PLACEHOLDERS.search(page.html), (slug, module.lang, page.id)
    for quizzes in course.quizzes.values():
        for quiz in quizzes.values():
            for question in quiz.questions:
                text = question.title_html + question.prompt_html + question.explanation_html
                assert not PLACEHOLDERS.search(text), (quiz.slug, quiz.lang, question.id)


def test_arabic_is_written_in_arabic(course):
    for slug in course.slugs:
        module = course.modules[slug]["ar"]
        text = re.sub(r"<[^>]+>", "", "".join(page.html for page in module.pages))
        letters = [c for c in text if c.isalpha()]
        arabic = [c for c in letters if "\u0600" <= c <= "\u06ff"]
        assert len(arabic) / len(letters) > 0.8, slug
