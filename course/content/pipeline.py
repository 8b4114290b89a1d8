"""The one place Markdown is configured: markdown-it-py with the plugins lessons need.

Raw HTML is off, so a lesson can never inject markup. Our own rules read the trailing
`{#id .class}` of headings, render callouts as labelled boxes, point glossary links and
images at their routes, and report what is wrong (as Problems in env) while rendering.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.anchors import anchors_plugin
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .model import Problem

# Callout name -> whether the title after the name is required.
CALLOUTS = {
    "key-point": False,
    "case-study": True,
    "legal-text": True,
    "warning": False,
    "consular-practice": False,
    "discussion": False,
}

DEFAULT_LABELS = {
    "key-point": "Key point",
    "case-study": "Case study",
    "legal-text": "Legal text",
    "warning": "Warning",
    "consular-practice": "Consular practice",
    "discussion": "Discussion",
    "table": "Table",
    "table-scrolls": "Scroll sideways to see every column.",
}

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DIGIT = "0-9\u0660-\u0669\u06f0-\u06f9"
# A number with separators: a law or article number (27-14, 448-1), a year range (2023-2030), a
# date, a code, a phone number (+212 5 37 00 00 00, 0800 00 47 47) or thousands (50 000). After
# Arabic letters the Unicode bidi algorithm lays such a number out right to left ("14-27"), and
# a line may break at its hyphen; it is shown as one left-to-right run that never breaks.
NUMERAL = re.compile(
    rf"\+?[{_DIGIT}]+(?:(?:[-\u2010\u2011\u2013/.:]|[ \u00a0\u202f](?=[{_DIGIT}]{{2,3}}(?![{_DIGIT}])))[{_DIGIT}]+)+"
)
NUMERAL_OPEN = '<bdi dir="ltr" class="num">'
NUMERAL_CLOSE = "</bdi>"
_TRAILING_ATTRS = re.compile(r"\s*\{\s*#([^\s}]*)((?:\s+\.[^\s}]+)*)\s*\}\s*$")
_EXTERNAL = re.compile(r"^[a-z][a-z0-9+.-]*:|^//", re.IGNORECASE)


@dataclass
class RenderContext:
    """What a render needs to know about where the text comes from and where it goes."""

    path: str
    line_offset: int = 0
    folder: Path | None = None
    media_url: str = ""
    glossary_url: str = ""
    glossary_ids: frozenset[str] | None = None
    labels: dict | None = None
    doc_id: str = ""
    doc_title: str = ""  # the page's title: what a table under no heading of its own is named after
    lang: str = ""  # the language the text is written in

    def env(self) -> dict:
        return {"ctx": self, "problems": [], "docId": self.doc_id}


def report(env: dict, token: Token, message: str) -> None:
    ctx: RenderContext = env["ctx"]
    line = token.map[0] if token.map else 0
    env["problems"].append(Problem(ctx.path, ctx.line_offset + line + 1, message))


def trailing_attrs(text: str) -> tuple[str, str | None, tuple[str, ...]]:
    """Split 'Title {#id .class}' into ('Title', 'id', ('class',)); id is None when absent."""
    match = _TRAILING_ATTRS.search(text)
    if not match:
        return text.strip(), None, ()
    classes = tuple(c.lstrip(".") for c in match.group(2).split())
    return text[: match.start()].strip(), match.group(1), classes


def _heading_ids(state) -> None:
    for i, token in enumerate(state.tokens):
        if token.type != "heading_open":
            continue
        inline = state.tokens[i + 1]
        title, anchor, classes = trailing_attrs(inline.content)
        if anchor is None:
            continue
        inline.content = title
        token.meta["id"] = anchor
        token.meta["classes"] = classes
        if anchor:
            token.attrSet("id", anchor)


def _is_callout_opening(params: str, markup: str) -> bool:
    return bool(params.strip())


def _check_callouts(state) -> None:
    """Pair callout open and close tokens and report unknown, untitled or unclosed ones."""
    stack: list[Token] = []
    for token in state.tokens:
        if token.type == "container_callout_open":
            name, _, title = token.info.strip().partition(" ")
            if name not in CALLOUTS:
                report(state.env, token, f"unknown callout '{name}' (known: {', '.join(CALLOUTS)})")
            elif CALLOUTS[name] and not title.strip():
                report(state.env, token, f"callout '{name}' needs a title after its name")
            stack.append(token)
        elif token.type == "container_callout_close":
            opening = stack.pop()
            token.info = opening.info
            if not token.markup:
                report(state.env, opening, f"callout '{opening.info.split()[0]}' is never closed: add a line '{opening.markup}'")
        elif token.type == "inline" and token.content.startswith(":::"):
            report(state.env, token, "a callout needs a name after ':::', and closing ':::' must be on a line of its own")


def _render_callout(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    name, _, title = token.info.strip().partition(" ")
    labels = env["ctx"].labels or DEFAULT_LABELS
    label = labels.get(name, name)
    if name == "discussion":
        if token.nesting == 1:
            return f'<details class="callout callout-discussion"><summary>{isolate_numerals(title or label)}</summary>\n'
        return "</details>\n"
    if token.nesting == -1:
        return "</div>\n"
    css = name if name in CALLOUTS else "unknown"
    heading = f'<span class="callout-kind">{html.escape(label)}</span>'
    if title:
        heading += f' <span class="callout-name">{isolate_numerals(title)}</span>'
    return f'<div class="callout callout-{css}" role="note"><p class="callout-title">{heading}</p>\n'


def _content_links(state) -> None:
    """Point glossary links and images at their routes; report unknown terms and missing files."""
    ctx: RenderContext = state.env["ctx"]
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        for token in _walk(block.children):
            if token.type == "link_open":
                href = token.attrGet("href") or ""
                if href.startswith("glossary:"):
                    term = href.removeprefix("glossary:")
                    if ctx.glossary_ids is not None and term not in ctx.glossary_ids:
                        report(state.env, block, f"glossary link to unknown term '{term}'")
                    token.attrSet("href", f"{ctx.glossary_url}#{term}")
                    token.attrSet("class", "glossary-term")
            elif token.type == "image":
                _check_image(state.env, block, token, ctx)


def _walk(tokens):
    for token in tokens:
        yield token
        if token.children:
            yield from _walk(token.children)


def _check_image(env, block, token, ctx: RenderContext) -> None:
    src = token.attrGet("src") or ""
    if not token.content.strip():
        report(env, block, f"image '{src}' needs alternative text: ![what it shows]({src})")
    if _EXTERNAL.match(src) or "/" in src or "\\" in src or src.startswith("."):
        report(env, block, f"image '{src}' must be a file in the module's folder (no path, no address)")
        token.attrSet("src", "")
        return
    if ctx.folder is not None and not (ctx.folder / src).is_file():
        report(env, block, f"image '{src}' not found in {ctx.folder}")
    token.attrSet("src", f"{ctx.media_url}/{src}")
    token.attrSet("loading", "lazy")


_CAPTION = re.compile(r"^(?:Table|Tableau|جدول)\s*:\s*(.+)$", re.DOTALL)


def _table_structure(state) -> None:
    """Give each table a caption and its rows their headers.

    The caption is a paragraph 'Table: …' just before the table (shown), else the heading the
    table stands under, or the page's title (for screen readers: the heading is in sight already). The first cell of
    each body row heads its row; an empty header cell is a plain cell, not a nameless header."""
    tokens, heading = state.tokens, state.env["ctx"].doc_title
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[i + 1].content
        elif token.type == "table_open":
            token.meta["caption"], token.meta["caption_shown"] = heading, False
            if i >= 3 and tokens[i - 1].type == "paragraph_close" and (found := _CAPTION.match(tokens[i - 2].content.strip())):
                token.meta["caption"], token.meta["caption_shown"] = found.group(1), True
                for hidden in tokens[i - 3 : i]:
                    hidden.hidden = True
                tokens[i - 2].children = []
        elif token.type == "tr_open":
            _head_the_row(tokens, i)


def _head_the_row(tokens, at: int) -> None:
    end = next(j for j in range(at, len(tokens)) if tokens[j].type == "tr_close")
    cells = [j for j in range(at, end) if tokens[j].type in ("th_open", "td_open")]
    closes = [j for j in range(at, end) if tokens[j].type in ("th_close", "td_close")]
    for n, (opening, closing) in enumerate(zip(cells, closes, strict=True)):
        if tokens[opening].type == "th_open":
            if not tokens[opening + 1].content.strip():
                tokens[opening].tag = tokens[closing].tag = "td"
            else:
                tokens[opening].attrSet("scope", "col")
        elif n == 0:
            tokens[opening].tag = tokens[closing].tag = "th"
            tokens[opening].attrSet("scope", "row")


def _render_table_open(renderer, tokens, idx, options, env) -> str:
    labels = env["ctx"].labels or DEFAULT_LABELS
    caption = tokens[idx].meta.get("caption") or labels.get("table", "Table")
    hidden = "" if tokens[idx].meta.get("caption_shown") else ' class="visually-hidden"'
    first_row_end = next(j for j in range(idx, len(tokens)) if tokens[j].type == "tr_close")
    columns = sum(t.type in ("th_open", "td_open") for t in tokens[idx:first_row_end])
    wide = " table-wide" if columns >= 3 else ""
    # A wide table scrolls inside its own box, not the page; the box is focusable for keyboards,
    # named after the table, and says on a narrow screen that it scrolls.
    return (f'<div class="table-scroll{wide}" role="region" aria-label="{html.escape(caption)}" tabindex="0">'
            f'<table>\n<caption{hidden}>{isolate_numerals(caption)}</caption>\n')


def _render_table_close(renderer, tokens, idx, options, env) -> str:
    labels = env["ctx"].labels or DEFAULT_LABELS
    note = html.escape(labels.get("table-scrolls", "Scroll sideways to see every column."))
    return f'</table><p class="scroll-note" aria-hidden="true">{note}</p></div>\n'


LANG_TAG = re.compile(r"^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
RIGHT_TO_LEFT = {"ar", "fa", "he", "ur"}
_ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
ARABIC_RUN = re.compile(rf"[{_ARABIC_LETTERS}]+(?:[\s\u060c]+[{_ARABIC_LETTERS}]+)*")


def _mark_languages(state) -> None:
    """Passages in another language get their lang (WCAG 3.1.2) and direction.

    An author writes `[Trafficking in Persons Report]{lang=en}`; Arabic script inside a French or
    English text (a language name such as العربية, a term in Arabic) is Arabic, and is marked
    without being asked."""
    ctx: RenderContext = state.env["ctx"]
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children, inside = [], 0
        for token in block.children:
            if token.type == "span_open":
                lang = token.attrGet("lang")
                if lang is not None and not LANG_TAG.match(str(lang)):
                    report(state.env, block, f"'{{lang={lang}}}' is not a language code: write one such as en, fr, ar or pt-BR")
                    token.attrs.pop("lang")
                elif lang is not None:
                    token.attrSet("dir", "rtl" if str(lang).split("-")[0] in RIGHT_TO_LEFT else "ltr")
                    inside += 1
                    token.meta["lang"] = True
            elif token.type == "span_close" and inside and _opening_had_lang(children):
                inside -= 1
            if token.type == "text" and not inside and ctx.lang and ctx.lang not in RIGHT_TO_LEFT and ARABIC_RUN.search(token.content):
                children += _arabic_runs(token)
                continue
            children.append(token)
        block.children = children


def _opening_had_lang(children: list[Token]) -> bool:
    """Whether the span being closed is one that carries a lang (spans nest in order)."""
    depth = 0
    for token in reversed(children):
        if token.type == "span_close":
            depth += 1
        elif token.type == "span_open":
            if depth == 0:
                return bool(token.meta.get("lang"))
            depth -= 1
    return False


def _arabic_runs(token: Token) -> list[Token]:
    pieces, at = [], 0
    for match in ARABIC_RUN.finditer(token.content):
        if match.start() > at:
            pieces.append(_text_token(token.content[at:match.start()], token))
        pieces += [Token("span_open", "span", 1, attrs={"lang": "ar", "dir": "rtl"}), _text_token(match.group(), token),
                   Token("span_close", "span", -1)]
        at = match.end()
    if at < len(token.content):
        pieces.append(_text_token(token.content[at:], token))
    return pieces


def _isolate_numerals(state) -> None:
    """Wrap each number with separators of the text in <bdi dir="ltr" class="num"> (see NUMERAL)."""
    for block in state.tokens:
        if block.type != "inline" or not block.children:
            continue
        children = []
        for token in block.children:
            if token.type != "text" or not NUMERAL.search(token.content):
                children.append(token)
                continue
            for piece, is_numeral in split_numerals(token.content):
                if is_numeral:
                    opening = Token("numeral_open", "bdi", 1, attrs={"dir": "ltr", "class": "num"})
                    children += [opening, _text_token(piece, token), Token("numeral_close", "bdi", -1)]
                else:
                    children.append(_text_token(piece, token))
        block.children = children


def _text_token(content: str, like: Token) -> Token:
    return Token("text", "", 0, content=content, level=like.level)


def split_numerals(text: str) -> list[tuple[str, bool]]:
    """The text cut into (piece, is a number with separators) pieces, in order."""
    pieces, at = [], 0
    for match in NUMERAL.finditer(text):
        if match.start() > at:
            pieces.append((text[at:match.start()], False))
        pieces.append((match.group(), True))
        at = match.end()
    if at < len(text):
        pieces.append((text[at:], False))
    return pieces


def isolate_numerals(text: str) -> str:
    """Plain text as HTML, escaped, with its numbers with separators isolated as in Markdown."""
    return "".join(
        f"{NUMERAL_OPEN}{html.escape(piece)}{NUMERAL_CLOSE}" if is_numeral else html.escape(piece)
        for piece, is_numeral in split_numerals(text)
    )


def isolate_numerals_plain(text: str) -> str:
    """Plain text with its numbers with separators between LRI and PDI, for where no markup may go
    (a select's options)."""
    return "".join(f"\u2066{piece}\u2069" if is_numeral else piece for piece, is_numeral in split_numerals(text))


def _section_slug(text: str) -> str:
    slug = re.sub(r"[^\w]+", "-", text.lower(), flags=re.UNICODE).strip("-")
    return f"s-{slug}"


def make_markdown() -> MarkdownIt:
    """The renderer for bodies: pages, glossary entries, questions."""
    md = MarkdownIt("commonmark", {"html": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    md.use(container_plugin, name="callout", validate=_is_callout_opening, render=_render_callout)
    md.use(footnote_plugin)
    md.use(deflist_plugin)
    md.use(attrs_plugin, after=("span_close",), spans=True, allowed=["lang"])  # [text]{lang=en}
    md.core.ruler.before("inline", "heading_ids", _heading_ids)
    md.use(anchors_plugin, min_level=2, max_level=3, slug_func=_section_slug)
    md.core.ruler.push("check_callouts", _check_callouts)
    md.core.ruler.push("content_links", _content_links)
    md.core.ruler.push("mark_languages", _mark_languages)
    md.core.ruler.push("isolate_numerals", _isolate_numerals)
    md.core.ruler.push("table_structure", _table_structure)
    md.add_render_rule("table_open", _render_table_open)
    md.add_render_rule("table_close", _render_table_close)
    return md


def make_outline_parser() -> MarkdownIt:
    """A parser that only finds front matter and section headings (and skips callouts' insides)."""
    md = MarkdownIt("commonmark", {"html": False})
    md.use(front_matter_plugin)
    md.use(container_plugin, name="callout", validate=_is_callout_opening)
    md.core.ruler.before("inline", "heading_ids", _heading_ids)
    # Cutting needs the blocks only; each section's text is parsed whole when it is rendered.
    # Skipping the inline pass and lists (their items are re-read line by line, and a page heading
    # is never inside one) takes half off loading the course. A heading indented under a list
    # item therefore starts a page, as it reads in the file.
    md.disable(["inline", "text_join", "list"])
    return md


OUTLINE = make_outline_parser()
BODY = make_markdown()


def render_body(text: str, ctx: RenderContext) -> tuple[str, list[Problem]]:
    """Render a page, an entry or a question's part to HTML, with what was wrong in it."""
    env = ctx.env()
    tokens = BODY.parse(text, env)
    return BODY.renderer.render(tokens, BODY.options, env), env["problems"]


def render_inline(text: str, ctx: RenderContext) -> tuple[str, list[Problem]]:
    env = ctx.env()
    return BODY.renderInline(text, env), env["problems"]
