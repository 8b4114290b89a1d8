"""Helpers shared by the tests: forms as a browser would fill them."""

import re

from course.grading import display_order, field_name, form_layout


def csrf_token(client, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_up(client, lang="en", email="amina@example.org", name="Amina Benali", password="correct horse battery", code=""):
    token = csrf_token(client, f"/{lang}/signup")
    return client.post(f"/{lang}/signup", data={
        "csrf_token": token, "name": name, "email": email, "password": password, "join_code": code,
    })


def sign_in(client, email, password, lang="en"):
    token = csrf_token(client, f"/{lang}/signin")
    return client.post(f"/{lang}/signin", data={"csrf_token": token, "email": email, "password": password})


def quiz_form(quiz, seed: int, right: bool = True) -> dict:
    """Form fields answering every question of quiz as the page would send them."""
    form = {"layout": form_layout(quiz)}
    for question in quiz.questions:
        order = display_order(question, seed)
        name = field_name(question)
        if question.kind in ("single", "true-false"):
            target = next(n for n, c in enumerate(question.choices) if c.correct == right)
            form[name] = str(order.index(target))
        elif question.kind == "multiple":
            targets = [n for n, c in enumerate(question.choices) if c.correct] if right else [0]
            if not right and question.choices[0].correct:
                targets = [n for n, c in enumerate(question.choices) if not c.correct]
            form[name] = [str(order.index(t)) for t in targets]
        elif question.kind == "short":
            form[name] = question.answers[0] if right else "no idea"
        elif question.kind == "matching":
            for term in range(len(question.pairs)):
                match = term if right else (term + 1) % len(question.pairs)
                form[field_name(question, term)] = str(order.index(match))
        elif question.kind == "ordering":
            for shown, item in enumerate(order):
                position = item if right else (item + 1) % len(order)
                form[field_name(question, shown)] = str(position)
    return form
