"""Loading the whole course from modules/ and quizzes/, and checking it across languages."""

from __future__ import annotations

import re
from itertools import zip_longest
from pathlib import Path

import yaml

from .lessons import parse_glossary, parse_module
from .model import LANGUAGES, Course, Problem
from .pathway import FIELD as PATHWAY_FIELD
from .pathway import check_pathway, read_pathway
from .pipeline import RenderContext
from .quizzes import parse_quiz

MODULE_FOLDER = re.compile(r"^\d\d-[a-z0-9]+(?:-[a-z0-9]+)*$")
GLOSSARY_FOLDER = "glossary"


def load_course(root: Path, labels: dict[str, dict] | None = None, base_url: str = "") -> Course:
    """Read and render every file under root/modules and root/quizzes.

    labels gives, per language, the names of callout kinds; base_url is where the app is
    mounted. Whatever is malformed is left out of the course and listed in course.problems.
    """
    root = Path(root)
    course = Course()
    modules_dir, quizzes_dir = root / "modules", root / "quizzes"

    def context(path: Path, lang: str, **extra) -> RenderContext:
        return RenderContext(
            path=str(path.relative_to(root)),
            glossary_url=f"{base_url}/{lang}/glossary",
            labels=(labels or {}).get(lang),
            **extra,
        )

    _read_course_file(modules_dir / "course.yaml", root, course)
    for lang, path in _language_files(modules_dir / GLOSSARY_FOLDER, root, course, required=True):
        glossary, problems = parse_glossary(_read(path), lang, context(path, lang))
        course.problems += problems
        if glossary:
            course.glossaries[lang] = glossary
    terms = {lang: [(e.id, e.line) for e in g.entries] for lang, g in course.glossaries.items()}
    _compare(course, root, modules_dir / GLOSSARY_FOLDER, terms, "term ids")
    glossary_ids = frozenset(e.id for g in course.glossaries.values() for e in g.entries)

    for folder in _folders(modules_dir, root, course):
        slug = folder.name
        course.slugs.append(slug)
        for lang, path in _language_files(folder, root, course, required=True):
            ctx = context(path, lang, folder=folder, media_url=f"{base_url}/media/{slug}", glossary_ids=glossary_ids)
            module, problems = parse_module(_read(path), slug, lang, ctx)
            course.problems += problems
            if module:
                course.modules.setdefault(slug, {})[lang] = module
        versions = course.modules.get(slug, {})
        _compare(course, root, folder, {lang: [(p.id, p.line) for p in m.pages] for lang, m in versions.items()}, "page ids")

    for folder in _folders(quizzes_dir, root, course):
        slug = folder.name
        if slug not in course.slugs:
            course.problems.append(Problem(_rel(folder, root), 1, f"quiz folder '{slug}' has no module folder of the same name in modules/"))
            continue
        for lang, path in _language_files(folder, root, course, required=True):
            quiz, problems = parse_quiz(_read(path), slug, lang, context(path, lang, glossary_ids=glossary_ids))
            course.problems += problems
            if quiz:
                course.quizzes.setdefault(slug, {})[lang] = quiz
        versions = course.quizzes.get(slug, {})
        _compare(course, root, folder, {lang: [(q.id, q.line) for q in quiz.questions] for lang, quiz in versions.items()}, "question ids")
        keys = {lang: [(q.id, q.answer_key, q.line) for q in quiz.questions] for lang, quiz in versions.items()}
        _compare_keys(course, root, folder, keys)
    course.problems += check_pathway(course)
    course.problems.sort()
    return course


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def _rel(path: Path, root: Path) -> str:
    return str(path.relative_to(root))


