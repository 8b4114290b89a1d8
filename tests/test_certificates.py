"""Certificates: issued on completion, HTML and PDF in the learner's language, verified by anyone,
revoked by a trainer of the learner's cohort or an administrator."""

import io
import re

import pytest
from pypdf import PdfReader

from course import store
from course.web.certificates import display_code, new_code, normalise_code
from tests.helpers import csrf_token
from tests.people import answer_quiz, complete_course, db_of, learner_in, make_cohort, make_user, read, signed_in


@pytest.fixture
def trainer(app):
    user_id = make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    return user_id, signed_in(app, "trainer@example.org")


@pytest.fixture
def cohort(app, trainer):
    return make_cohort(app, trainer[0])


@pytest.fixture
def graduate(app, cohort):
    """A learner of the cohort who completed the course in Arabic."""
    user_id, client = learner_in(app, cohort, "aicha@example.org", "عائشة الإدريسي", lang="ar")
    complete_course(client, app, lang="ar")
    return user_id, client


def code_in(html: str) -> str:
    return normalise_code(re.search(r'class="certificate-code" dir="ltr">([A-Z2-7-]+)<', html).group(1))


def test_codes_are_random_80_bit_base32():
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200 and all(re.fullmatch(r"[A-Z2-7]{16}", c) for c in codes)
    assert display_code("ABCDEFGHJKLMNPQR") == "ABCD-EFGH-JKLM-NPQR"
    assert normalise_code(" abcd-efgh jklm-npqr ") == "ABCDEFGHJKLMNPQR"
    assert normalise_code("0O1I8B") == "OOIIBB"  # digits that look like letters base32 does not use


def test_no_certificate_before_the_course_is_complete(app, learner):
    read(learner, ["01-sample/elements", "01-sample/checklist"])
    html = learner.get("/en/certificate").get_data(as_text=True)
    assert "Still to complete" in html and "Further reading" in html and "quiz not passed yet" in html
    assert learner.get("/en/certificate.pdf").status_code == 404
    assert store.certificate_of_user(db_of(app), store.user_by_email(db_of(app), "amina@example.org")["id"]) is None
    assert "You have completed the course" not in learner.get("/en/progress").get_data(as_text=True)


def test_the_certificate_is_issued_once_on_completion(app, graduate):
    user_id, client = graduate
    progress = client.get("/ar/progress").get_data(as_text=True)
    assert 'لقد أتممت الدورة. <a href="/ar/certificate">اطّلع على شهادتك</a>' in progress
    html = client.get("/ar/certificate").get_data(as_text=True)
    certificate = store.certificate_of_user(db_of(app), user_id)
    assert certificate["code"] == code_in(html)
    assert "عائشة الإدريسي" in html and 'dir="rtl"' in html and "دورة تجريبية" in html
    assert "data:image/svg+xml" in html  # the QR code, inline: nothing fetched from elsewhere
    assert f"http://localhost/ar/verify/{certificate['code']}" in html  # the absolute address the QR code holds
    assert [m["score"] for m in certificate["modules"]] == [100, None]
    client.get("/ar/certificate")
    assert store.certificate_of_user(db_of(app), user_id)["code"] == certificate["code"]  # idempotent


def test_the_completion_date_is_when_the_last_module_was_completed(app, cohort):
    user_id, client = learner_in(app, cohort, "late@example.org", "Late Learner")
    complete_course(client, app)
    db = db_of(app)
    # Later activity (a re-take, a re-read) does not move the completion date.
    answer_quiz(client, app, right=set())
    html = client.get("/en/certificate").get_data(as_text=True)
    certificate = store.certificate_of_user(db, user_id)
    passing = min(a["submitted_at"] for a in store.submitted_attempts(db, user_id) if a["passed"])
    visits = max(v["first_seen"] for v in store.user_visits(db, user_id))
    assert certificate["completed_at"] == max(passing, visits)
    assert "has completed every module" in html


