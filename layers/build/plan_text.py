"""``python -m layers build text``: the plan's spatial text as reviewable data.

Reads the OCR'd plan (``layers.paths.SEED``) at build time only and writes
``geodata/plan_text/paragraphs.jsonl``: one paragraph (or one 专栏 row) per
line, with a stable id, its 篇/章/节/专栏 place, the text with the logged OCR
corrections applied, and where each correction sits (so the reader can show
the seed's spelling and the reason).  The app reads that file, never the seed.

What is extracted is declared in :data:`SCOPE` and :data:`COLUMNS` by seed
line numbers; the build checks each range starts with the heading it names,
so a different seed fails loudly instead of producing shifted text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from layers.build.common import SourceError, read_table
from layers.paths import GEODATA, SEED

OUT = GEODATA / "plan_text"

# (first line, last line, heading the first line starts with): chapters and sections.
# Columns inside a range are carved out (see COLUMNS); ids come from the 章/节 headings.
SCOPE: tuple[tuple[int, int, str], ...] = (
    (393, 472, "第五章"),
    (572, 617, "第三节 实施园区提质升级工程"),
    (1127, 1170, "第十二章"),
    (1203, 1218, "第五节 统筹城乡一体发展"),
    (1344, 1347, "第四节 打造清水塘示范片区"),
)
# 专栏 number → (first line, last line, kind): "table" rows split into cells at tabs,
# "list" items are one cell each.
COLUMNS: dict[int, tuple[int, int, str]] = {
    6: (371, 391, "list"),
    7: (453, 458, "table"),
    11: (578, 588, "list"),
    12: (596, 616, "list"),
    18: (840, 859, "table"),
    21: (961, 969, "list"),
    22: (973, 981, "list"),
    23: (987, 995, "list"),
    24: (1105, 1125, "list"),
    25: (1137, 1145, "table"),
    27: (1211, 1217, "list"),
    28: (1265, 1281, "list"),
}
PARTS = (("第二篇", "发展战略篇", 271), ("第三篇", "发展任务篇", 474))

HEADING = re.compile(r"^(第[一二三四五六七八九十]+章|第[一二三四五六七八九十]+节)[\s\u3000]+(.+)$")
COLUMN_HEADING = re.compile(r"^专栏\s*(\d+)\s*(.*)$")
DROP = re.compile(r"^(—\s*\d+\s*—|-{3,}.*|图\s*\d+\s*[:：].*|.{0,20}示意图)$")
SENTENCE_END = "。！？；：”"


@dataclass
class Fix:
    """One logged OCR correction inside a paragraph: its span in the corrected text, the seed's spelling, why."""
    start: int
    end: int
    seed: str
    reason: str


@dataclass
class Fragment:
    """Text gathered from seed lines (with the line numbers) before it becomes a paragraph."""
    text: str
    lines: list[int]
    fixes: list[Fix] = field(default_factory=list)

    def extend(self, other: Fragment) -> None:
        """Append a page-broken continuation, shifting its corrections."""
        shift = len(self.text)
        self.fixes += [Fix(f.start + shift, f.end + shift, f.seed, f.reason) for f in other.fixes]
        self.text += other.text
        self.lines += other.lines


def corrections(path: Path = OUT) -> dict[int, list[dict[str, str]]]:
    """The text's OCR corrections (``ocr_text.csv``: seed_form, corrected, where, line, reason) by seed line."""
    by_line: dict[int, list[dict[str, str]]] = {}
    for row in read_table("ocr_text", path):
        if not row["reason"]:
            raise SourceError(f"ocr_text.csv: {row['seed_form']}→{row['corrected']} 缺少原因")
        by_line.setdefault(int(row["line"]), []).append(row)
    return by_line


def clean(raw: str) -> str:
    """One seed line without markup (bold, <p>), trailing tabs and padding spaces."""
    text = raw.replace("**", "").replace("</p> <p>", "\n").replace("</p>", "").replace("<p>", "")
    text = text.replace("\u3000", " ").rstrip("\t ").strip(" ")
    return text


def apply_line(number: int, raw: str, fixes: dict[int, list[dict[str, str]]]) -> Fragment:
    """A cleaned seed line with its logged corrections applied and located."""
    rows = fixes.get(number, [])
    text = clean(raw)
    spans: list[tuple[int, int, dict[str, str]]] = []
    for row in rows:
        for m in re.finditer(re.escape(row["seed_form"]), text):
            spans.append((m.start(), m.end(), row))
        if row["seed_form"] not in text:
            raise SourceError(f"第 {number} 行没有要更正的「{row['seed_form']}」（ocr_text.csv）")
    spans.sort(key=lambda s: s[0])
    out, fix_list, cursor = [], [], 0
    for start, end, row in spans:
        if start < cursor:
            raise SourceError(f"第 {number} 行的更正互相重叠")
        out.append(text[cursor:start])
        pos = sum(len(p) for p in out)
        out.append(row["corrected"])
        fix_list.append(Fix(pos, pos + len(row["corrected"]), row["seed_form"], row["reason"]))
        cursor = end
    out.append(text[cursor:])
    return Fragment("".join(out), [number], fix_list)


@dataclass
class Context:
    """Where the extraction is in the plan: the current 篇, 章 and 节."""
    part: str = ""
    chapter: str = ""
    section: str = ""


def _ref(ctx: Context, column: str = "") -> str:
    chapter = ctx.chapter.split(" ")[0]
    section = ctx.section.split(" ")[0] if ctx.section else ""
    ref = f"{chapter}{section}"
    return f"{ref} {column.split(' ')[0]}" if column else ref


