"""BibTeX export, valid for bibtex, biber and pandoc.

Entries are written in the layout bibtexparser's writer uses (two-space indent, values
aligned, braces around every value but the month macro), by the few lines in
``to_bibtex``: bibtexparser's writer only joins the strings it is given (values verbatim),
yet building its Library and running it was half the time of exporting 5,000 papers. The
tests read every export back with bibtexparser, pybtex and biber. bibtexparser's
LaTeX-encoding middleware would turn Unicode into LaTeX macros, which we do not want (the
file is UTF-8 and biber and pandoc read it as such), so the escaping below is ours:

* text fields escape ``\\ { } % & $ # _ ~ ^``; LaTeX already in the source (``\\&``,
  ``$\\alpha$``) is kept as it is. Braces become ``\\textbraceleft{}``: BibTeX counts
  braces even when they are escaped, so ``\\{`` would unbalance the field;
* in titles, acronyms and mixed-case words are braced one by one (``{CLIP}``,
  ``{LoRA}``) so styles that lowercase titles keep them; never the whole title;
* ``url``, ``doi`` and ``eprint`` are not escaped (only braces are percent-encoded).

Titles, abstracts and names are not cleaned again here: every parser hands out clean
one-line text (``tests/test_parsed_text_clean.py``), and nothing else writes them.
"""

from __future__ import annotations

import re
from typing import Any

from .. import bibraw
from ..gc_pause import gc_paused
from ..model import Paper

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SPECIAL = {
    "\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
    "%": r"\%", "&": r"\&", "$": r"\$", "#": r"\#", "_": r"\_",
    "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
}
# LaTeX the source already holds: escaped specials, and math with LaTeX in it.
_KEEP = re.compile(r"\\[&%$#_]|\$[^$\n]*[\\^_][^$\n]*\$")
_SPECIALS = re.compile(r"[\\{}%&$#_~^]")
_WORD = re.compile(r"\S+")
# For ASCII titles, the characters that tell whether any word could be a candidate: a
# capital after another non-blank ("xU", "UU") or a digit ("D"); blanks are what \s is.
_CASE_CLASSES = bytes(
    ord(" ") if chr(c).isspace() else ord("U") if chr(c).isupper() else
    ord("D") if chr(c).isdigit() else ord("x") for c in range(128)) + b"x" * 128
# A word's leading and trailing punctuation stays outside its protective braces.
_PUNCT_EDGES = re.compile(r"^([^\w]*)(.*?)([^\w]*)$", re.S)
# Fields of Paper.extra that BibTeX knows, in the order they are written.
EXTRA_ORDER = ("editor", "volume", "number", "pages", "series", "edition", "chapter",
               "publisher", "organization", "institution", "school", "address",
               "howpublished", "isbn", "issn", "type")
KNOWN_TYPES = frozenset({"article", "book", "booklet", "inbook", "incollection",
                         "inproceedings", "conference", "manual", "mastersthesis", "misc",
                         "phdthesis", "proceedings", "techreport", "unpublished", "online",
                         "report", "thesis"})


def _balanced(text: str) -> bool:
    depth = 0
    for char in text:
        depth += {"{": 1, "}": -1}.get(char, 0)
        if depth < 0:
            return False
    return depth == 0


def _has_special(text: str) -> bool:
    # Ten substring tests (memchr) are a tenth of the time of one character-class regex
    # scan over a 2 kB abstract.
    return ("\\" in text or "{" in text or "}" in text or "%" in text or "&" in text
            or "$" in text or "#" in text or "_" in text or "~" in text or "^" in text)


def _escape_plain(text: str) -> str:
    if not _has_special(text):
        return text
    return _SPECIALS.sub(lambda m: SPECIAL[m.group(0)], text)


def _segments(text: str) -> list[tuple[bool, str]]:
    """Split text into (kept-as-LaTeX, piece) segments."""
    out: list[tuple[bool, str]] = []
    position = 0
    for match in _KEEP.finditer(text):
        keep = _balanced(match.group(0))
        if match.start() > position:
            out.append((False, text[position:match.start()]))
        out.append((keep, match.group(0)))
        position = match.end()
    if position < len(text):
        out.append((False, text[position:]))
    return out


