"""Trainers' pages through Flask's test client: role and cohort boundaries, the dashboard's figures
on a known data set, exports, preview."""

import csv
import io
import re

import pytest

from course import store
from tests.helpers import csrf_token
from tests.people import answer_quiz, complete_course, db_of, learner_in, make_cohort, make_user, read, signed_in


@pytest.fixture
def trainer(app):
    user_id = make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    return user_id, signed_in(app, "trainer@example.org")


@pytest.fixture
def cohort(app, trainer):
    return make_cohort(app, trainer[0], name="Batch <summer> 2027", code="SUMMER-27", deadline="2020-01-31")


@pytest.fixture
def known_cohort(app, cohort):
    """Amina completed everything; Brahim read one page and failed the quiz; Chloé did nothing.
    Driss, outside the cohort, completed everything too."""
    _, amina = learner_in(app, cohort, "amina@example.org", "Amina Benali")
    complete_course(amina, app)
    _, brahim = learner_in(app, cohort, "brahim@example.org", "Brahim Alaoui", lang="fr")
    read(brahim, ["01-sample/elements"], lang="fr")
    answer_quiz(brahim, app, right=set(), lang="fr")
    learner_in(app, cohort, "chloe@example.org", "Chloé Dupont")
    _, driss = learner_in(app, None, "driss@example.org", "Driss Outsider")
    complete_course(driss, app)
    return cohort


def rows(html: str) -> dict[str, str]:
    """Each learner's dashboard row as plain text, by learner name."""
    found = {}
    for row in re.findall(r"<tr[^>]*>\s*<th scope=\"row\">(.*?)</tr>", html, re.S):
        text = " ".join(re.sub(r"<[^>]+>", " ", row).split())
        found[text.split("  ")[0]] = text
    return found


def row_of(html: str, name: str) -> str:
    return next(text for text in rows(html).values() if text.startswith(name))


def learner_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/en/trainer/cohorts/\d+/learners/\d+">([^<]+)</a>', html)


# Roles and cohorts


