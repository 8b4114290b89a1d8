"""The content parser and `course check` rules, on small courses written in tmp_path."""

import shutil
from pathlib import Path

import pytest

from course.content import load_course

FIXTURE = Path(__file__).parent / "fixtures" / "course"


@pytest.fixture
def course_dir(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    shutil.copy(root / "modules/02-reading/fr.md", root / "modules/02-reading/ar.md")
    return root


def problems(root) -> list[str]:
    return [str(p) for p in load_course(root).problems]


def write(root: Path, relative: str, text: str) -> None:
    (root / relative).write_text(text, encoding="utf-8")


def replace_in(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_fixture_course_is_clean(course_dir):
    assert problems(course_dir) == []


def test_pages_are_cut_at_level_one_headings_with_their_ids(course_dir):
    module = load_course(course_dir).modules["01-sample"]["en"]
    assert module.page_ids == ("elements", "checklist")
    assert module.pages[0].title == "The three elements"
    assert module.job_aid == "checklist"
    assert module.minutes == 10


def test_headings_in_lists_code_and_callouts_do_not_cut_pages_but_an_indented_one_does(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}",
               "- # A list item {#item}\n\n```\n# In code {#code}\n```\n\n::: key-point\n# In a callout {#callout}\n:::\n\n"
               "- a list item\n\n  # Checklist {#checklist}")
    module = load_course(course_dir).modules["01-sample"]["en"]
    assert module.page_ids == ("elements", "checklist")
    assert "In code" in module.pages[0].html and "a list item" in module.pages[0].html


def test_callouts_render_as_labelled_boxes_and_raw_html_is_escaped(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}", "<script>alert(1)</script>\n\n# Checklist {#checklist}")
    html = load_course(course_dir).modules["01-sample"]["en"].pages[0].html
    assert '<div class="callout callout-legal-text" role="note">' in html
    assert "Palermo Protocol, Article 3(a)" in html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_glossary_links_point_to_the_glossary_of_the_language(course_dir):
    html = load_course(course_dir).modules["01-sample"]["fr"].pages[0].html
    assert '<a href="/fr/glossary#victim" class="glossary-term">victime</a>' in html


def test_bad_front_matter_yaml_names_its_line(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "minutes: 10", "minutes: [10")
    found = problems(course_dir)
    assert any(p.startswith("modules/01-sample/en.md:") and "front matter is not valid YAML" in p for p in found)


def test_missing_and_mistyped_front_matter_fields(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "minutes: 10", "minutes: ten")
    replace_in(course_dir, "modules/01-sample/en.md", "summary: The three elements of trafficking.\n", "")
    found = problems(course_dir)
    assert "modules/01-sample/en.md:1: front matter: 'summary' is required" in found
    assert "modules/01-sample/en.md:1: front matter: 'minutes' must be a whole number above 0" in found


def test_a_page_without_a_stable_id(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}", "# Checklist")
    assert "modules/01-sample/en.md:18: heading has no id: write '# Checklist {#some-id}'" in problems(course_dir)


def test_text_before_the_first_page(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "---\n\n# The three", "---\n\nStray words.\n\n# The three")
    assert "modules/01-sample/en.md:10: text before the first '# Title {#id}' heading" in problems(course_dir)


def test_page_ids_that_differ_between_languages(course_dir):
    replace_in(course_dir, "modules/01-sample/ar.md", "{#checklist}", "{#check-list}")
    found = problems(course_dir)
    assert any(p.startswith("modules/01-sample/ar.md:18: page ids differ from fr.md: missing checklist; not in fr.md: check-list") for p in found)


def test_question_ids_that_differ_between_languages(course_dir):
    replace_in(course_dir, "quizzes/01-sample/en.md", "{#law}", "{#moroccan-law}")
    assert any(p.startswith("quizzes/01-sample/en.md:") and "question ids differ from fr.md" in p for p in problems(course_dir))


def test_answer_keys_that_differ_between_languages(course_dir):
    replace_in(course_dir, "quizzes/01-sample/ar.md", "- [ ] عنصران", "- [x] عنصران")
    replace_in(course_dir, "quizzes/01-sample/ar.md", "- [x] ثلاثة عناصر", "- [ ] ثلاثة عناصر")
    assert (
        "quizzes/01-sample/ar.md:6: question 'elements': answer key differs from fr.md "
        "(single, 3 options, right: 2 there, single, 3 options, right: 1 here)"
    ) in problems(course_dir)


def test_a_question_with_no_correct_answer(course_dir):
    replace_in(course_dir, "quizzes/01-sample/en.md", "- [x] Three", "- [ ] Three")
    assert "quizzes/01-sample/en.md:6: question 'elements': no correct answer: mark at least one option '- [x]'" in problems(course_dir)


def test_a_question_with_no_answers(course_dir):
    replace_in(course_dir, "quizzes/01-sample/en.md", "= 27-14", "27-14")
    assert any("question 'law': no answers" in p for p in problems(course_dir))


def test_a_true_false_question_needs_two_options_and_one_right(course_dir):
    replace_in(course_dir, "quizzes/01-sample/en.md", "- [ ] False", "- [x] False")
    assert any("question 'consent': a true/false question needs exactly two options" in p for p in problems(course_dir))


def test_an_unknown_callout(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "::: legal-text Palermo", "::: legal-txt Palermo")
    assert any(p.startswith("modules/01-sample/en.md:14: unknown callout 'legal-txt'") for p in problems(course_dir))


def test_a_callout_needing_a_title(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "::: legal-text Palermo Protocol, Article 3(a)", "::: legal-text")
    assert "modules/01-sample/en.md:14: callout 'legal-text' needs a title after its name" in problems(course_dir)


def test_a_callout_never_closed(course_dir):
    write(course_dir, "modules/01-sample/en.md", (course_dir / "modules/01-sample/en.md").read_text().rstrip() + "\n\n::: warning\nCareful.\n")
    assert any(p.startswith("modules/01-sample/en.md:24: callout 'warning' is never closed") for p in problems(course_dir))


def test_a_missing_image(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}", "# Checklist {#checklist}\n\n![The referral pathway](pathway.svg)")
    assert any(p.startswith("modules/01-sample/en.md:20: image 'pathway.svg' not found") for p in problems(course_dir))


def test_an_image_present_in_the_module_folder_is_served_from_media(course_dir):
    write(course_dir, "modules/01-sample/pathway.svg", '<svg xmlns="http://www.w3.org/2000/svg"/>')
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}", "# Checklist {#checklist}\n\n![The referral pathway](pathway.svg)")
    course = load_course(course_dir)
    assert [str(p) for p in course.problems] == []
    assert '<img src="/media/01-sample/pathway.svg" alt="The referral pathway" loading="lazy"' in course.modules["01-sample"]["en"].pages[1].html