def escape(text: str) -> str:
    """A BibTeX-safe field value for ``text`` (balanced braces, specials escaped)."""
    if not _has_special(text):
        return text
    if "\\" not in text and "$" not in text:  # no LaTeX to keep
        return _escape_plain(text)
    return "".join(piece if keep else _escape_plain(piece) for keep, piece in _segments(text))


# Proper nouns that sentence-case styles must not lower: languages, places, and the
# people behind common methods. Title Case words outside this list are left to the style.
PROPER_NOUNS = frozenset("""
Africa African America American Arabic Asia Asian Australia Australian Bayes Bayesian
Bernoulli Boltzmann Brazil Canada Carlo Chinese Dirichlet Dutch English Euclidean Europe
European Fortran Fourier French Gaussian German Germany Gibbs Haskell Hebbian Hessian
Hilbert Hindi India Indian Italian Jacobian Japan Japanese Java JavaScript Julia Kalman
Kolmogorov Korean Lagrangian Langevin Laplace Laplacian Lipschitz Lisp Markov Markovian
Monte Nash Newton Pareto Poisson Portuguese Python Riemannian Russian Rust Shannon
Spanish Swahili Turing Wasserstein Wiener Wikipedia Alzheimer Parkinson Crohn Hodgkin
""".split())
_PROPER_ALTERNATION = "|".join(sorted(PROPER_NOUNS, key=len, reverse=True))


def _part_needs_protection(part: str) -> bool:
    rest = part[1:]
    if rest != rest.lower():  # CLIP, LoRA, ImageNet
        return True
    if part[:1].isdigit():  # 2D, 3D
        return any(c.isalpha() for c in rest)
    if part[:1].isupper():
        if not any(c.isalpha() for c in rest):  # I, C++, C#, version letters (model B)
            return part != "A"  # "A" in Title Case is the article
        return part in PROPER_NOUNS or part.removesuffix("'s") in PROPER_NOUNS
    return False


def _needs_case_protection(word: str) -> bool:
    """Acronyms and mixed-case words (CLIP, LoRA, 2D), lone capitals (C++, model B) and
    proper nouns (English, Bayesian). A hyphenated word needs it when one of its parts
    does ("U-Net", "BERT-based"), not for Title Case alone ("Uncertainty-Guided")."""
    if "-" in word.strip("-"):
        return any(_part_needs_protection(part) for part in word.split("-") if part)
    return _part_needs_protection(word)


def _brace_word(match: re.Match) -> str:
    word = match.group(0)
    if not _needs_case_protection(word):
        return word
    lead, core, tail = _PUNCT_EDGES.match(word).groups()
    return f"{lead}{{{core}}}{tail}" if _needs_case_protection(core) else word


# Words the byte classes below cannot see: lone capitals and proper nouns.
_OTHER_CANDIDATE = re.compile(rf"(?<![A-Za-z])(?:[B-Z](?![a-z])|I|(?:{_PROPER_ALTERNATION})"
                              r"(?![a-z]))")


# A title that opens with a name ("Hulu-Med: a generalist..."): the name keeps its case
# whole, though each of its parts looks like a Title Case word.
_LEADING_NAME = re.compile(r"(\S+):\s")


def _is_name(word: str) -> bool:
    rest = word[1:]
    return rest != rest.lower() or word[:1].isdigit()


def escape_title(text: str) -> str:
    """Like ``escape``, bracing acronyms and mixed-case words one by one."""
    name = _LEADING_NAME.match(text)
    if name and _is_name(name.group(1)) and not text.startswith("{"):
        return f"{{{escape(name.group(1))}}}" + _escape_title_words(text[name.end(1):])
    return _escape_title_words(text)


def _escape_title_words(text: str) -> str:
    if not _has_special(text):  # the common case: nothing to escape
        if not text.isascii():
            return _WORD.sub(_brace_word, text)
        # Most titles hold no candidate word: two C passes tell so, where the regex scan
        # was two fifths of making an entry.
        classes = text.encode("ascii").translate(_CASE_CLASSES)
        if b"D" not in classes and b"xU" not in classes and b"UU" not in classes \
                and not _OTHER_CANDIDATE.search(text):
            return text
        return _WORD.sub(_brace_word, text)
    out = []
    for keep, piece in _segments(text):
        if keep:
            out.append(piece)
            continue
        position = 0
        for match in _WORD.finditer(piece):
            out.append(_escape_plain(piece[position:match.start()]))
            lead, word, tail = _PUNCT_EDGES.match(match.group(0)).groups()
            escaped = _escape_plain(word)
            if _needs_case_protection(word):
                escaped = f"{{{escaped}}}"
            out.append(_escape_plain(lead) + escaped + _escape_plain(tail))
            position = match.end()
        out.append(_escape_plain(piece[position:]))
    return "".join(out)