def test_a_learner_gets_403_on_every_trainer_and_admin_page(app, learner, cohort):
    for url in ("/en/trainer/", "/en/trainer/cohorts/new", f"/en/trainer/cohorts/{cohort}/", f"/en/trainer/cohorts/{cohort}/questions",
                f"/en/trainer/cohorts/{cohort}/progress.csv", f"/en/trainer/cohorts/{cohort}/attempts.csv", "/en/trainer/questions",
                "/en/trainer/preview/", "/en/trainer/preview/01-sample/", "/en/trainer/preview/01-sample/quiz", "/en/admin/users"):
        assert learner.get(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_sign_in(client, cohort):
    response = client.get(f"/en/trainer/cohorts/{cohort}/")
    assert response.status_code == 302 and "/en/signin" in response.headers["Location"]


def test_a_trainer_gets_403_on_another_trainers_cohort(app, known_cohort):
    make_user(app, "other@example.org", "Other Trainer", role="trainer")
    other = signed_in(app, "other@example.org")
    amina = store.user_by_email(db_of(app), "amina@example.org")["id"]
    for url in (f"/en/trainer/cohorts/{known_cohort}/", f"/en/trainer/cohorts/{known_cohort}/edit", f"/en/trainer/cohorts/{known_cohort}/questions",
                f"/en/trainer/cohorts/{known_cohort}/progress.csv", f"/en/trainer/cohorts/{known_cohort}/attempts.csv",
                f"/en/trainer/cohorts/{known_cohort}/learners/{amina}"):
        assert other.get(url).status_code == 403, url
    assert "Batch &lt;summer&gt; 2027" not in other.get("/en/trainer/").get_data(as_text=True)


def test_an_admin_sees_every_cohort(app, known_cohort):
    make_user(app, "admin@example.org", "Ada Admin", role="admin")
    admin = signed_in(app, "admin@example.org")
    assert "Batch &lt;summer&gt; 2027" in admin.get("/en/trainer/").get_data(as_text=True)
    assert admin.get(f"/en/trainer/cohorts/{known_cohort}/").status_code == 200


def test_a_trainer_creates_a_cohort_with_a_generated_join_code(app, trainer):
    _, client = trainer
    token = csrf_token(client, "/en/trainer/cohorts/new")
    response = client.post("/en/trainer/cohorts/new", data={"csrf_token": token, "name": "Posting batch, summer 2027", "deadline": "2027-06-30"})
    assert response.status_code == 303
    cohort = store.cohorts_overview(db_of(app), trainer[0])[0]
    assert cohort["name"] == "Posting batch, summer 2027" and cohort["deadline"] == "2027-06-30"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{8}", cohort["join_code"])
    assert cohort["join_code"] in client.get(response.headers["Location"]).get_data(as_text=True)


def test_cohort_form_errors(app, trainer, cohort):
    _, client = trainer
    token = csrf_token(client, "/en/trainer/cohorts/new")
    response = client.post("/en/trainer/cohorts/new", data={"csrf_token": token, "name": "", "join_code": "SUMMER-27", "deadline": "30/06/2027"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Give the cohort a name" in html and "like 2027-06-30" in html
    response = client.post("/en/trainer/cohorts/new", data={"csrf_token": token, "name": "Again", "join_code": "summer-27"})
    assert response.status_code == 422 and "already uses this join code" in response.get_data(as_text=True)


def test_a_learner_joins_with_the_code_in_any_case(app, cohort, learner):
    token = csrf_token(learner, "/en/profile")
    learner.post("/en/profile", data={"csrf_token": token, "join_code": " summer-27 "})
    user = store.user_by_email(db_of(app), "amina@example.org")
    assert store.is_member(db_of(app), cohort, user["id"])


def test_editing_a_cohort_keeps_its_members(app, trainer, known_cohort):
    _, client = trainer
    token = csrf_token(client, f"/en/trainer/cohorts/{known_cohort}/edit")
    response = client.post(f"/en/trainer/cohorts/{known_cohort}/edit", data={
        "csrf_token": token, "name": "Renamed", "join_code": "NEW-CODE", "deadline": ""})
    assert response.status_code == 303
    cohort = store.cohort_by_id(db_of(app), known_cohort)
    assert (cohort["name"], cohort["join_code"], cohort["deadline"]) == ("Renamed", "NEW-CODE", None)
    assert len(store.cohort_members(db_of(app), known_cohort)) == 3


# The dashboard, on the known data set


def test_the_dashboard_shows_each_learner_and_module_with_figures_computed_by_hand(trainer, known_cohort):
    html = trainer[1].get(f"/en/trainer/cohorts/{known_cohort}/").get_data(as_text=True)
    # Module 01 has 2 pages and a quiz (3 steps), module 02 one page (1 step); overall is the mean of the modules' shares.
    amina, brahim, chloe = row_of(html, "Amina Benali"), row_of(html, "Brahim Alaoui"), row_of(html, "Chloé Dupont")
    assert "✓ Complete best score 100%" in amina and "100% 2 of 2 modules" in amina and "Completed on" in amina
    # Brahim: 1 of 3 steps in module 01 (1 * 100 // 3 = 33), nothing in 02: overall (33 + 0) // 2 = 16.
    assert "In progress 1 of 2 pages best score 0%" in brahim and "Not started" in brahim
    assert "16% 0 of 2 modules" in brahim and "Late" in brahim
    assert "0% 0 of 2 modules" in chloe and "Late" in chloe and "—" in chloe
    assert "Driss" not in html
    # Summary: 3 learners, 1 completed, 2 late, average (100 + 16 + 0) // 3 = 38.
    facts = " ".join(re.sub(r"<[^>]+>", " ", html.split('<dl class="facts cohort-facts">')[1].split("</dl>")[0]).split())
    assert "Learners 3 Completed the course 1 Late 2 Average completion 38%" in facts
    assert ">1 of 3<" in html  # each module completed by 1 of 3 learners (chart's text alternative)


def test_each_dashboard_row_follows_its_learners_record(app, trainer, known_cohort):
    """Rows are rendered once per state of the learner's record (course/templating.py): a change
    shows at the next look, in the trainer's language."""
    url = f"/en/trainer/cohorts/{known_cohort}/"
    assert "In progress 1 of 2 pages" in row_of(trainer[1].get(url).get_data(as_text=True), "Brahim Alaoui")
    brahim = signed_in(app, "brahim@example.org")
    read(brahim, ["01-sample/checklist"])
    assert "In progress 2 of 2 pages best score 0%" in row_of(trainer[1].get(url).get_data(as_text=True), "Brahim Alaoui")
    complete_course(brahim, app)
    html = trainer[1].get(url).get_data(as_text=True)
    code = store.certificate_of_user(db_of(app), store.user_by_email(db_of(app), "brahim@example.org")["id"])["code"]
    assert "✓ Complete best score 100%" in row_of(html, "Brahim Alaoui") and code[:4] in row_of(html, "Brahim Alaoui")
    assert "Terminé" in trainer[1].get(f"/fr/trainer/cohorts/{known_cohort}/").get_data(as_text=True)


def test_the_dashboard_has_an_accessible_chart_without_script(trainer, known_cohort):
    html = trainer[1].get(f"/en/trainer/cohorts/{known_cohort}/").get_data(as_text=True)
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html
    assert "<title id=" in html and "<desc id=" in html and "The definition: 1 of 3" in html
    assert "<script" not in html


def test_the_dashboard_filters_and_sorts_with_plain_links(trainer, known_cohort):
    client = trainer[1]
    late = client.get(f"/en/trainer/cohorts/{known_cohort}/?status=late").get_data(as_text=True)
    assert "Brahim Alaoui" in late and "Chloé Dupont" in late and "Amina Benali" not in late
    found = client.get(f"/en/trainer/cohorts/{known_cohort}/?q=CHLO").get_data(as_text=True)
    assert learner_names(found) == ["Chloé Dupont"]
    ordered = client.get(f"/en/trainer/cohorts/{known_cohort}/?sort=progress&order=desc").get_data(as_text=True)
    assert learner_names(ordered) == ["Amina Benali", "Brahim Alaoui", "Chloé Dupont"]
    by_activity = client.get(f"/en/trainer/cohorts/{known_cohort}/?sort=activity&order=desc").get_data(as_text=True)
    assert learner_names(by_activity)[-1] == "Chloé Dupont"
    assert 'aria-sort="descending"' in ordered


def test_names_and_cohort_names_are_escaped(app, trainer, cohort):
    learner_in(app, cohort, "x@example.org", "<script>alert(1)</script>")
    html = trainer[1].get(f"/en/trainer/cohorts/{cohort}/").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Batch &lt;summer&gt; 2027" in html


def test_the_learner_detail_lists_visits_and_every_attempt_with_answers(app, trainer, known_cohort):
    brahim = store.user_by_email(db_of(app), "brahim@example.org")["id"]
    html = trainer[1].get(f"/en/trainer/cohorts/{known_cohort}/learners/{brahim}").get_data(as_text=True)
    assert "Brahim Alaoui" in html and "The three elements" in html
    assert "Score: 0% (0 of 6)" in html and "Not passed" in html
    assert "no idea" in html and "✗ Incorrect" in html  # the short answer as typed
    assert html.count("✗ Incorrect") == 6


def test_the_learner_detail_is_only_for_members_of_the_cohort(app, trainer, known_cohort):
    driss = store.user_by_email(db_of(app), "driss@example.org")["id"]
    assert trainer[1].get(f"/en/trainer/cohorts/{known_cohort}/learners/{driss}").status_code == 404


def test_a_trainer_removes_a_learner_who_keeps_their_records_and_can_join_again(app, trainer, known_cohort):
    db, client = db_of(app), trainer[1]
    brahim = store.user_by_email(db, "brahim@example.org")["id"]
    records = (store.user_visits(db, brahim), store.submitted_attempts(db, brahim), store.user_responses(db, brahim))
    detail = f"/en/trainer/cohorts/{known_cohort}/learners/{brahim}"
    token = csrf_token(client, detail)
    response = client.post(f"{detail}/remove", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["Location"] == f"/en/trainer/cohorts/{known_cohort}/"
    html = client.get(f"/en/trainer/cohorts/{known_cohort}/").get_data(as_text=True)
    assert "Brahim Alaoui is no longer in the cohort “Batch &lt;summer&gt; 2027”." in html
    assert learner_names(html) == ["Amina Benali", "Chloé Dupont"]
    assert "Brahim" not in client.get(f"/en/trainer/cohorts/{known_cohort}/progress.csv").get_data(as_text=True)
    assert not store.is_member(db, known_cohort, brahim)
    assert (store.user_visits(db, brahim), store.submitted_attempts(db, brahim), store.user_responses(db, brahim)) == records
    assert client.get(detail).status_code == 404
    again = client.post(f"{detail}/remove", data={"csrf_token": token})
    assert again.status_code == 404 and "This learner is not in the cohort." in again.get_data(as_text=True)
    learner = signed_in(app, "brahim@example.org")
    learner.post("/en/profile", data={"csrf_token": csrf_token(learner, "/en/profile"), "join_code": "SUMMER-27"})
    assert store.is_member(db, known_cohort, brahim)
    assert "Brahim Alaoui" in learner_names(client.get(f"/en/trainer/cohorts/{known_cohort}/").get_data(as_text=True))


def test_only_the_cohorts_trainer_removes_its_learners(app, trainer, known_cohort):
    db = db_of(app)
    brahim = store.user_by_email(db, "brahim@example.org")["id"]
    make_user(app, "other@example.org", "Other Trainer", role="trainer")
    other = signed_in(app, "other@example.org", lang="fr")
    response = other.post(f"/fr/trainer/cohorts/{known_cohort}/learners/{brahim}/remove", data={"csrf_token": csrf_token(other, "/fr/trainer/")})
    assert response.status_code == 403 and "Cette promotion appartient à un autre formateur." in response.get_data(as_text=True)
    assert store.is_member(db, known_cohort, brahim)


def test_a_trainer_deletes_a_cohort_and_its_learners_keep_their_records(app, trainer, known_cohort):
    db, client = db_of(app), trainer[1]
    members = [member["id"] for member in store.cohort_members(db, known_cohort)]
    records = [(store.user_visits(db, m), store.submitted_attempts(db, m), store.user_responses(db, m), store.certificate_of_user(db, m))
               for m in members]
    edit = f"/en/trainer/cohorts/{known_cohort}/edit"
    page = client.get(edit).get_data(as_text=True)
    assert f'action="/en/trainer/cohorts/{known_cohort}/delete"' in page and "Delete the cohort “Batch &lt;summer&gt; 2027”" in page
    token = csrf_token(client, edit)
    unconfirmed = client.post(f"/en/trainer/cohorts/{known_cohort}/delete", data={"csrf_token": token})
    assert unconfirmed.status_code == 400 and "Tick the box to confirm" in unconfirmed.get_data(as_text=True)
    assert store.cohort_by_id(db, known_cohort) is not None and len(store.cohort_members(db, known_cohort)) == 3
    response = client.post(f"/en/trainer/cohorts/{known_cohort}/delete", data={"csrf_token": token, "confirm": "yes"})
    assert response.status_code == 303 and response.headers["Location"] == "/en/trainer/"
    index = client.get("/en/trainer/").get_data(as_text=True)
    assert "The cohort “Batch &lt;summer&gt; 2027” is deleted." in index
    assert store.cohort_by_id(db, known_cohort) is None
    assert db.execute("SELECT count(*) FROM memberships WHERE cohort_id = ?", (known_cohort,)).fetchone()[0] == 0
    assert [(store.user_visits(db, m), store.submitted_attempts(db, m), store.user_responses(db, m), store.certificate_of_user(db, m))
            for m in members] == records
    assert client.get(f"/en/trainer/cohorts/{known_cohort}/").status_code == 404
    assert client.post(f"/en/trainer/cohorts/{known_cohort}/delete", data={"csrf_token": token, "confirm": "yes"}).status_code == 404
    again = make_cohort(app, trainer[0], name="Batch 2028", code="SUMMER-27")  # the join code is free again
    learner = signed_in(app, "brahim@example.org")
    learner.post("/en/profile", data={"csrf_token": csrf_token(learner, "/en/profile"), "join_code": "SUMMER-27"})
    brahim = store.user_by_email(db, "brahim@example.org")["id"]
    assert store.is_member(db, again, brahim)
    assert "Brahim Alaoui" in learner_names(client.get(f"/en/trainer/cohorts/{again}/").get_data(as_text=True))


def test_only_the_cohorts_trainer_deletes_it(app, trainer, known_cohort):
    db = db_of(app)
    url = f"/fr/trainer/cohorts/{known_cohort}/delete"
    make_user(app, "other@example.org", "Other Trainer", role="trainer")
    other = signed_in(app, "other@example.org", lang="fr")
    response = other.post(url, data={"csrf_token": csrf_token(other, "/fr/trainer/"), "confirm": "yes"})
    assert response.status_code == 403 and "Cette promotion appartient à un autre formateur." in response.get_data(as_text=True)
    learner = signed_in(app, "brahim@example.org", lang="fr")
    assert learner.post(url, data={"csrf_token": csrf_token(learner, "/fr/profile"), "confirm": "yes"}).status_code == 403
    assert trainer[1].post(url, data={"confirm": "yes"}).status_code == 400  # no CSRF token
    assert store.cohort_by_id(db, known_cohort) is not None and len(store.cohort_members(db, known_cohort)) == 3


def test_a_trainer_sees_attempt_results_only_of_their_own_learners(app, trainer, known_cohort):
    db = db_of(app)
    amina = store.submitted_attempts(db, store.user_by_email(db, "amina@example.org")["id"])[0]
    driss = store.submitted_attempts(db, store.user_by_email(db, "driss@example.org")["id"])[0]
    # The learner's address takes the trainer to the trainer's own review of the attempt.
    moved = trainer[1].get(f"/en/quizzes/01-sample/attempts/{amina['id']}")
    assert moved.status_code == 302 and moved.location.endswith(f"/en/trainer/attempts/{amina['id']}")
    assert trainer[1].get(moved.location).status_code == 200
    assert trainer[1].get(f"/en/quizzes/01-sample/attempts/{driss['id']}").status_code == 403
    assert trainer[1].get(f"/en/trainer/attempts/{driss['id']}").status_code == 403
    make_user(app, "admin@example.org", "Ada Admin", role="admin")
    assert signed_in(app, "admin@example.org").get(f"/en/trainer/attempts/{driss['id']}").status_code == 200


# Exports


def read_csv(response) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: spreadsheets read accents and Arabic right
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_the_progress_csv_has_one_row_per_learner(trainer, known_cohort):
    response = trainer[1].get(f"/en/trainer/cohorts/{known_cohort}/progress.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    table = read_csv(response)
    header, body = table[0], {row[0]: dict(zip(table[0], row, strict=True)) for row in table[1:]}
    assert header[:3] == ["Name", "E-mail address", "Joined (UTC)"]
    assert set(body) == {"Amina Benali", "Brahim Alaoui", "Chloé Dupont"}
    brahim = body["Brahim Alaoui"]
    assert brahim["The definition: status"] == "in progress" and brahim["The definition: pages read"] == "1"
    assert brahim["The definition: best score (%)"] == "0" and brahim["Further reading: status"] == "not started"
    assert brahim["Overall completion (%)"] == "16" and brahim["Late"] == "yes"
    amina = body["Amina Benali"]
    assert amina["Overall completion (%)"] == "100" and amina["Modules complete"] == "2" and amina["Late"] == "no"
    assert re.fullmatch(r"[A-Z2-7]{16}", amina["Certificate"])  # the dashboard issued it


def test_the_attempts_csv_has_one_row_per_answer(trainer, known_cohort):
    table = read_csv(trainer[1].get(f"/en/trainer/cohorts/{known_cohort}/attempts.csv"))
    header, body = table[0], [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    assert header == ["Name", "E-mail address", "Module", "Attempt", "Language", "Submitted (UTC)", "Score (%)", "Passed", "Question",
                      "Answer", "Correct"]
    assert len(body) == 12  # Amina's and Brahim's attempts, 6 answers each; Driss is not in the cohort
    brahim = {row["Question"]: row for row in body if row["Name"] == "Brahim Alaoui"}
    assert brahim["law"]["Answer"] == "no idea" and brahim["law"]["Correct"] == "0" and brahim["law"]["Language"] == "fr"
    assert brahim["elements"]["Answer"] == "Deux"  # described in the language the learner answered in
    amina = {row["Question"]: row for row in body if row["Name"] == "Amina Benali"}
    assert amina["steps"]["Answer"] == "1. Safety; 2. Consent; 3. Referral" and amina["steps"]["Correct"] == "1"
    assert amina["match"]["Answer"] == "Act → Recruitment; Means → Deception; Purpose → Forced labour"


def test_csv_cells_cannot_become_formulas(app, trainer, cohort):
    learner_in(app, cohort, "f@example.org", "=HYPERLINK(\"http://x\")")
    learner_in(app, cohort, "a@example.org", "عائشة الإدريسي")
    table = read_csv(trainer[1].get(f"/en/trainer/cohorts/{cohort}/progress.csv"))
    names = {row[0] for row in table[1:]}
    assert "'=HYPERLINK(\"http://x\")" in names and "عائشة الإدريسي" in names


# Preview


def test_preview_shows_every_page_and_the_key_without_recording(app, trainer):
    client = trainer[1]
    module = client.get("/fr/trainer/preview/01-sample/").get_data(as_text=True)
    assert "Les trois éléments" in module and "Liste de contrôle" in module
    quiz = client.get("/ar/trainer/preview/01-sample/quiz").get_data(as_text=True)
    assert 'dir="rtl"' in quiz and quiz.count('class="is-correct"') == 4  # single 1, true/false 1, multiple 2
    assert "27-14" in quiz and "Accepted answers" not in quiz  # accepted short answers, in the page's language
    assert quiz.count("<tr><th scope=\"row\">") == 3  # the three matching pairs, each with its right match
    db = db_of(app)
    assert store.visited_pages(db, trainer[0]) == {} and store.submitted_attempts(db, trainer[0]) == []
    assert store.open_attempt(db, trainer[0], "01-sample") is None


# Question analysis pages


def test_the_question_analysis_page_shows_the_figures_and_flags(app, trainer, cohort):
    # Three first attempts: Amina all right (100), Brahim elements and consent (33), Chloé steps only (16).
    for email, name, right, lang in (("amina@example.org", "Amina", {"elements", "consent", "means", "law", "match", "steps"}, "en"),
                                     ("brahim@example.org", "Brahim", {"elements", "consent"}, "fr"),
                                     ("chloe@example.org", "Chloé", {"steps"}, "ar")):
        _, client = learner_in(app, cohort, email, name, lang=lang)
        answer_quiz(client, app, right, lang=lang)
    html = trainer[1].get(f"/en/trainer/cohorts/{cohort}/questions").get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "3 learners have submitted this quiz" in text
    # elements: 2 of 3 (67%); k = round(0.27 x 3) = 1: Amina (right) against Chloé (wrong): D = 1.00.
    assert "1. How many elements make up trafficking of an adult? 67% 2 of 3" in text
    assert "Français : 100% (1)" in text and "العربية : 0% (1)" in text
    # means: Amina only, 33%: flagged. steps: Amina and Chloé, 67%; D = 1 - 1 = 0.
    assert "3. Which are means? Check this question: under 40% correct 33% 1 of 3" in text
    assert "6. Put the steps in order 67% 2 of 3" in text and "1.00" in text and "0.00" in text
    assert 'class="row-flagged"' in html and html.count("Check this question") == 3  # means, law, match
    assert "no idea" in text  # the wrong short answer typed most
    assert '<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img"' in html


def test_question_analysis_for_all_learners_leaves_out_trainers(app, trainer, cohort):
    _, amina = learner_in(app, cohort, "amina@example.org", "Amina")
    answer_quiz(amina, app, {"elements"})
    _, outsider = learner_in(app, None, "out@example.org", "Outsider")
    answer_quiz(outsider, app, set())
    answer_quiz(trainer[1], app, set())  # a trainer trying the quiz is not a learner
    everyone = trainer[1].get("/en/trainer/questions?quiz=01-sample").get_data(as_text=True)
    assert "2 learners have submitted this quiz" in everyone
    own = trainer[1].get(f"/en/trainer/cohorts/{cohort}/questions").get_data(as_text=True)
    assert "1 learner has submitted this quiz" in own
    assert trainer[1].get("/en/trainer/questions?quiz=02-reading").status_code == 404