def _context_at(lines: list[str], number: int) -> Context:
    """篇/章/节 in force at a seed line (headings above it, body only)."""
    ctx = Context()
    for title, name, start in PARTS:
        if number >= start:
            ctx.part = f"{title} {name}"
    for i in range(108, number + 1):
        m = HEADING.match(clean(lines[i - 1]))
        if m:
            if m.group(1).endswith("章"):
                ctx.chapter, ctx.section = f"{m.group(1)} {m.group(2).strip()}", ""
            else:
                ctx.section = f"{m.group(1)} {m.group(2).strip()}"
    return ctx


def _record(pid: str, ctx: Context, frag: Fragment, kind: str, column: str = "") -> dict:
    return {
        "id": pid,
        "ref": _ref(ctx, column),
        "part": ctx.part,
        "chapter": ctx.chapter,
        "section": ctx.section,
        "column": column,
        "kind": kind,
        "text": frag.text,
        "fixes": [{"start": f.start, "end": f.end, "seed": f.seed, "reason": f.reason} for f in frag.fixes],
        "seed_lines": frag.lines,
    }


def _expect(lines: list[str], number: int, heading: str) -> None:
    if not clean(lines[number - 1]).replace("\t", " ").startswith(heading):
        raise SourceError(f"规划文本第 {number} 行应以「{heading}」开头：种子文本版本不符")


def _column_records(lines: list[str], number: int, fixes: dict[int, list[dict[str, str]]]) -> list[dict]:
    first, last, kind = COLUMNS[number]
    head = COLUMN_HEADING.match(clean(lines[first - 1]))
    if not head or int(head.group(1)) != number:
        raise SourceError(f"规划文本第 {first} 行应为专栏{number}")
    title = f"专栏{number} {head.group(2).strip()}"
    ctx = _context_at(lines, first)
    out, row = [], 0
    for n in range(first + 1, last + 1):
        text = clean(lines[n - 1])
        if not text or DROP.match(text):
            continue
        frag = apply_line(n, lines[n - 1], fixes)
        is_head = kind == "table" and frag.text.startswith("序号")
        pid = f"col{number}r0" if is_head else f"col{number}r{row + 1}"
        row += 0 if is_head else 1
        out.append(_record(pid, ctx, frag, "head" if is_head else ("row" if kind == "table" else "item"), title))
    return out


def _section_records(lines: list[str], first: int, last: int, fixes: dict[int, list[dict[str, str]]]) -> list[dict]:
    """Paragraphs of a chapter/section range, page-broken sentences re-joined, columns left out."""
    carved = {n for a, b, _ in COLUMNS.values() for n in range(a, b + 1)}
    out: list[dict] = []
    current: Fragment | None = None
    ctx = _context_at(lines, first)
    counters: dict[str, int] = {}

    def flush() -> None:
        nonlocal current
        if current is None:
            return
        key = _section_key(ctx)
        counters[key] = counters.get(key, 0) + 1
        out.append(_record(f"{key}p{counters[key]}", ctx, current, "p"))
        current = None

    for n in range(first, last + 1):
        raw = lines[n - 1]
        text = clean(raw)
        if n in carved or not text or DROP.match(text):
            continue
        heading = HEADING.match(text)
        if heading:
            flush()
            ctx = _context_at(lines, n)
            continue
        frag = apply_line(n, raw, fixes)
        if current is not None and current.text[-1] not in SENTENCE_END:
            current.extend(frag)
        else:
            flush()
            current = frag
    flush()
    return out


CHINESE_DIGITS = "一二三四五六七八九十"


def _number(word: str) -> int:
    """第十二章 → 12 (up to 二十)."""
    core = word.strip("第章节")
    if core.startswith("十"):
        return 10 + (CHINESE_DIGITS.index(core[1]) + 1 if len(core) > 1 else 0)
    return CHINESE_DIGITS.index(core[0]) + 1 + (10 if len(core) > 1 else 0)


def _section_key(ctx: Context) -> str:
    """``c5`` for a chapter's opening paragraphs, ``c5s1`` within 第一节."""
    chapter = f"c{_number(ctx.chapter.split(' ')[0])}"
    if ctx.section:
        return f"{chapter}s{_number(ctx.section.split(' ')[0])}"
    return chapter


def extract(seed: Path = SEED, fixes_dir: Path = OUT) -> list[dict]:
    """Every paragraph in scope, in the plan's order (columns where they stand)."""
    if not seed.exists():
        raise SourceError(f"找不到规划文本：{seed}")
    lines = seed.read_text(encoding="utf-8").splitlines()
    fixes = corrections(fixes_dir)
    found: list[dict] = []
    for first, last, heading in SCOPE:
        _expect(lines, first, heading)
        found += _section_records(lines, first, last, fixes)
    for number in COLUMNS:
        found += _column_records(lines, number, fixes)
    # A column inside a section range goes between the paragraphs around it.
    paragraphs = sorted(found, key=lambda p: p["seed_lines"][0])
    used = {n for p in paragraphs for n in p["seed_lines"]}
    unused = [n for n in fixes if n not in used]
    if unused:
        raise SourceError(f"ocr_text.csv 的更正不在提取范围内：第 {unused} 行")
    return paragraphs


def write(paragraphs: list[dict], out_dir: Path = OUT) -> Path:
    """Write the paragraphs as JSON lines (one paragraph per line, so diffs stay reviewable)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "paragraphs.jsonl"
    with path.open("w", encoding="utf-8", newline="\n") as fh:
        for p in paragraphs:
            fh.write(json.dumps(p, ensure_ascii=False) + "\n")
    return path


def build_text(out_dir: Path = OUT) -> Path:
    """Extract from the seed with the committed corrections; write ``paragraphs.jsonl`` into ``out_dir``."""
    return write(extract(fixes_dir=OUT), out_dir)