def test_images_outside_the_module_folder_are_refused(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}", "# Checklist {#checklist}\n\n![x](../../secret.png)")
    assert any("must be a file in the module's folder" in p for p in problems(course_dir))


def test_a_glossary_link_to_an_unknown_term(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "glossary:victim", "glossary:victims")
    assert "modules/01-sample/en.md:12: glossary link to unknown term 'victims'" in problems(course_dir)


def test_a_missing_language_version(course_dir):
    (course_dir / "quizzes/01-sample/ar.md").unlink()
    assert "quizzes/01-sample/ar.md:1: missing: no ar version of 01-sample" in problems(course_dir)


def test_a_quiz_without_a_module(course_dir):
    shutil.copytree(course_dir / "quizzes/01-sample", course_dir / "quizzes/09-orphan")
    assert "quizzes/09-orphan:1: quiz folder '09-orphan' has no module folder of the same name in modules/" in problems(course_dir)


def test_every_problem_is_reported_at_once(course_dir):
    replace_in(course_dir, "modules/01-sample/en.md", "# Checklist {#checklist}", "# Checklist")
    replace_in(course_dir, "quizzes/01-sample/fr.md", "- [x] Trois", "- [ ] Trois")
    replace_in(course_dir, "modules/01-sample/ar.md", "::: legal-text", "::: legal")
    assert len(problems(course_dir)) >= 3


def test_question_kinds_and_keys_are_read_as_data(course_dir):
    quiz = load_course(course_dir).quizzes["01-sample"]["en"]
    kinds = {q.id: q.kind for q in quiz.questions}
    assert kinds == {"elements": "single", "consent": "true-false", "means": "multiple", "law": "short", "match": "matching", "steps": "ordering"}
    assert quiz.pass_mark == 70
    elements = quiz.question("elements")
    assert [c.correct for c in elements.choices] == [False, True, False]
    assert "<p>Right: act, means, purpose.</p>" in elements.choices[1].feedback_html
    assert "Palermo Protocol, Article 3(a)." in elements.explanation_html
    assert quiz.question("match").pairs[0] == ("Act", "Recruitment")
    assert quiz.question("steps").items == ("Safety", "Consent", "Referral")


def test_the_quiz_version_changes_when_the_file_changes(course_dir):
    before = load_course(course_dir).quizzes["01-sample"]["en"].version
    replace_in(course_dir, "quizzes/01-sample/en.md", "Two", "Only two")
    assert load_course(course_dir).quizzes["01-sample"]["en"].version != before


def test_a_broken_file_is_left_out_and_the_rest_still_loads(course_dir):
    write(course_dir, "modules/01-sample/en.md", "no front matter at all")
    course = load_course(course_dir)
    assert "en" not in course.modules["01-sample"]
    assert course.module("01-sample", "en").lang == "fr"


