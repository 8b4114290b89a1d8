"""Cutting a content file into its front matter and its sections (pages, questions, entries)."""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from .model import Problem
from .pipeline import ID_PATTERN, OUTLINE


@dataclass(frozen=True)
class Section:
    id: str
    classes: tuple[str, ...]
    title: str
    line: int  # 1-based line of the heading
    body: str
    body_offset: int  # 0-based index of the body's first line in the file


def split_document(text: str, path: str, tag: str) -> tuple[dict | None, list[Section], list[Problem]]:
    """Read the front matter, then cut the text at each top-level heading of `tag` (h1, h2).

    A heading without a well-formed `{#id}`, a repeated id, or text before the first
    heading is a problem; the sections that are well formed are returned all the same.
    """
    problems: list[Problem] = []
    tokens = OUTLINE.parse(text, {})
    lines = text.splitlines()
    meta = _front_matter(tokens, path, problems)
    level_char = "#" * int(tag[1])
    # Each heading with the inline token that follows it (its text). Tokens are dataclasses, so
    # tokens.index() would compare them field by field: found by position instead.
    headings = [(t, tokens[n + 1]) for n, t in enumerate(tokens) if t.type == "heading_open" and t.tag == tag and t.level == 0]
    first_line = headings[0][0].map[0] if headings else len(lines)
    for token in tokens:
        if token.level == 0 and token.map and token.type != "front_matter" and token.map[0] < first_line:
            problems.append(Problem(path, token.map[0] + 1, f"text before the first '{level_char} Title {{#id}}' heading"))
            break
    sections: list[Section] = []
    seen: set[str] = set()
    for n, (heading, inline) in enumerate(headings):
        line = heading.map[0] + 1
        start = heading.map[1]
        end = headings[n + 1][0].map[0] if n + 1 < len(headings) else len(lines)
        anchor = heading.meta.get("id")
        if anchor is None:
            problems.append(Problem(path, line, f"heading has no id: write '{level_char} {inline.content} {{#some-id}}'"))
            continue
        if not ID_PATTERN.match(anchor):
            problems.append(Problem(path, line, f"id '{anchor}' must be lower-case letters, digits and hyphens"))
            continue
        if anchor in seen:
            problems.append(Problem(path, line, f"id '{anchor}' is used twice"))
            continue
        seen.add(anchor)
        body = "\n".join(lines[start:end])
        sections.append(Section(anchor, heading.meta.get("classes", ()), inline.content, line, body, start))
    return meta, sections, problems


def _front_matter(tokens, path: str, problems: list[Problem]) -> dict | None:
    if not tokens or tokens[0].type != "front_matter":
        problems.append(Problem(path, 1, "missing front matter: the file must start with a '---' block"))
        return None
    try:
        meta = yaml.safe_load(tokens[0].content)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(error, "problem", None) or str(error)
        problems.append(Problem(path, line, f"front matter is not valid YAML: {reason}"))
        return None
    if not isinstance(meta, dict):
        problems.append(Problem(path, 1, "front matter must be a list of 'field: value' lines"))
        return None
    return meta


def check_fields(meta: dict, path: str, required: dict[str, type], optional: dict[str, type]) -> list[Problem]:
    """Report missing, unknown and mistyped front matter fields."""
    problems = []
    for name in required:
        if name not in meta or meta[name] in (None, ""):
            problems.append(Problem(path, 1, f"front matter: '{name}' is required"))
    for name, value in meta.items():
        kind = required.get(name) or optional.get(name)
        if kind is None:
            known = ", ".join([*required, *optional])
            problems.append(Problem(path, 1, f"front matter: unknown field '{name}' (expected {known})"))
        elif value is not None and not _is_of(value, kind):
            problems.append(Problem(path, 1, f"front matter: '{name}' must be {_describe(kind)}"))
    return problems


def _is_of(value, kind) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool) and value > 0
    if kind is list:
        return isinstance(value, list) and bool(value) and all(isinstance(v, str) and v.strip() for v in value)
    return isinstance(value, kind)


def _describe(kind) -> str:
    return {int: "a whole number above 0", list: "a list of lines starting with '- '", str: "text"}[kind]