def _verbatim(value: str) -> str:
    """url, doi and eprint are written as they are; only braces could break the field."""
    return value.replace("{", "%7B").replace("}", "%7D").replace("\n", " ").strip()


def _names(paper: Paper) -> str:
    # Escaped as one string: escaping is local to each name, and one call per entry
    # instead of one per author is a tenth of the export time at thousands of entries.
    return escape(" and ".join(paper.authors))


def entry_type(paper: Paper) -> str:
    """@misc for preprints; the imported type when the paper has its publisher's record."""
    kind = paper.entry_type.lower()
    if kind in KNOWN_TYPES and kind != "misc" and (paper.venue or paper.doi or paper.extra):
        return kind
    if not paper.arxiv_id and paper.venue and paper.doi:
        return "article"
    return "misc"


def fields(paper: Paper, kind: str = "") -> list[tuple[str, str, bool]]:
    """(name, value, enclose) in the order they are written, for an entry of type
    ``kind`` (by default the one ``entry_type`` gives)."""
    kind = kind or entry_type(paper)
    out: list[tuple[str, str, bool]] = []

    def add(name: str, value: str, enclose: bool = True) -> None:
        if value:
            out.append((name, value, enclose))

    # Fields most papers lack are tested before they are escaped: thousands of entries
    # make every call count.
    add("author", _names(paper))
    add("title", escape_title(paper.title))
    if not paper.authors and not paper.extra.get("editor"):
        # natbib styles label and sort an entry without authors by its ``key`` field, else
        # by the first three letters of the citation key (plainnat's "Med(2023)"): the
        # name a title opens with, or its first words.
        add("key", escape(_short_title(paper.title)))
    if paper.venue:
        if kind == "article":
            add("journal", escape(paper.venue))
        elif kind in ("inproceedings", "conference", "incollection", "inbook"):
            add("booktitle", escape(paper.venue))
        elif kind == "misc" and not paper.arxiv_id:
            add("howpublished", escape(paper.venue))
    if paper.extra:
        for name in EXTRA_ORDER:
            add(name, escape(paper.extra.get(name, "")))
    add("year", str(paper.year) if paper.year else "")
    if paper.month:
        add("month", MONTHS[paper.month - 1], enclose=False)
    # arXiv's DOI names the preprint: never beside a journal or conference.
    preprint = paper.arxiv_id and not paper.venue and kind in ("misc", "online", "unpublished")
    doi = paper.doi or (f"10.48550/arXiv.{paper.arxiv_id}" if preprint else "")
    add("doi", _verbatim(doi))
    if paper.arxiv_id:
        add("eprint", _verbatim(paper.arxiv_id))
        add("archiveprefix", "arXiv")
        add("primaryclass", _verbatim(paper.primary_class))
    url = paper.url or (f"https://arxiv.org/abs/{paper.arxiv_id}" if paper.arxiv_id else "")
    add("url", _verbatim(url))
    add("abstract", escape(paper.abstract))
    if paper.tags:
        add("keywords", escape(", ".join(paper.tags)))
    notes = []
    count_note = f"{paper.author_count} authors"
    if not paper.authors and paper.author_count and paper.extra.get("note") != count_note \
            and not paper.extra.get("note", "").startswith(count_note + "; "):
        notes.append(count_note)  # not again when the note came from an earlier export
    if paper.extra.get("note"):
        notes.append(paper.extra["note"])
    if notes:
        add("note", escape("; ".join(notes)))
    if paper.note:
        add("annote", escape(paper.note.strip()))
    return out


HEADER = "% Exported by reviewer. UTF-8. Citation keys never change once exported.\n\n"
# Every field name an entry can have. Values line up one column after the longest, in
# every file: an entry then reads the same whatever else is exported with it, so a .bib
# under version control changes only where its papers did, and a rendered entry can be
# kept for the next export (export/bibfile.py).
FIELD_NAMES = ("author", "title", "key", "journal", "booktitle", "howpublished", *EXTRA_ORDER,
               "year", "month", "doi", "eprint", "archiveprefix", "primaryclass", "url",
               "abstract", "keywords", "note", "annote")
