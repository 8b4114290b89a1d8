"""What a trainer meets when writing the course: files in other encodings, byte-order marks, and
a broken file while the course is served for preview."""

import html
import logging
import re
import shutil

import pytest

from course import store
from course.content import load_course
from course.web import create_app
from tests.conftest import FIXTURE
from tests.people import make_user, signed_in


@pytest.fixture
def course_dir(tmp_path):
    root = tmp_path / "course"
    shutil.copytree(FIXTURE, root)
    return root


def test_a_lesson_saved_in_windows_1256_is_reported_at_its_line_and_byte(course_dir, tmp_path):
    path = course_dir / "modules/01-sample/ar.md"
    text = path.read_text(encoding="utf-8")
    data = text.encode("cp1256")
    path.write_bytes(data)
    first_arabic = next(n for n, line in enumerate(text.splitlines(), 1) if re.search("[\u0600-\u06ff]", line))
    problems = [str(p) for p in load_course(course_dir).problems]
    found = [p for p in problems if p.startswith("modules/01-sample/ar.md:")]
    assert found == [p for p in found if "not UTF-8" in p] and len(found) == 1, problems
    assert found[0].startswith(f"modules/01-sample/ar.md:{first_arabic}: not UTF-8 (byte "), problems
    byte = int(re.search(r"byte (\d+)", found[0]).group(1))
    assert data[byte] >= 0x80 and data[:byte].count(b"\n") + 1 == first_arabic  # the byte an editor can go to

    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "a.db"), "CONTENT_ROOT": str(course_dir)})
    result = app.test_cli_runner().invoke(args=["course", "check"])
    store.close_connection()
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert f"modules/01-sample/ar.md:{first_arabic}: not UTF-8" in result.output


def test_a_file_with_a_utf8_byte_order_mark_is_read_like_any_other(course_dir):
    before = [str(p) for p in load_course(course_dir).problems]
    for relative in ("modules/01-sample/ar.md", "quizzes/01-sample/en.md", "modules/course.yaml"):
        path = course_dir / relative
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    course = load_course(course_dir)
    assert [str(p) for p in course.problems] == before
    assert course.modules["01-sample"]["ar"].pages[0].id == "elements"


def test_a_broken_file_while_serving_shows_trainers_file_line_reason_and_the_log(course_dir, tmp_path, caplog):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "DATABASE": str(tmp_path / "a.db"), "CONTENT_ROOT": str(course_dir),
                      "CONTENT_AUTO_RELOAD": True})
    make_user(app, "trainer@example.org", "Tarik Trainer", role="trainer")
    make_user(app, "amina@example.org", "Amina Benali")
    trainer, learner = signed_in(app, "trainer@example.org"), signed_in(app, "amina@example.org")
    assert trainer.get("/en/trainer/preview/01-sample/").status_code == 200
    path = course_dir / "modules/01-sample/en.md"
    path.write_text(path.read_text(encoding="utf-8").replace("# Checklist {#checklist}", "# Checklist"), encoding="utf-8")
    expected = load_course(course_dir).problems
    assert expected
    with caplog.at_level(logging.WARNING):
        page = trainer.get("/en/trainer/preview/").get_data(as_text=True)
    visible = html.unescape(re.sub(r"<[^>]+>", "", page))
    for problem in expected:
        assert str(problem) in visible
        assert str(problem) in caplog.text
    assert "modules/01-sample/en.md" not in learner.get("/en/").get_data(as_text=True)
    store.close_connection()
