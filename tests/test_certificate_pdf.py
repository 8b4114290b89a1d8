"""The PDF certificate as it is drawn: every character of the holder's name and of the code inside
the page and inside the frame, whatever the name and the language; a tagged PDF that says its
language; and the text a reader gets out of it. Page 1 of each is saved as a PNG under
artifacts/certificates/ for a person to look at.

Text extraction ignores where a character is drawn, so positions are read from the PDF with
pdfplumber: WeasyPrint once laid an Arabic certificate's name out past the page's right edge."""

import html
import io
import re
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from course import store
from course.web.certificates import display_code
from tests.people import complete_course, db_of, learner_in

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts" / "certificates"
NAMES = {
    "arabic-short": "عائشة",
    "latin-short": "Li Na",
    "arabic-long": "عائشة بنت عبد الرحمن الإدريسي الحسني من مدينة الدار البيضاء",
    "latin-long": "Maria Fernanda de los Ángeles Rodríguez-Villanueva y Castell",
}
NAME_SIZE = 26  # the name's size in points (certificate.css): the only text of that size
FRAME_WIDTH_MIN = 3  # the frame is the widest rectangle drawn, at least this many points inside the page


@pytest.fixture
def graduate(app):
    user_id, client = learner_in(app, None, "aicha@example.org", NAMES["arabic-short"], lang="ar")
    complete_course(client, app, lang="ar")
    assert client.get("/ar/certificate").status_code == 200
    return user_id, client


def frame_of(page) -> tuple[float, float, float, float]:
    """The certificate's border: the largest rectangle drawn on the page."""
    boxes = [(r["x0"], r["top"], r["x1"], r["bottom"]) for r in page.rects]
    return max(boxes, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))


def outside(chars, left, top, right, bottom) -> list[str]:
    return [f"{c['text']!r} at x {c['x0']:.0f}-{c['x1']:.0f}, y {c['top']:.0f}-{c['bottom']:.0f}"
            for c in chars if c["x0"] < left or c["x1"] > right or c["top"] < top or c["bottom"] > bottom]


@pytest.mark.parametrize("name_kind", NAMES)
@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_every_character_of_the_name_and_code_is_drawn_inside_the_page_and_the_frame(app, graduate, name_kind, lang):
    user_id, client = graduate
    store.rename_user(db_of(app), user_id, NAMES[name_kind])
    response = client.get(f"/{lang}/certificate.pdf")
    assert response.status_code == 200
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with pdfplumber.open(io.BytesIO(response.get_data())) as pdf:
        assert len(pdf.pages) == 1
        page = pdf.pages[0]
        page.to_image(resolution=60).save(ARTIFACTS / f"certificate-{lang}-{name_kind}.png")
        assert page.width > page.height  # A4 landscape
        frame = frame_of(page)
        assert frame[0] >= FRAME_WIDTH_MIN and frame[2] <= page.width - FRAME_WIDTH_MIN, frame
        name = [c for c in page.chars if round(c["size"]) == NAME_SIZE and c["text"].strip()]
        code = [c for c in page.chars if "Mono" in c["fontname"] and c["text"].strip()]
        # Every letter of the name is drawn (a ligature may draw two letters as one glyph).
        letters = len(NAMES[name_kind].replace(" ", ""))
        assert letters * 0.8 <= len(name) <= letters, (len(name), letters)
        assert "".join(c["text"] for c in code).replace("-", "") == store.certificate_of_user(db_of(app), user_id)["code"]
        for what, chars in (("name", name), ("code", code)):
            assert not outside(chars, 0, 0, page.width, page.height), f"{what} off the page: {outside(chars, 0, 0, page.width, page.height)}"
            assert not outside(chars, *frame), f"{what} outside the frame {frame}: {outside(chars, *frame)}"


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_the_pdf_is_tagged_with_its_language_and_its_text_reads_as_written(app, graduate, lang):
    user_id, client = graduate
    reader = PdfReader(io.BytesIO(client.get(f"/{lang}/certificate.pdf").get_data()))
    catalog = reader.trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in catalog  # tagged (PDF/UA)
    assert catalog["/Lang"] == lang
    text = reader.pages[0].extract_text()
    assert app.extensions["catalog"].course.title(lang) in text
    # The sentence under the name, word for word as the HTML certificate writes it: in Arabic its
    # lam-alef ligatures («لإتمام») come out as two letters in logical order, not «إلتمام».
    sheet = client.get(f"/{lang}/certificate").get_data(as_text=True)
    sentence = html.unescape(re.sub(r"<[^>]+>", "", re.search(r'<p class="certificate-text">(.*?)</p>', sheet).group(1)))
    missing = [word for word in sentence.split() if word.strip("“”«».,") not in text]
    assert not missing, (missing, text)
    assert NAMES["arabic-short"] in text
    assert display_code(store.certificate_of_user(db_of(app), user_id)["code"]) in text