def _read_course_file(path: Path, root: Path, course: Course) -> None:
    if not path.is_file():
        course.problems.append(Problem(_rel(path, root), 1, "missing: the course title and description per language"))
        return
    text = _read(path)
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        course.problems.append(Problem(_rel(path, root), mark.line + 1 if mark else 1, f"not valid YAML: {getattr(error, 'problem', error)}"))
        return
    for field in ("title", "description"):
        values = data.get(field) if isinstance(data, dict) else None
        if not isinstance(values, dict) or not all(isinstance(values.get(lang), str) for lang in LANGUAGES):
            course.problems.append(Problem(_rel(path, root), 1, f"'{field}' needs a text for each of {', '.join(LANGUAGES)}"))
            continue
        getattr(course, f"{field}s").update({lang: values[lang] for lang in LANGUAGES})
    if isinstance(data, dict):
        course.pathway, problems = read_pathway(data.get(PATHWAY_FIELD), _rel(path, root), text)
        course.problems += problems


def _folders(parent: Path, root: Path, course: Course) -> list[Path]:
    if not parent.is_dir():
        course.problems.append(Problem(_rel(parent, root), 1, "folder missing"))
        return []
    folders = []
    for folder in sorted(p for p in parent.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if folder.name == GLOSSARY_FOLDER and parent.name == "modules":
            continue
        if not MODULE_FOLDER.match(folder.name):
            course.problems.append(Problem(_rel(folder, root), 1, "folder name must be 'NN-slug' (two digits, lower-case letters, digits, hyphens)"))
            continue
        folders.append(folder)
    return folders


def _language_files(folder: Path, root: Path, course: Course, required: bool):
    for lang in LANGUAGES:
        path = folder / f"{lang}.md"
        if path.is_file():
            yield lang, path
        elif required:
            course.problems.append(Problem(_rel(path, root), 1, f"missing: no {lang} version of {folder.name}"))


def _compare(course: Course, root: Path, folder: Path, located: dict[str, list[tuple[str, int]]], what: str) -> None:
    """Every language must have the ids of the first language present, in the same order.

    The problem points at the first id that differs from the reference language.
    """
    if not located:
        return
    ids = {lang: [i for i, _ in pairs] for lang, pairs in located.items()}
    reference = next(lang for lang in LANGUAGES if lang in ids)
    for lang, found in ids.items():
        if lang == reference or found == ids[reference]:
            continue
        first_diff = next(n for n, (mine, theirs) in enumerate(zip_longest(found, ids[reference])) if mine != theirs)
        line = located[lang][min(first_diff, len(found) - 1)][1] if found else 1
        missing = [i for i in ids[reference] if i not in found]
        extra = [i for i in found if i not in ids[reference]]
        detail = "; ".join(
            part
            for part in (
                f"missing {', '.join(missing)}" if missing else "",
                f"not in {reference}.md: {', '.join(extra)}" if extra else "",
                "same ids in another order" if not missing and not extra else "",
            )
            if part
        )
        path = _rel(folder / f"{lang}.md", root)
        course.problems.append(Problem(path, line, f"{what} differ from {reference}.md: {detail}"))


def _compare_keys(course: Course, root: Path, folder: Path, keys: dict[str, list]) -> None:
    if not keys:
        return
    reference = next(lang for lang in LANGUAGES if lang in keys)
    expected = {question_id: key for question_id, key, _ in keys[reference]}
    for lang, found in keys.items():
        for question_id, key, line in found:
            if lang != reference and question_id in expected and expected[question_id] != key:
                course.problems.append(Problem(
                    _rel(folder / f"{lang}.md", root), line,
                    f"question '{question_id}': answer key differs from {reference}.md "
                    f"({_describe_key(expected[question_id])} there, {_describe_key(key)} here)",
                ))


def _describe_key(key: tuple) -> str:
    kind = key[0]
    if len(key) == 1:
        return kind
    if isinstance(key[1], tuple):
        right = [str(n + 1) for n, correct in enumerate(key[1]) if correct]
        return f"{kind}, {len(key[1])} options, right: {', '.join(right)}"
    return f"{kind}, {key[1]} items"
