"""Profile one benchmarked route in-process with pyinstrument, on the benchmark's database.

    .venv/bin/pip install pyinstrument
    .venv/bin/python -m bench.run --no-report        # makes bench/results/bench.db
    .venv/bin/python -m bench.profile lesson -n 500  # or home, quiz, dashboard

Requests go through Flask's test client (the whole app, without the HTTP server), so the profile
shows where the engine spends its time.
"""

from __future__ import annotations

import argparse
import json
import re
import time

from werkzeug.datastructures import MultiDict

from bench.population import PASSWORD, form_fields, right_responses
from bench.run import RESULTS
from course import store
from course.web import create_app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("route", choices=["lesson", "home", "quiz", "dashboard"])
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--html", help="also write pyinstrument's HTML report here")
    args = parser.parse_args()
    from pyinstrument import Profiler

    population = json.loads((RESULTS / "population.json").read_text())
    db_path = str(RESULTS / "bench.db")
    app = create_app({"DATABASE": db_path, "SECRET_KEY": "profile"})
    course = app.extensions["catalog"].course
    db = store.connection(db_path)
    client = app.test_client()
    if args.route == "dashboard":
        email = population["trainer"]
    else:  # quiz submissions pile up attempts: they come from the last learner, away from the others
        user = population["learners"][-1 if args.route == "quiz" else 0]
        email = db.execute("SELECT email FROM users WHERE id = ?", (user,)).fetchone()[0]
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/fr/signin").get_data(as_text=True)).group(1)
    assert client.post("/fr/signin", data={"csrf_token": token, "email": email, "password": PASSWORD}).status_code == 302
    slugs = [slug for slug in course.slugs if course.module(slug, "fr")]
    quiz_slug = next(slug for slug in slugs if course.quiz(slug, "fr"))
    quiz = course.quiz(quiz_slug, "fr")
    pages = [f"/fr/modules/{slug}/{page.id}" for slug in slugs for page in course.module(slug, "fr").pages]
    user = population["learners"][-1]

    def one(n: int):
        if args.route == "lesson":
            return client.get(pages[n % len(pages)])
        if args.route == "home":
            return client.get("/fr/")
        if args.route == "dashboard":
            return client.get(f"/fr/trainer/cohorts/{population['cohorts'][0]}/")
        attempt = store.start_attempt(db, user, quiz_slug, "fr", quiz.version, n)
        fields = [("csrf_token", token), ("attempt", str(attempt)), *form_fields(quiz, n, right_responses(quiz))]
        return client.post(f"/fr/quizzes/{quiz_slug}", data=MultiDict(fields))

    if args.route == "quiz":
        page = client.get(f"/fr/quizzes/{quiz_slug}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert one(0).status_code in (200, 303)
    profiler = Profiler(interval=0.0005)
    start = time.perf_counter()
    with profiler:
        for n in range(1, args.n + 1):
            one(n)
    elapsed = time.perf_counter() - start
    print(f"{args.route}: {args.n} requests, {elapsed / args.n * 1000:.2f} ms each (in-process, profiled)")
    print(profiler.output_text(unicode=True, color=False, show_all=False))
    if args.html:
        with open(args.html, "w") as out:
            out.write(profiler.output_html())


if __name__ == "__main__":
    main()