PATHWAY = """
referral_pathway:
  - id: safety
    fr: Sécurité
    ar: السلامة
    en: Safety
  - id: consent
    fr: Consentement
    ar: الموافقة
    en: Consent
  - id: referral
    fr: Orientation
    ar: الإحالة
    en: Referral
"""
PATHWAY_LISTS = {
    "en": "1. **Safety** — first.\n2. **Consent** — to each step.\n3. **Referral** — then.\n",
    "fr": "1. **Sécurité** — d'abord.\n2. **Consentement** — à chaque étape.\n3. **Orientation** — ensuite.\n",
    "ar": "1. **السلامة** — أولًا.\n2. **الموافقة** — على كل خطوة.\n3. **الإحالة** — بعد ذلك.\n",
}


@pytest.fixture
def pathway_dir(course_dir):
    """The fixture course with a referral pathway declared, and its job aids printing it."""
    path = course_dir / "modules/course.yaml"
    path.write_text(path.read_text(encoding="utf-8") + PATHWAY, encoding="utf-8")
    for lang, steps in PATHWAY_LISTS.items():
        path = course_dir / f"modules/01-sample/{lang}.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nThe steps:\n\n" + steps, encoding="utf-8")
    return course_dir


def test_a_declared_pathway_is_read_with_its_labels(pathway_dir):
    course = load_course(pathway_dir)
    assert problems(pathway_dir) == []
    assert [step.id for step in course.pathway] == ["safety", "consent", "referral"]
    assert course.pathway[2].labels["fr"] == "Orientation"


def test_a_pathway_step_needs_a_label_in_every_language(pathway_dir):
    replace_in(pathway_dir, "modules/course.yaml", "    ar: الإحالة\n", "")
    assert any("modules/course.yaml:" in p and "step 'referral' needs a label in ar" in p for p in problems(pathway_dir))


def test_a_job_aid_without_the_pathway_is_reported(pathway_dir):
    replace_in(pathway_dir, "modules/01-sample/fr.md", PATHWAY_LISTS["fr"], "")
    assert any(p.startswith("modules/01-sample/fr.md:") and "job aid 'checklist' has no numbered list of the referral pathway" in p
               for p in problems(pathway_dir))


def test_a_job_aid_listing_the_steps_in_another_order_is_reported(pathway_dir):
    replace_in(pathway_dir, "modules/01-sample/en.md", "2. **Consent** — to each step.\n3. **Referral** — then.",
               "2. **Referral** — then.\n3. **Consent** — to each step.")
    found = problems(pathway_dir)
    assert any(p.startswith("modules/01-sample/en.md:") and "item 2 should start with 'Consent'" in p for p in found), found


def test_an_ordering_question_must_order_pathway_steps_in_the_pathway_order(pathway_dir):
    replace_in(pathway_dir, "quizzes/01-sample/en.md", "1. Safety\n2. Consent\n3. Referral", "1. Consent\n2. Safety\n3. Referral")
    assert any(p.startswith("quizzes/01-sample/en.md:") and "question 'steps': its items must follow the referral pathway's order" in p
               for p in problems(pathway_dir))


def test_an_ordering_question_of_something_else_is_reported_once_a_pathway_is_declared(pathway_dir):
    replace_in(pathway_dir, "quizzes/01-sample/en.md", "1. Safety\n2. Consent\n3. Referral", "1. Palermo\n2. Warsaw\n3. Rabat")
    assert any("question 'steps': an ordering question orders steps of the referral pathway" in p and "item 1 'Palermo'" in p
               for p in problems(pathway_dir))


def test_an_ordering_question_must_order_the_same_steps_in_every_language(pathway_dir):
    replace_in(pathway_dir, "quizzes/01-sample/ar.md", "1. السلامة\n2. الموافقة\n3. الإحالة", "1. السلامة\n2. الموافقة")
    replace_in(pathway_dir, "quizzes/01-sample/fr.md", "1. Sécurité\n2. Consentement\n3. Orientation", "1. Sécurité\n2. Orientation")
    replace_in(pathway_dir, "quizzes/01-sample/en.md", "1. Safety\n2. Consent\n3. Referral", "1. Safety\n2. Consent")
    found = problems(pathway_dir)
    assert any(p.startswith("quizzes/01-sample/en.md:") and "orders the pathway steps safety, consent, but fr.md orders safety, referral" in p
               for p in found), found


def test_without_a_declared_pathway_nothing_is_checked(course_dir):
    replace_in(course_dir, "quizzes/01-sample/en.md", "1. Safety\n2. Consent\n3. Referral", "1. Palermo\n2. Warsaw\n3. Rabat")
    replace_in(course_dir, "quizzes/01-sample/fr.md", "1. Sécurité\n2. Consentement\n3. Orientation", "1. Palerme\n2. Varsovie\n3. Rabat")
    replace_in(course_dir, "quizzes/01-sample/ar.md", "1. السلامة\n2. الموافقة\n3. الإحالة", "1. باليرمو\n2. وارسو\n3. الرباط")
    assert problems(course_dir) == []