_LEAD = {name: f"  {name.ljust(max(map(len, FIELD_NAMES)))} = " for name in FIELD_NAMES}


def sort_key(citekey: str) -> str:
    return citekey.lower()


def to_bibtex(papers: list[Paper]) -> str:
    """The .bib text for ``papers``, sorted by citation key."""
    with gc_paused():
        ordered = sorted(papers, key=lambda p: sort_key(p.citekey))
        return join([entry(p) for p in ordered])


def join(entries: list[str]) -> str:
    """The .bib text of entries already in their order."""
    return HEADER + "\n".join(entries)


def _short_title(title: str) -> str:
    name = _LEADING_NAME.match(title)
    if name:
        return name.group(1)
    words = title.split()
    return " ".join(words[:3]).rstrip(":,;.") if words else title


def _lead(name: str) -> str:
    return _LEAD.get(name) or f"  {name.ljust(len(_LEAD['author']) - 5)} = "


def entry(paper: Paper) -> str:
    """One entry, ending with a newline."""
    if bibraw.TYPE in paper.extra:
        return _imported_entry(paper)
    entry_fields = fields(paper)
    # One list and one join per entry: building it from f-strings copied every abstract
    # several more times.
    out = [f"@{entry_type(paper)}{{{paper.citekey},\n"]
    for name, value, enclose in entry_fields:
        out += (_LEAD[name], "{", value, "},\n") if enclose else (_LEAD[name], value, ",\n")
    if entry_fields:
        out[-1] = "}\n" if entry_fields[-1][2] else "\n"  # no comma after the last field
    out.append("}\n")
    return "".join(out)


def imported_fields(paper: Paper, changed: list[str], kind: str
                    ) -> list[tuple[str, str]]:
    """(name, BibTeX value) of an entry read from a .bib (bibraw), as it came: its
    fields in their order and as written, except the metadata groups in ``changed``,
    written from the paper instead, for an entry of type ``kind``."""
    raw = bibraw.raw_fields(paper)
    if not changed:
        return list(raw.items())
    made = {name: (value, enclose)
            for name, value, enclose in fields(paper, kind)}
    generated: dict[str, tuple[str, bool]] = {}
    dropped: dict[str, str] = {}  # raw field -> the changed group it belongs to
    for group in changed:
        _, holds, writes = bibraw.GROUPS[group]
        dropped.update((name, group) for name in holds if name in raw)
        generated.update((name, made[name]) for name in writes
                         if name in made and (name not in raw or name in holds))
    out: list[tuple[str, str]] = []
    written: set[str] = set()

    def add_group(group: str) -> None:
        written.add(group)
        for name in bibraw.GROUPS[group][2]:
            if name in generated:
                value, enclose = generated[name]
                out.append((name, f"{{{value}}}" if enclose else value))

    for name, value in raw.items():
        if name not in dropped:
            out.append((name, value))
        elif dropped[name] not in written:
            add_group(dropped[name])
    for group in changed:
        if group not in written:
            add_group(group)
    return out


