"""The PRISMA 2020 flow diagram of a review, as an SVG written beside the survey skeleton.

The numbers come from one ``PrismaCounts``, which the skeleton's PRISMA table reads too, so
that the table and the diagram cannot disagree. The layout follows the PRISMA 2020 diagram
for new systematic reviews that searched databases and registers only (Page et al., BMJ
2021;372:n71). reviewer screens each record once, so PRISMA's "reports sought for
retrieval" and "reports assessed for eligibility" are its records screened, and the
exclusion reasons sit with the records excluded; the diagram says so under the boxes.

The PyPI packages that draw this diagram need matplotlib or pydantic and a native renderer,
and put reasons only at the reports stage reviewer does not have: this template writes
plain SVG 1.1 with presentation attributes only (no CSS, no script, no font embedded), which
rsvg-convert, Inkscape, browsers and pandoc's PDF route all draw alike.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path, PurePath

from ..store import Review

FORMAT_LABELS = {"bibtex": "BibTeX", "ris": "RIS", "csv": "CSV", "arxiv": "arXiv",
                 "hf": "Hugging Face", "markdown": "Markdown", "lines": "list of titles"}


@dataclass(frozen=True, slots=True)
class SourceCount:
    file: str     # as the review recorded it (an absolute path)
    format: str   # the parser's name: bibtex, ris, csv...
    records: int

    @property
    def name(self) -> str:
        return PurePath(self.file).name or self.file


@dataclass(frozen=True, slots=True)
class PrismaCounts:
    """How records flowed through the review, PRISMA's boxes as numbers."""

    sources: tuple[SourceCount, ...]
    papers: int        # distinct papers: the records once duplicates are merged
    undecided: int
    maybe: int
    excluded: int
    included: int
    reasons: tuple[tuple[str, int], ...] = ()  # exclusion reason -> papers, most first

    def __post_init__(self) -> None:
        # Most papers first, ties by name; a reason no paper has now is left out.
        ranked = sorted(((r, n) for r, n in self.reasons if n), key=lambda rn: (-rn[1], rn[0]))
        object.__setattr__(self, "reasons", tuple(ranked))

    @property
    def records(self) -> int:
        return sum(s.records for s in self.sources)

    @property
    def files(self) -> int:
        return len({s.file for s in self.sources})

    @property
    def duplicates(self) -> int:
        return self.records - self.papers

    @property
    def screened(self) -> int:
        """Papers with a decision (include, maybe or exclude)."""
        return self.papers - self.undecided

    @property
    def without_reason(self) -> int:
        return max(0, self.excluded - sum(n for _, n in self.reasons))


def prisma_counts(review: Review, reasons: Mapping[str, int] | None = None) -> PrismaCounts:
    """The review's flow; ``reasons`` maps each exclusion reason to its papers (by
    default the review's own, as ``reviewer stats`` counts them)."""
    if reasons is None:
        reasons = review.exclusion_reasons()
    stats = review.stats()
    sources = tuple(SourceCount(f, fmt, n) for f, fmt, n in review.source_counts())
    return PrismaCounts(sources=sources, papers=stats["papers"], undecided=stats["undecided"],
                        maybe=stats["maybe"], excluded=stats["exclude"],
                        included=stats["include"], reasons=tuple(reasons.items()))


# -- the SVG -------------------------------------------------------------------------------

WIDTH = 860
BAR_X, BAR_W = 12, 30           # the phase bars on the left
LEFT_X, RIGHT_X, BOX_W = 56, 474, 374
PAD, LINE, FONT = 12, 18, 13
GAP = 34                        # between rows, room for the downward arrow
# No text is measured in an SVG: wrap at what fits in the widest common sans-serif
# (DejaVu Sans averages about 0.6 em a character; Arial and Helvetica are narrower).
CHARS = int((BOX_W - 2 * PAD) / (0.6 * FONT))
MAX_REASON_LINES = MAX_SOURCE_LINES = 2
STROKE = 'stroke="#333" stroke-width="1"'
BOX = 'fill="#fff" stroke="#333" stroke-width="1.2"'
ARROW = 'stroke="#333" stroke-width="1.4" marker-end="url(#head)"'

NOTE = ("reviewer screens each record once, on what the imported lists hold: PRISMA's "
        "reports sought for retrieval and reports assessed for eligibility are the records "
        "screened here, and the reasons are those of the records excluded. "
        "Marked maybe: awaiting classification.")

