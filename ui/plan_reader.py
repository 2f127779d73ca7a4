"""读纲要: the plan's text beside the map, linked both ways.

The text is built as HTML here, every piece of plan text through
``html.escape`` (never Markdown), with links as real ``<a href>`` elements that
reopen the page at ``/plan?p=<paragraph>&sel=<feature>`` (a full reload: the
map then centres on and highlights the feature, and ``c``/``z`` join the URL).
A click on the map reruns the script; the paragraphs naming the clicked feature
are marked and a small script scrolls the first one into view.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from itertools import groupby, pairwise
from typing import Any
from urllib.parse import urlencode

import streamlit as st

from layers.io import store
from layers.plan import records, text
from layers.web.escape import escape_markdown
from layers.web.views import VIEWS
from ui import frame, loaders

PAGE = "plan"
PARAGRAPH_ID = re.compile(r"^[a-z]+[0-9a-z]*$")
STYLE = """<style>
.zzp-plan { line-height: 1.9; font-size: 1rem; }
.zzp-plan h3 { font-size: 1.05rem; margin: 1.2em 0 .4em; }
.zzp-plan h4 { font-size: .98rem; margin: 1em 0 .3em; color: #5b4a2e; }
.zzp-plan .para { margin: 0 0 .8em; padding: .15em .4em; border-left: 3px solid transparent; scroll-margin-top: 4rem; }
.zzp-plan .para.named { background: #fff0fa; border-left-color: #ff00aa; }
.zzp-plan .para.current { outline: 2px solid #c2185b; outline-offset: 2px; }
.zzp-plan a.lk { color: #0b57d0; text-decoration: underline dotted; text-underline-offset: 3px; }
.zzp-plan a.lk:focus-visible { outline: 3px solid #ff00aa; }
.zzp-plan .sel { background: #ffb3e6; font-weight: 600; }
.zzp-plan mark.fix { background: #fff3bf; border-bottom: 1px dashed #b08900; cursor: help; }
.zzp-plan mark.q { background: #b9f6ca; }
.zzp-plan a.pid { font-size: .75rem; color: #888; margin-left: .4em; text-decoration: none; }
.zzp-plan table { border-collapse: collapse; margin: 0 0 1em; font-size: .92rem; width: 100%; }
.zzp-plan td, .zzp-plan th { border: 1px solid #ddd; padding: .25em .4em; vertical-align: top; white-space: pre-line; }
.zzp-plan tr.named td { background: #fff0fa; }
.zzp-plan tr.current td { outline: 2px solid #c2185b; }
</style>"""


def _e(value: Any) -> str:
    return html.escape(str(value), quote=True)


def link_label(link: text.Link) -> str:
    """The accessible name of a text link: what opens on the map (starting with the words shown)."""
    if link.text == link.entry.canonical:
        return f"在地图上查看：{link.text}"
    return f"在地图上查看：{link.text}（{link.entry.canonical}）"


def paragraph_html(
    para: text.Paragraph,
    links: tuple[text.Link, ...],
    href: Callable[[str, text.Link], str],
    selected: str | None = None,
    query: str = "",
) -> list[str]:
    """The paragraph's cells as HTML: escaped text, links, corrected spans, the selected feature, search hits."""
    body = para.text
    marks: list[tuple[int, int, str, Any]] = [(f.start, f.end, "fix", f) for f in para.fixes]
    marks += [(link.start, link.end, "link", link) for link in links]
    if query:
        marks += [(m.start(), m.end(), "q", None) for m in re.finditer(re.escape(query), body)]
    cells = []
    for start, end in para.cells():
        cuts = sorted({start, end, *(p for a, b, _, _ in marks for p in (a, b) if start < p < end)})
        pieces = []
        for a, b in pairwise(cuts):
            active = {kind: obj for s, e, kind, obj in marks if s <= a and b <= e}
            pieces.append((active.get("link"), _piece(body[a:b], active, selected)))
        out = []
        for link, group in groupby(pieces, key=lambda item: item[0]):
            inner = "".join(piece for _, piece in group)
            if link is None:
                out.append(inner)
            else:
                out.append(f'<a class="lk" href="{_e(href(para.id, link))}" aria-label="{_e(link_label(link))}" title="{_e(link_label(link))}">{inner}</a>')
        cells.append("".join(out).replace("\n", "<br>"))
    return cells


def _piece(value: str, active: dict[str, Any], selected: str | None) -> str:
    out = _e(value)
    if "q" in active:
        out = f'<mark class="q">{out}</mark>'
    fix = active.get("fix")
    if fix is not None:
        out = f'<mark class="fix" title="{_e(f"原文：{fix.seed}；原因：{fix.reason}")}">{out}</mark>'
    link = active.get("link")
    if link is not None and selected and link.selection == selected:
        out = f'<span class="sel">{out}</span>'
    return out


def reader_html(
    paragraphs: list[text.Paragraph],
    href: Callable[[str, text.Link], str],
    self_href: Callable[[str], str],
    selected: str | None = None,
    current: str | None = None,
    query: str = "",
) -> str:
    """The whole text: headings, paragraphs and 专栏 tables, in the plan's order."""
    all_links = text.all_links()
    named = {p.id for p in text.paragraphs_naming(selected)} if selected else set()
    out = [STYLE, '<div class="zzp-plan">']
    printed = {"chapter": "", "section": "", "column": ""}
    table_open = False
    for para in paragraphs:
        for level, tag in (("chapter", "h3"), ("section", "h3"), ("column", "h4")):
            title = getattr(para, level)
            if title != printed[level]:
                if level == "chapter":
                    printed["section"] = printed["column"] = ""
                if level == "section":
                    printed["column"] = ""
                printed[level] = title
                if title:
                    if table_open:
                        out.append("</table>")
                        table_open = False
                    out.append(f"<{tag}>{_e(title)}</{tag}>")
        classes = " ".join(c for c in ("para", "named" if para.id in named else "", "current" if para.id == current else "") if c)
        cells = paragraph_html(para, all_links.get(para.id, ()), href, selected, query)
        anchor = f'<a class="pid" href="{_e(self_href(para.id))}" aria-label="本段链接 {_e(para.id)}">§{_e(para.id)}</a>'
        if para.kind in ("row", "head"):
            if not table_open:
                out.append('<table role="table">')
                table_open = True
            tag = "th" if para.kind == "head" else "td"
            row = "".join(f"<{tag}>{c}</{tag}>" for c in cells)
            out.append(f'<tr id="para-{_e(para.id)}" class="{classes}" data-pid="{_e(para.id)}">{row}<td>{anchor}</td></tr>')
            continue
        if table_open:
            out.append("</table>")
            table_open = False
        out.append(f'<p id="para-{_e(para.id)}" class="{classes}" data-pid="{_e(para.id)}">{cells[0]}{anchor}</p>')
    if table_open:
        out.append("</table>")
    out.append("</div>")
    return "".join(out)


def contents_html() -> str:
    """The table of contents: in-page links to each chapter, section and 专栏."""
    items = []
    for heading, pid in text.contents():
        indent = "1.2em" if heading.startswith("专栏") else ("0.6em" if "节" in heading.split(" ")[0] else "0")
        items.append(f'<li style="margin-left:{indent}"><a href="#para-{_e(pid)}">{_e(heading)}</a></li>')
    return f'<nav aria-label="目录"><ul style="list-style:none;padding:0;margin:0">{"".join(items)}</ul></nav>'


def _scroll_script(target: str, to_map: bool) -> str:
    """Scroll the paragraph (or, on a phone after a link, the map) into view.

    Streamlit sanitises ``st.html`` with DOMPurify, which drops a script whose
    text contains ``<`` followed by a word character: comparisons are written
    with ``>`` only.
    """
    if not PARAGRAPH_ID.match(target):
        return ""
    return (
        "<script>(function(){"
        f"var target={json.dumps('para-' + target)};var toMap={json.dumps(to_map)};"
        "function scroller(n){while(n&&n.parentElement){n=n.parentElement;var s=getComputedStyle(n).overflowY;"
        "if((s==='auto'||s==='scroll')&&n.scrollHeight>n.clientHeight){return n;}}return null;}"
        "function go(){var el=document.getElementById(target);"
        "var map=document.querySelector('.zzp-map');"
        "if(!el){return setTimeout(go,200);}"
        "var box=scroller(el);var phone=640>window.innerWidth;"
        "if(box){box.scrollTop+=el.getBoundingClientRect().top-box.getBoundingClientRect().top-box.clientHeight/4;}"
        "if(phone||!box){el.scrollIntoView({block:'center'});}"
        "if(toMap&&map&&phone){map.scrollIntoView({block:'start'});}}"
        "setTimeout(go,300);})();</script>"
    )


Bounds = dict[str, tuple[float, float, float, float]]


@st.cache_resource(show_spinner=False)
def _bounds_cached(stamps: tuple[float, ...]) -> Bounds:
    loads = loaders.load_layers(list(VIEWS[PAGE].layers))
    return text.feature_bounds((load.spec.id, load.gdf) for load in loads if load.ok)


def feature_bounds() -> Bounds:
    """Selection → bounds of the features the plan page's map can show (cached per data version)."""
    loads = loaders.load_layers(list(VIEWS[PAGE].layers))
    return _bounds_cached(tuple(store.file_stamp(load.spec) for load in loads))


def focus_map() -> None:
    """A link from the text carries ``sel`` only: centre the map on that feature (``c``/``z`` into the URL)."""
    params = st.query_params
    box = feature_bounds().get(params.get("sel") or "")
    if box and not params.get("c"):
        params["c"] = f"{(box[1] + box[3]) / 2:.4f},{(box[0] + box[2]) / 2:.4f}"
        params["z"] = str(records.zoom_for(box))


def plan_url(pid: str, sel: str | None = None, carry: dict[str, str] | None = None) -> str:
    """``/plan?p=…`` (and ``sel``, the map's layers and basemap when given), under the app's base path."""
    params = {"p": pid, **({"sel": sel} if sel else {}), **(carry or {})}
    return f"{frame.base_path()}/{PAGE}?{urlencode(params, safe=',:')}"


def clicked_selection(clicked: dict[str, Any] | None) -> str | None:
    """The ``sel`` of the feature clicked on (or selected by the URL on) the map."""
    found = loaders.full_feature(clicked)
    if found is None:
        return None
    spec, record = found
    return text.selection_of(spec.id, record)


def reader(clicked: dict[str, Any] | None) -> None:
    """The text column: search, contents, the paragraphs; marks and scrolls to what the map selected."""
    params = st.query_params
    state = frame.url_state()
    current = params.get("p")
    if current and text.paragraph(current) is None:
        st.warning(f"没有编号为 “{escape_markdown(current)}” 的段落，已显示全文。")
        current = None
    selected = clicked_selection(clicked) or state.selected
    carry = {k: params[k] for k in ("bm", "layers") if params.get(k)}
    query = re.sub(r"\s+", "", st.text_input("在纲要中搜索", key="plan_q", placeholder="如：醴陵、高速、小镇"))
    paragraphs = list(text.load_paragraphs())
    if query:
        paragraphs = text.search(query)
        shown = escape_markdown(query)
        st.caption(f"“{shown}”出现在 {len(paragraphs)} 段中。" if paragraphs else f"没有段落包含“{shown}”。")
    with st.expander("目录", expanded=False):
        st.html(contents_html())
    naming = text.paragraphs_naming(selected) if selected else []
    if selected:
        name = escape_markdown(selected.split(":", 1)[-1])
        st.caption(f"规划原文提及所选要素的有 {len(naming)} 段（已标出）。" if naming else f"所选要素（{name}）在本页收录的原文中没有被点名。")
    html_text = reader_html(
        paragraphs,
        href=lambda pid, link: plan_url(pid, link.selection, carry),
        self_href=lambda pid: plan_url(pid),
        selected=selected,
        current=current,
        query=query,
    )
    with st.container(height=680, key="plan_text"):
        st.html(html_text)
    from_link = bool(current and state.selected and selected == state.selected)
    target = current if from_link or (current and not naming) else (naming[0].id if naming else current)
    script = _scroll_script(target, to_map=from_link) if target and not query else ""
    if script:
        st.html(script, unsafe_allow_javascript=True)


def mentions(layer_id: str, record: dict[str, Any]) -> None:
    """规划原文提及: every paragraph that names this feature or record, linking to it on the 读纲要 page."""
    sel = text.selection_of(layer_id, record)
    paragraphs = text.paragraphs_naming(sel) if sel else []
    if not paragraphs:
        return
    st.markdown("**规划原文提及**")
    page = frame.page_info(PAGE).file
    for para in paragraphs:
        snippet = para.text.replace("\t", " ").replace("\n", " ")
        snippet = snippet[:36] + ("…" if len(snippet) > 36 else "")
        st.page_link(page, label=escape_markdown(f"{para.ref}：{snippet}"), query_params={"p": para.id, "sel": sel})