def test_the_pdf_opens_and_contains_the_name_and_the_code(app, graduate):
    _, client = graduate
    response = client.get("/ar/certificate.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(response.get_data()))
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    assert float(page.mediabox.width) > float(page.mediabox.height)  # A4 landscape
    text = page.extract_text()
    code = store.certificate_of_user(db_of(app), graduate[0])["code"]
    assert display_code(code) in text
    assert "الإدريسي" in text or "يسيردإلا" in text  # extracted in logical or visual order


def test_the_pdf_in_french_has_the_french_titles(app, cohort):
    _, client = learner_in(app, cohort, "zoe@example.org", "Zoé Lefèvre", lang="fr")
    complete_course(client, app, lang="fr")
    text = PdfReader(io.BytesIO(client.get("/fr/certificate.pdf").get_data())).pages[0].extract_text()
    assert "Zoé Lefèvre" in text and "Cours d'essai" in text and "La définition" in text


def test_the_verification_page_says_valid_with_the_name_and_date_only(app, graduate, client):
    code = store.certificate_of_user(db_of(app), graduate[0])["code"]
    response = client.get(f"/en/verify/{code}")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Valid" in html and "عائشة الإدريسي" in html
    assert "aicha@example.org" not in html and "100%" not in html  # nothing more: no e-mail, no scores
    assert '<meta name="robots" content="noindex">' in html


def test_verification_accepts_a_code_as_typed_and_a_url_without_language(app, graduate, client):
    code = store.certificate_of_user(db_of(app), graduate[0])["code"]
    typed = client.get(f"/fr/verify?code={display_code(code).lower()}")
    assert typed.status_code == 302 and typed.headers["Location"].endswith(f"/fr/verify/{code}")
    assert client.get(f"/fr/verify/{display_code(code)}").status_code == 301
    bare = app.test_client().get(f"/verify/{code}", headers={"Accept-Language": "ar"})
    assert bare.status_code == 302 and bare.headers["Location"].endswith(f"/ar/verify/{code}")


def test_an_unknown_code_says_so_clearly(client):
    response = client.get("/en/verify/AAAAAAAAAAAAAAAA")
    assert response.status_code == 404 and "No certificate has the code" in response.get_data(as_text=True)
    escaped = client.get("/en/verify/%3Cscript%3E").get_data(as_text=True)
    assert "<script>" not in escaped


def test_a_trainer_revokes_with_a_reason_and_the_learner_keeps_their_records(app, trainer, cohort, graduate, client):
    user_id, learner = graduate
    learner.get("/ar/certificate")
    certificate = store.certificate_of_user(db_of(app), user_id)
    url = f"/en/trainer/cohorts/{cohort}/learners/{user_id}"
    token = csrf_token(trainer[1], url)
    missing = trainer[1].post(f"/en/trainer/certificates/{certificate['id']}/revoke", data={"csrf_token": token, "cohort": cohort, "reason": " "})
    assert missing.status_code == 400
    response = trainer[1].post(f"/en/trainer/certificates/{certificate['id']}/revoke", data={
        "csrf_token": token, "cohort": cohort, "reason": "Identity fraud at the exam"})
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    revoked = store.certificate_of_user(db_of(app), user_id)
    assert revoked["revoked_by"] == trainer[0] and revoked["revoke_reason"] == "Identity fraud at the exam"
    public = client.get(f"/en/verify/{certificate['code']}").get_data(as_text=True)
    assert "Revoked" in public and "عائشة الإدريسي" in public and "Identity fraud" not in public
    assert "Identity fraud at the exam" in trainer[1].get(url).get_data(as_text=True)
    # The learner keeps their progress and attempts; the certificate is no longer offered as valid.
    assert len(store.submitted_attempts(db_of(app), user_id)) == 1 and store.visited_pages(db_of(app), user_id)
    assert "revoked" in learner.get("/en/certificate").get_data(as_text=True)
    assert learner.get("/en/certificate.pdf").status_code == 403


def test_revoking_is_for_the_learners_trainer_or_an_admin(app, graduate, cohort):
    user_id, learner = graduate
    learner.get("/en/certificate")
    certificate = store.certificate_of_user(db_of(app), user_id)
    url = f"/en/trainer/certificates/{certificate['id']}/revoke"
    make_user(app, "other@example.org", "Other Trainer", role="trainer")
    other = signed_in(app, "other@example.org")
    token = csrf_token(other, "/en/trainer/")
    assert other.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403
    token = csrf_token(learner, "/en/profile")
    assert learner.post(url, data={"csrf_token": token, "reason": "x"}).status_code == 403
    assert store.certificate_of_user(db_of(app), user_id)["revoked_at"] is None
    make_user(app, "admin@example.org", "Ada Admin", role="admin")
    admin = signed_in(app, "admin@example.org")
    token = csrf_token(admin, "/en/trainer/")
    assert admin.post(url, data={"csrf_token": token, "reason": "Duplicate account"}).status_code == 303
    assert store.certificate_of_user(db_of(app), user_id)["revoked_at"] is not None


def test_revoking_needs_the_csrf_token(app, trainer, graduate):
    graduate[1].get("/en/certificate")
    certificate = store.certificate_of_user(db_of(app), graduate[0])
    assert trainer[1].post(f"/en/trainer/certificates/{certificate['id']}/revoke", data={"reason": "x"}).status_code == 400
    assert store.certificate_of_user(db_of(app), graduate[0])["revoked_at"] is None


def test_the_qr_address_uses_the_public_url_when_set(app, graduate):
    app.config["PUBLIC_URL"] = "https://course.example.org/"
    html = graduate[1].get("/fr/certificate").get_data(as_text=True)
    code = store.certificate_of_user(db_of(app), graduate[0])["code"]
    assert f"https://course.example.org/fr/verify/{code}" in html


def test_a_revocation_made_in_error_is_undone_and_both_stay_in_the_history(app, trainer, cohort, graduate, client):
    user_id, learner = graduate
    learner.get("/en/certificate")
    certificate = store.certificate_of_user(db_of(app), user_id)
    url = f"/en/trainer/cohorts/{cohort}/learners/{user_id}"
    token = csrf_token(trainer[1], url)
    base = f"/en/trainer/certificates/{certificate['id']}"
    trainer[1].post(f"{base}/revoke", data={"csrf_token": token, "cohort": cohort, "reason": "Taken by someone else"})
    missing = trainer[1].post(f"{base}/reinstate", data={"csrf_token": token, "cohort": cohort, "reason": ""})
    assert missing.status_code == 400 and "Give the reason for reinstating" in missing.get_data(as_text=True)
    assert store.certificate_of_user(db_of(app), user_id)["revoked_at"] is not None
    response = trainer[1].post(f"{base}/reinstate", data={"csrf_token": token, "cohort": cohort, "reason": "Wrong learner: it was her namesake"})
    assert response.status_code == 303 and response.headers["Location"].endswith(url)
    reinstated = store.certificate_of_user(db_of(app), user_id)
    assert (reinstated["revoked_at"], reinstated["revoked_by"], reinstated["revoke_reason"]) == (None, None, None)
    assert reinstated["code"] == certificate["code"]
    assert "Valid" in client.get(f"/en/verify/{certificate['code']}").get_data(as_text=True)
    assert learner.get("/en/certificate.pdf").status_code == 200
    history = store.certificate_history(db_of(app), certificate["id"])
    assert [(e["action"], e["reason"], e["by_name"]) for e in history] == [
        ("revoked", "Taken by someone else", "Tarik Trainer"), ("reinstated", "Wrong learner: it was her namesake", "Tarik Trainer")]
    page = trainer[1].get(url).get_data(as_text=True)
    assert "Reinstated on" in page and "Wrong learner: it was her namesake" in page and "Taken by someone else" in page
    assert "Revoke the certificate" in page  # and it can be revoked again
    again = trainer[1].post(f"{base}/reinstate", data={"csrf_token": token, "cohort": cohort, "reason": "Twice"})
    assert again.status_code == 303 and len(store.certificate_history(db_of(app), certificate["id"])) == 2


def test_reinstating_is_for_the_learners_trainer_or_an_admin(app, trainer, graduate, cohort):
    user_id, learner = graduate
    learner.get("/en/certificate")
    certificate = store.certificate_of_user(db_of(app), user_id)
    store.revoke_certificate(db_of(app), certificate["id"], trainer[0], "Checking")
    url = f"/en/trainer/certificates/{certificate['id']}/reinstate"
    make_user(app, "other@example.org", "Other Trainer", role="trainer")
    other = signed_in(app, "other@example.org")
    assert other.post(url, data={"csrf_token": csrf_token(other, "/en/trainer/"), "reason": "x"}).status_code == 403
    assert learner.post(url, data={"csrf_token": csrf_token(learner, "/en/profile"), "reason": "x"}).status_code == 403
    assert trainer[1].post(url, data={"reason": "x"}).status_code == 400  # no CSRF token
    assert store.certificate_of_user(db_of(app), user_id)["revoked_at"] is not None


def test_a_name_corrected_by_an_admin_is_on_the_certificate_and_in_its_history(app, trainer, cohort, graduate, client):
    user_id, learner = graduate
    learner.get("/ar/certificate")
    certificate = store.certificate_of_user(db_of(app), user_id)
    make_user(app, "admin@example.org", "Ada Admin", role="admin")
    admin = signed_in(app, "admin@example.org")
    token = csrf_token(admin, "/en/admin/users")
    response = admin.post(f"/en/admin/users/{user_id}/name", data={"csrf_token": token, "name": "  عائشة الإدريسي العلوي "})
    assert response.status_code == 303
    flashed = admin.get("/en/admin/users").get_data(as_text=True)
    assert "on their certificate too" in flashed
    corrected = store.certificate_of_user(db_of(app), user_id)
    assert corrected["holder_name"] == "عائشة الإدريسي العلوي" and corrected["code"] == certificate["code"]
    assert corrected["completed_at"] == certificate["completed_at"] and corrected["revoked_at"] is None
    assert "عائشة الإدريسي العلوي" in client.get(f"/en/verify/{certificate['code']}").get_data(as_text=True)
    assert "عائشة الإدريسي العلوي" in learner.get("/ar/certificate").get_data(as_text=True)
    page = trainer[1].get(f"/en/trainer/cohorts/{cohort}/learners/{user_id}").get_data(as_text=True)
    assert "Name corrected on" in page and "by Ada Admin: عائشة الإدريسي → عائشة الإدريسي العلوي" in page


def test_a_name_correction_needs_an_admin_a_name_and_the_csrf_token(app, trainer, graduate):
    user_id, learner = graduate
    learner.get("/ar/certificate")
    make_user(app, "admin@example.org", "Ada Admin", role="admin")
    admin = signed_in(app, "admin@example.org")
    token = csrf_token(admin, "/en/admin/users")
    url = f"/en/admin/users/{user_id}/name"
    assert trainer[1].post(url, data={"csrf_token": csrf_token(trainer[1], "/en/profile"), "name": "X"}).status_code == 403
    assert admin.post(url, data={"name": "No token"}).status_code == 400
    empty = admin.post(f"/fr/admin/users/{user_id}/name", data={"csrf_token": token, "name": "   "})
    assert empty.status_code == 400 and "Saisissez un nom" in empty.get_data(as_text=True)
    assert admin.post(url, data={"csrf_token": token, "name": "x" * 201}).status_code == 400
    assert admin.post("/en/admin/users/999999/name", data={"csrf_token": token, "name": "Nobody"}).status_code == 404
    assert store.user_by_id(db_of(app), user_id)["name"] == "عائشة الإدريسي"
    assert store.certificate_of_user(db_of(app), user_id)["holder_name"] == "عائشة الإدريسي"
    assert store.certificate_history(db_of(app), store.certificate_of_user(db_of(app), user_id)["id"]) == []
