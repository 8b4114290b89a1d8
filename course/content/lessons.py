"""Reading a module's language file, and the glossary, into the content model."""

from __future__ import annotations

from dataclasses import replace

from .documents import check_fields, split_document
from .model import Glossary, GlossaryEntry, Module, Page, Problem
from .pipeline import RenderContext, render_body

MODULE_FIELDS = {"title": str, "summary": str, "minutes": int, "objectives": list}
MODULE_OPTIONAL = {"job_aid": str}


def parse_module(text: str, slug: str, lang: str, ctx: RenderContext) -> tuple[Module | None, list[Problem]]:
    meta, sections, problems = split_document(text, ctx.path, "h1")
    field_problems = check_fields(meta, ctx.path, MODULE_FIELDS, MODULE_OPTIONAL) if meta is not None else []
    problems += field_problems
    if not sections:
        problems.append(Problem(ctx.path, 1, "a module needs at least one page: '# Title {#page-id}'"))
    pages = []
    for section in sections:
        html, found = render_body(section.body, replace(ctx, line_offset=section.body_offset, doc_id=section.id, doc_title=section.title))
        problems += found
        pages.append(Page(section.id, section.title, html, section.line))
    if meta is None or field_problems or not pages:
        return None, problems
    job_aid = meta.get("job_aid")
    if job_aid and job_aid not in {page.id for page in pages}:
        problems.append(Problem(ctx.path, 1, f"front matter: job_aid '{job_aid}' names no page of this module"))
        job_aid = None
    module = Module(
        slug=slug,
        lang=lang,
        title=meta["title"],
        summary=meta["summary"],
        minutes=meta["minutes"],
        objectives=tuple(meta["objectives"]),
        pages=tuple(pages),
        job_aid=job_aid,
    )
    return module, problems


def parse_glossary(text: str, lang: str, ctx: RenderContext) -> tuple[Glossary | None, list[Problem]]:
    meta, sections, problems = split_document(text, ctx.path, "h2")
    field_problems = check_fields(meta, ctx.path, {"title": str}, {}) if meta is not None else []
    problems += field_problems
    entries = []
    for section in sections:
        html, found = render_body(section.body, replace(ctx, line_offset=section.body_offset, doc_id=section.id))
        problems += found
        if not section.body.strip():
            problems.append(Problem(ctx.path, section.line, f"glossary term '{section.id}' has no definition"))
        entries.append(GlossaryEntry(section.id, section.title, html, section.line))
    if meta is None or field_problems:
        return None, problems
    return Glossary(lang, meta["title"], tuple(entries)), problems