def settle_imported(paper: Paper, was: dict[str, Any], extra_was: dict[str, str],
                    type_was: str, any_field: bool = False,
                    came_with: Paper | None = None) -> None:
    """After a change to a paper read from a .bib: its kept fields become what the
    export writes, so that the export and the next import of it read the changed values.

    ``was``: the values the change replaced, by field (the metadata groups it changed
    are written from the paper); ``extra_was`` and ``type_was``: the paper's extra
    fields and entry type before the change; an entry type or extra field (``pages``)
    changed since is written from the paper (removed, if the field was), unless the
    change brought the raw entry itself: then ``came_with`` is the record it came with,
    and the groups where the paper now differs from that record are written from the
    paper (a merge keeps the longer title of the two).
    ``any_field``: any field name is written (the user's); else only those a BibTeX
    entry has, not records other formats keep (a RIS ``pmid``).
    """
    extra = paper.extra
    if bibraw.TYPE not in extra:
        return
    kind = extra[bibraw.TYPE]
    fields_now: dict[str, str | None] = {}  # raw field -> its new value (None: dropped)
    changed: list[str] = []
    if extra_was.get(bibraw.TYPE) == kind and extra_was.get(bibraw.KEY) == extra.get(bibraw.KEY):
        changed = bibraw.changed_groups(paper, was)
        if paper.entry_type != type_was:
            kind = paper.entry_type or entry_type(paper)
            changed += [g for g in _venue_moved(paper, kind) if g not in changed]
        fields_now = _changed_extra(extra_was, extra, any_field)
    elif came_with is not None and came_with.extra.get(bibraw.KEY) == extra.get(bibraw.KEY):
        changed = bibraw.changed_groups(paper, bibraw.group_values(came_with))
    if kind == extra[bibraw.TYPE] and not fields_now and not changed:
        return
    kept = dict(imported_fields(paper, changed, kind))
    for name, value in fields_now.items():
        if value is None:
            kept.pop(name, None)
        else:
            kept[name] = value  # in its place, or last
    # A new dict: callers compare it with the one before.
    paper.extra = {k: v for k, v in extra.items() if not k.startswith(bibraw.PREFIX)}
    bibraw.keep(paper, kind, extra[bibraw.KEY], kept, bibraw.FROM_EXPORT in extra)


_KNOWN_FIELDS = frozenset((*EXTRA_ORDER, "note"))


def _changed_extra(was: dict[str, str], now: dict[str, str],
                   any_field: bool) -> dict[str, str | None]:
    """The raw values of the extra fields changed between ``was`` and ``now``."""
    out: dict[str, str | None] = {}
    for name in {**was, **now}:
        if was.get(name) == now.get(name) or not bibraw.is_extra_field(name):
            continue
        raw_name = bibraw.PREFIX + name
        if was.get(raw_name) != now.get(raw_name):
            continue  # its raw value changed with it: taken as it came
        if not (any_field or name in _KNOWN_FIELDS or raw_name in now):
            continue
        value = now.get(name)
        out[name] = f"{{{escape(value)}}}" if value else None
    return out


def _venue_moved(paper: Paper, kind: str) -> tuple[str, ...]:
    """("venue",) when an entry of type ``kind`` names the venue in another field than
    the imported entry does (journal, booktitle): the venue is written again. A type
    with no venue field of its own (@book) keeps the imported one, not to lose it."""
    raw = bibraw.raw_fields(paper)
    holds, writes = bibraw.GROUPS["venue"][1:]
    wanted = {name for name, _, _ in fields(paper, kind) if name in writes and name in (
        "journal", "booktitle")}
    have = {"journal" if name == "journaltitle" else name for name in holds if name in raw}
    return ("venue",) if wanted and wanted != have else ()


def _imported_entry(paper: Paper) -> str:
    """An entry read from a .bib, written back from its kept fields, which every change
    to the paper settles (settle_imported); tags and the note are the user's, always
    written from the paper."""
    tags, note = paper.tags, paper.note.strip()
    lines = [f"@{paper.extra[bibraw.TYPE]}{{{paper.citekey}"]
    keywords = annote = False
    for name, value in bibraw.raw_items(paper):
        if name == "annote":
            annote = True
            if note:
                value = f"{{{escape(note)}}}"
        elif name == "keywords":
            keywords = True
            if tags:
                value = _with_tags(value, tags)
        lines.append(f"{_lead(name)}{value}")
    if tags and not keywords:
        lines.append(f"{_LEAD['keywords']}{{{escape(', '.join(tags))}}}")
    if note and not annote:
        lines.append(f"{_LEAD['annote']}{{{escape(note)}}}")
    if len(lines) == 1:
        return lines[0] + ",\n}\n"
    return ",\n".join(lines) + "\n}\n"


def _with_tags(value: str, tags: list[str]) -> str:
    """The imported keywords and the tags they lack."""
    from ..latex import decode_latex

    have = {k.strip().lower() for k in re.split(r"[;,]", decode_latex(value.strip("{}")))}
    new = [tag for tag in tags if tag.lower() not in have]
    if not new:
        return value
    added = escape(", ".join(new))
    if value.startswith("{") and value.endswith("}"):
        return f"{value[:-1]}, {added}}}" if value[1:-1].strip() else f"{{{added}}}"
    return f"{value} # {{, {added}}}"  # a macro: concatenated
