"""Reading a quiz's language file into questions with their answer keys.

The answers are read from the token stream as data (`- [x]` is plain text to markdown-it),
so the key never has to pass through HTML.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

from .documents import Section, check_fields, split_document
from .model import Choice, Problem, Question, Quiz
from .pipeline import BODY, RenderContext

_CHOICE = re.compile(r"^\[([ xX])\]\s+(.+)$", re.DOTALL)
_PASS = re.compile(r"^\s*(\d{1,3})\s*%?\s*$")
QUESTION_CLASSES = {"true-false"}


def parse_quiz(text: str, slug: str, lang: str, ctx: RenderContext) -> tuple[Quiz | None, list[Problem]]:
    meta, sections, problems = split_document(text, ctx.path, "h2")
    field_problems = check_fields(meta, ctx.path, {"title": str, "pass": object}, {}) if meta is not None else []
    problems += field_problems
    pass_mark = None
    if meta is not None and meta.get("pass") is not None:
        pass_mark = _pass_mark(meta["pass"])
        if pass_mark is None:
            problems.append(Problem(ctx.path, 1, "front matter: 'pass' must be a percentage from 0 to 100, like 70%"))
    if not sections:
        problems.append(Problem(ctx.path, 1, "a quiz needs at least one question: '## Question? {#question-id}'"))
    questions = []
    for section in sections:
        question, found = parse_question(section, ctx)
        problems += found
        if question:
            questions.append(question)
    if meta is None or field_problems or pass_mark is None or not questions:
        return None, problems
    version = hashlib.sha256(text.encode()).hexdigest()[:12]
    return Quiz(slug, lang, meta["title"], pass_mark, tuple(questions), version, _layout(questions)), problems


def _layout(questions: list[Question]) -> str:
    """A digest of each question's id, kind and options, matches or items as written: what the
    positions in a quiz form point to (course/grading.py, form_layout)."""
    digest = hashlib.blake2b(digest_size=8)
    for question in questions:
        parts = [question.id, question.kind, *(choice.html for choice in question.choices),
                 *(f"{term}\x1f{match}" for term, match in question.pairs), *question.items]
        digest.update("\x1e".join(parts).encode() + b"\x1d")
    return digest.hexdigest()


def _pass_mark(value) -> int | None:
    match = _PASS.match(str(value))
    if match and not isinstance(value, (bool, float)) and 0 <= int(match.group(1)) <= 100:
        return int(match.group(1))
    return None


def parse_question(section: Section, ctx: RenderContext) -> tuple[Question | None, list[Problem]]:
    sub = replace(ctx, line_offset=section.body_offset, doc_id=section.id)
    env = sub.env()
    tokens = BODY.parse(section.body, env)
    problems: list[Problem] = env["problems"]

    def problem(message: str) -> tuple[None, list[Problem]]:
        problems.append(Problem(ctx.path, section.line, f"question '{section.id}': {message}"))
        return None, problems

    for name in section.classes:
        if name not in QUESTION_CLASSES:
            return problem(f"unknown class '.{name}' (known: .true-false)")
    blocks = _top_level_blocks(tokens)
    answers_at = next((n for n, (a, _) in enumerate(blocks) if _is_answers(tokens, a)), None)
    if answers_at is None:
        return problem("no answers: add options '- [x] …', lines '= answer', '- A -> B' or a numbered list")
    start, end = blocks[answers_at]
    render = BODY.renderer.render
    fields = {
        "id": section.id,
        "line": section.line,
        "title_html": BODY.renderInline(section.title, env),
        "prompt_html": render(tokens[: blocks[answers_at][0]], BODY.options, env),
        "explanation_html": render(tokens[end:], BODY.options, env),
    }
    answers = tokens[start:end]
    first = answers[0]
    if first.type == "ordered_list_open":
        items = tuple(BODY.renderInline(text, env) for text, _ in _list_items(answers, env))
        if len(items) < 2:
            return problem("an ordering question needs at least two numbered items")
        question = Question(kind="ordering", items=items, **fields)
    elif first.type == "paragraph_open":
        lines = [line.strip() for line in answers[1].content.splitlines()]
        if not all(line.startswith("=") and line[1:].strip() for line in lines):
            return problem("every short-answer line must read '= answer'")
        question = Question(kind="short", answers=tuple(line[1:].strip() for line in lines), **fields)
    else:
        question, message = _list_question(answers, fields, env, "true-false" in section.classes)
        if message:
            return problem(message)
    if "true-false" in section.classes and question.kind != "true-false":
        return problem("a .true-false question takes two options, '- [x]' or '- [ ]'")
    return question, problems


def _list_question(tokens, fields: dict, env: dict, true_false: bool):
    items = list(_list_items(tokens, env))
    ticks = [_CHOICE.match(text) for text, _ in items]
    if all(ticks):
        choices = tuple(
            Choice(BODY.renderInline(tick.group(2), env), tick.group(1) in "xX", feedback)
            for tick, (_, feedback) in zip(ticks, items, strict=True)
        )
        correct = sum(choice.correct for choice in choices)
        if correct == 0:
            return None, "no correct answer: mark at least one option '- [x]'"
        if len(choices) < 2:
            return None, "a choice question needs at least two options"
        if true_false:
            if len(choices) != 2 or correct != 1:
                return None, "a true/false question needs exactly two options (true, then false) and one '[x]'"
            return Question(kind="true-false", choices=choices, **fields), None
        kind = "single" if correct == 1 else "multiple"
        return Question(kind=kind, choices=choices, **fields), None
    if any(ticks):
        return None, "every option must start with '[ ]' or '[x]'"
    if all("->" in text for text, _ in items):
        pairs = tuple(
            (BODY.renderInline(term.strip(), env), BODY.renderInline(match.strip(), env))
            for term, match in (text.split("->", 1) for text, _ in items)
        )
        if len(pairs) < 2 or not all(term and match for term, match in pairs):
            return None, "a matching question needs at least two lines 'term -> match'"
        return Question(kind="matching", pairs=pairs, **fields), None
    return None, "every matching line must read '- term -> match' (or mark options with '[ ]' / '[x]')"


def _top_level_blocks(tokens) -> list[tuple[int, int]]:
    """(start, end) index ranges of the blocks at the top level of a token stream."""
    blocks, start = [], None
    for i, token in enumerate(tokens):
        if token.level != 0:
            continue
        if token.nesting == 1:
            start = i
        elif token.nesting == -1:
            blocks.append((start, i + 1))
        else:
            blocks.append((i, i + 1))
    return blocks


def _is_answers(tokens, at: int) -> bool:
    token = tokens[at]
    if token.type in ("bullet_list_open", "ordered_list_open"):
        return True
    return token.type == "paragraph_open" and tokens[at + 1].content.startswith("=")


def _list_items(tokens, env: dict):
    """(text of the item's first paragraph, rendered feedback quote) for each item of a list."""
    depth = tokens[0].level + 1
    for i, token in enumerate(tokens):
        if token.type == "list_item_open" and token.level == depth:
            # An empty item ('-' alone) has no text: it must not borrow the next item's.
            inline = next(t for t in tokens[i:] if t.type == "inline" or (t.type == "list_item_close" and t.level == depth))
            yield (inline.content if inline.type == "inline" else ""), _feedback(tokens, i, depth, env)


def _feedback(tokens, item_at: int, depth: int, env: dict) -> str:
    for i in range(item_at + 1, len(tokens)):
        token = tokens[i]
        if token.type == "list_item_close" and token.level == depth:
            return ""
        if token.type == "blockquote_open" and token.level == depth + 1:
            close = next(j for j in range(i, len(tokens)) if tokens[j].type == "blockquote_close" and tokens[j].level == token.level)
            return BODY.renderer.render(tokens[i + 1 : close], BODY.options, env)
    return ""