# Characters XML 1.0 forbids, and lone surrogates (a file name's undecodable bytes).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


def _xml(text: str) -> str:
    text = _NOT_XML.sub("\ufffd", text)
    return (text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;").replace("'", "&apos;"))


def _shorten_middle(text: str, width: int) -> str:
    """A file name cut in its middle, keeping its end (the extension, a date)."""
    if len(text) <= width:
        return text
    tail = max(1, (width - 1) // 3)
    return text[:width - 1 - tail] + "…" + text[-tail:]


def _wrap(text: str, width: int = CHARS, indent: str = "") -> list[str]:
    return textwrap.wrap(text, width, subsequent_indent=indent + "  ", initial_indent=indent,
                         break_long_words=True, break_on_hyphens=False) or [indent]


def _n(count: int) -> str:
    return f"(n\u00a0=\u00a0{count})"  # no-break spaces: a count is never split


def _counted(label: str, count: int, max_lines: int, middle: bool = False) -> list[str]:
    """``label (n = count)`` wrapped in at most ``max_lines`` indented lines; a longer
    label is cut (in its middle for a file name) so that the count always shows."""
    label, tail = " ".join(label.split()), " " + _n(count)
    room = max(10, max_lines * (CHARS - 4) - len(tail))
    if len(label) > room:
        label = _shorten_middle(label, room) if middle else label[:room - 1].rstrip() + "…"
    lines = _wrap(label + tail, indent="  ")
    while len(lines) > max_lines:  # words wrapped early: cut once more, harder
        room = max(10, room - CHARS // 2)
        label = _shorten_middle(label, room) if middle else label[:room - 1].rstrip() + "…"
        lines = _wrap(label + tail, indent="  ")
    return lines


@dataclass(slots=True)
class _Box:
    id: str
    lines: list[tuple[str, bool]]   # text, bold

    @property
    def height(self) -> int:
        return 2 * PAD + LINE * len(self.lines) - (LINE - FONT)


def _box(box_id: str, heading: str, *rest: str) -> _Box:
    lines = [(line, True) for line in _wrap(heading, CHARS - 4)]  # bold runs wider
    return _Box(box_id, lines + [(line, False) for line in rest])


def _source_lines(source: SourceCount) -> list[str]:
    fmt = FORMAT_LABELS.get(source.format, source.format)
    return _counted(f"{source.name} ({fmt})", source.records, MAX_SOURCE_LINES, middle=True)


def _rows(c: PrismaCounts) -> list[tuple[str, _Box, list[_Box]]]:
    what = "file" if c.files == 1 else "files"
    identified = _box("identified", f"Records identified from {c.files} imported "
                      f"{what} (databases, registers, lists) {_n(c.records)}:",
                      *[line for s in c.sources for line in _source_lines(s)]
                      or ["  none imported yet"])
    removed = _box("duplicates", "Records removed before screening:",
                   f"  Duplicate records merged {_n(c.duplicates)}")
    distinct = _box("after-duplicates", f"Records after duplicates merged {_n(c.papers)}")
    waiting = _box("not-screened", f"Records not yet screened {_n(c.undecided)}")
    screened = _box("screened", f"Records screened {_n(c.screened)}")
    reasons: list[str] = []
    for reason, count in c.reasons:
        reasons += _counted(reason, count, MAX_REASON_LINES)
    if c.reasons and c.without_reason:
        reasons.append(f"  No reason recorded {_n(c.without_reason)}")
    excluded = _box("excluded", f"Records excluded {_n(c.excluded)}"
                    + (", with reasons:" if c.reasons else ""), *reasons)
    maybe = _box("maybe", f"Records awaiting classification (marked maybe) {_n(c.maybe)}")
    included = _box("included", f"Studies included in review {_n(c.included)}")
    return [("Identification", identified, [removed]),
            ("Screening", distinct, [waiting]),
            ("Screening", screened, [excluded, maybe]),
            ("Included", included, [])]


def _text(x: float, y: float, text: str, bold: bool = False, extra: str = "") -> str:
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{x:g}" y="{y:g}"{weight}{extra}>{_xml(text)}</text>'


def _draw_box(out: list[str], box: _Box, x: int, y: int, height: int) -> None:
    out.append(f'<g id="{box.id}">')
    out.append(f'<rect x="{x}" y="{y}" width="{BOX_W}" height="{height}" {BOX}/>')
    for i, (line, bold) in enumerate(box.lines):
        out.append(_text(x + PAD, y + PAD + FONT - 2 + i * LINE, line, bold,
                         ' xml:space="preserve"'))
    out.append("</g>")


def _arrow(out: list[str], x1: float, y1: float, x2: float, y2: float) -> None:
    out.append(f'<line x1="{x1:g}" y1="{y1:g}" x2="{x2:g}" y2="{y2:g}" {ARROW}/>')


def prisma_svg(counts: PrismaCounts, title: str = "PRISMA 2020 flow diagram") -> str:
    """The flow diagram as a standalone SVG document."""
    body: list[str] = []
    header_h = 34
    y = 12
    body.append(f'<rect x="{LEFT_X}" y="{y}" width="{RIGHT_X + BOX_W - LEFT_X}" '
                f'height="{header_h}" rx="8" fill="#f6d860" {STROKE}/>')
    body.append(_text((LEFT_X + RIGHT_X + BOX_W) / 2, y + 22, "Identification of studies via "
                      "databases and registers", True, ' text-anchor="middle"'))
    y += header_h + 18

    phases: dict[str, list[int]] = {}
    previous: tuple[float, float] | None = None  # bottom centre of the last left box
    rows = _rows(counts)
    alone = {phase for phase, _, _ in rows if [r[0] for r in rows].count(phase) == 1}
    for phase, left, rights in rows:
        height = max([left.height] + [sum(b.height for b in rights) + PAD * (len(rights) - 1)])
        if phase in alone:  # tall enough for the phase's name, written upwards
            height = max(height, int(len(phase) * FONT * 0.7) + 2 * PAD)
        _draw_box(body, left, LEFT_X, y, height)
        if previous:
            _arrow(body, previous[0], previous[1], LEFT_X + BOX_W / 2, y)
        ry = y
        for i, box in enumerate(rights):
            h = height if len(rights) == 1 else box.height
            if i == len(rights) - 1:
                h = y + height - ry  # the last box fills the row
            _draw_box(body, box, RIGHT_X, ry, h)
            _arrow(body, LEFT_X + BOX_W, ry + h / 2, RIGHT_X, ry + h / 2)
            ry += h + PAD
        span = phases.setdefault(phase, [y, y + height])
        span[1] = y + height
        previous = (LEFT_X + BOX_W / 2, y + height)
        y += height + GAP

    for phase, (top, bottom) in phases.items():
        body.append(f'<g id="phase-{phase.lower()}">')
        body.append(f'<rect x="{BAR_X}" y="{top}" width="{BAR_W}" height="{bottom - top}" '
                    f'rx="6" fill="#aacbea" {STROKE}/>')
        mid_x, mid_y = BAR_X + BAR_W / 2 + 5, (top + bottom) / 2
        body.append(_text(mid_x, mid_y, phase, True, f' text-anchor="middle" '
                          f'transform="rotate(-90 {mid_x:g} {mid_y:g})"'))
        body.append("</g>")

    y -= GAP - 18
    note = _wrap(NOTE, int((RIGHT_X + BOX_W - LEFT_X) / (0.6 * (FONT - 2))))
    body.append('<g id="note" font-size="11" fill="#444">')
    for i, line in enumerate(note):
        body.append(_text(LEFT_X, y + 11 + i * 15, line))
    body.append("</g>")
    height = y + 11 + len(note) * 15 + 8

    head = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" role="img" font-family="DejaVu Sans, Arial, '
        f'Helvetica, sans-serif" font-size="{FONT}">',
        f"<title>{_xml(title)}</title>",
        "<defs><marker id=\"head\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" "
        "markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" "
        "fill=\"#333\"/></marker></defs>",
        f'<rect width="{WIDTH}" height="{height}" fill="#fff"/>',
    ]
    return "\n".join(head + body + ["</svg>", ""])


def beside(markdown_path: str | Path) -> Path:
    """Where the skeleton's flow diagram goes: survey.md -> survey-prisma.svg."""
    path = Path(markdown_path)
    return path.with_name(f"{path.stem}-prisma.svg")


def diagram_title(review: Review) -> str:
    return f"PRISMA 2020 flow diagram: review {review.name}"
