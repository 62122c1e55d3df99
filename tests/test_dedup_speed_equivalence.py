"""The fast paths of dedup, citation keys and title normalisation against plain references.

Each reference restates the documented rule in the simplest code, without the shortcuts
the modules take for speed (one rapidfuzz call over all blocks, bytes.translate instead
of regexes), so a shortcut that changes a result fails here.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from reviewer.core.citekeys import SKIP_WORDS, base_key, check_key, make_key, title_words
from reviewer.core.dedup import DuplicateIndex, Fingerprint
from reviewer.core.model import Paper
from reviewer.core.text import normalize_title

# -- a brute-force reference for DuplicateIndex.find --------------------------------------


def reference_keys(title: str) -> list[str]:
    """The five blocking keys as the dedup docstring describes them."""
    words = title.split()
    if len(words) < 3:
        return ["head " + title[:16], "tail " + title[-16:]]
    longest = sorted(sorted(words, key=len, reverse=True)[:3])
    return ["first " + " ".join(words[:3]), "last " + " ".join(words[-3:]),
            "longest " + " ".join(longest), "head " + title[:16], "tail " + title[-16:]]


def reference_compatible(a: Paper, b: Paper) -> bool:
    if a.arxiv_id and b.arxiv_id and a.arxiv_id.lower() != b.arxiv_id.lower():
        return False
    if a.doi and b.doi and a.doi.lower() != b.doi.lower():
        return False
    sa = {n.split()[-1].lower() for n in a.authors}
    sb = {n.split()[-1].lower() for n in b.authors}
    if sa and sb and not sa & sb:
        return False
    return not (a.year and b.year and abs(a.year - b.year) > 1)


def reference_find(stored: list[Paper], query: Paper, cap: int = 128) -> int | None:
    """Index (1-based) of the stored paper ``query`` duplicates, scanning every title."""
    for number, p in enumerate(stored, 1):
        if query.arxiv_id and p.arxiv_id.lower() == query.arxiv_id.lower():
            return number
    for number, p in enumerate(stored, 1):  # the first paper with the DOI decides
        if query.doi and p.doi.lower() == query.doi.lower():
            if reference_compatible(p, query):
                return number
            break
    q = normalize_title(query.title)
    for number, p in enumerate(stored, 1):
        if normalize_title(p.title) == q and reference_compatible(p, query):
            return number
    if len(q) < 24:
        return None
    # Only the first paper of each title is a fuzzy candidate, and a key's bucket holds
    # the first ``cap`` titles given that key.
    first_of_title: dict[str, int] = {}
    members: dict[str, list[int]] = {}
    for number, p in enumerate(stored, 1):
        t = normalize_title(p.title)
        if t in first_of_title or len(t) < 24:
            first_of_title.setdefault(t, number)
            continue
        first_of_title[t] = number
        for k in reference_keys(t):
            bucket = members.setdefault(k, [])
            if len(bucket) < cap:
                bucket.append(number)
    candidates = []
    for position, k in enumerate(reference_keys(q)):
        for number in members.get(k, []):
            title = normalize_title(stored[number - 1].title)
            score = fuzz.ratio(q, title)
            if score >= 93 - 1e-9:  # "at least 93", allowing for floating point
                candidates.append((-score, position, number))
    numbers = re.findall(r"\d+", q)
    for _, _, number in sorted(candidates):
        p = stored[number - 1]
        if re.findall(r"\d+", normalize_title(p.title)) == numbers and reference_compatible(p, query):
            return number
    return None


def find(stored: list[Paper], query: Paper) -> int | None:
    index = DuplicateIndex()
    for number, p in enumerate(stored, 1):
        index.add(Fingerprint.of(number, p))
    hit = index.find(Fingerprint.of(0, query))
    return None if hit is None else hit.key


_VOCAB = ["vision", "mamba", "unet", "medical", "image", "segmentation", "of", "the", "for",
          "multiscale", "transformer", "3d", "v2", "survey", "a", "large", "language", "models"]
_words = st.lists(st.sampled_from(_VOCAB), min_size=2, max_size=9)


@st.composite
def near_titles(draw) -> tuple[list[str], str]:
    """A few titles sharing words, and a query that is one of them slightly changed."""
    stored = [" ".join(draw(_words)) for _ in range(draw(st.integers(1, 8)))]
    base = draw(st.sampled_from(stored))
    edit = draw(st.sampled_from(["typo", "drop", "add", "case", "none", "other"]))
    if edit == "typo" and len(base) > 3:
        i = draw(st.integers(0, len(base) - 2))
        query = base[:i] + base[i + 1] + base[i] + base[i + 2:]
    elif edit == "drop":
        query = " ".join(w for w in base.split() if w not in ("the", "a", "of"))
    elif edit == "add":
        query = base + " " + draw(st.sampled_from(_VOCAB))
    elif edit == "case":
        query = base.title()
    elif edit == "other":
        query = " ".join(draw(_words))
    else:
        query = base
    return stored, query


_people = st.lists(st.sampled_from(["Ada Lovelace", "Grace Hopper", "Alan Turing"]), max_size=2)


@settings(max_examples=400, deadline=None)
@given(near_titles(), st.lists(st.tuples(_people, st.sampled_from([None, 2020, 2021, 2024])),
                               min_size=9, max_size=9))
def test_find_agrees_with_a_scan_of_every_title(case, meta):
    stored_titles, query_title = case
    stored = [Paper(t, authors=list(a), year=y) for t, (a, y) in zip(stored_titles, meta)]
    authors, year = meta[-1]
    query = Paper(query_title, authors=list(authors), year=year)
    assert find(stored, query) == reference_find(stored, query)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(_VOCAB[:8]), min_size=4, max_size=7), st.integers(0, 3))
def test_ties_go_to_the_first_block_then_the_first_added(words, drop):
    """Several stored titles score the same against the query: the order decides."""
    base = " ".join(words)
    stored = [base + " " + extra for extra in ("alpha", "gamma", "omega")]
    stored.append(" ".join(words[:drop] + words[drop + 1:]) + " alpha")
    papers = [Paper(t) for t in stored]
    query = Paper(base + " delta")
    assert find(papers, query) == reference_find(papers, query)


def test_a_tie_goes_to_the_title_found_by_an_earlier_key():
    """Keys are tried in the order first words, last words, longest words, head, tail."""
    query = "deep hierarchical transformer segmentation for volumetric ultrasound in clinics"
    late_change = query.replace("clinics", "clinacs")  # shares the first words
    early_change = query.replace("deep", "deap")       # shares the last words only
    assert fuzz.ratio(query, late_change) == fuzz.ratio(query, early_change) >= 93
    assert find([Paper(early_change), Paper(late_change)], Paper(query)) == 2
    assert find([Paper(late_change), Paper(early_change)], Paper(query)) == 1


# -- hand-written boundaries ---------------------------------------------------------------

HEAD = "hierarchical transformer segmentation"
TAIL = "volumetric ultrasound reconstruction"


def _edited(middle: str, inserted: bool) -> tuple[str, str]:
    """A title and a copy with 7 of its middle letters replaced by one absent from it
    (14 indels), and maybe one more letter inserted: the scores are known in advance."""
    title = f"{HEAD} {middle} {TAIL}"
    letters = [i for i, c in enumerate(middle) if c != " "][:7]
    changed = "".join("q" if i in letters else c for i, c in enumerate(middle))
    return title, f"{HEAD} {changed}{'q' if inserted else ''} {TAIL}"


def test_a_score_of_exactly_93_matches():
    title, other = _edited("networks with sparse bias", inserted=False)
    assert len(title) + len(other) == 200
    assert fuzz.ratio(title, other) == 93.0  # the premise: 1 - 14/200
    assert find([Paper(title)], Paper(other)) == 1


def test_a_score_just_above_93_matches():
    title, other = _edited("networks with sparse bias tensor", inserted=True)
    assert len(title) + len(other) == 215
    assert fuzz.ratio(title, other) == pytest.approx(100 * (1 - 15 / 215))  # 93.02
    assert find([Paper(title)], Paper(other)) == 1


def test_a_score_just_below_93_does_not_match():
    title, other = _edited("networks with sparse bias terms", inserted=True)
    assert len(title) + len(other) == 213
    assert fuzz.ratio(title, other) == pytest.approx(100 * (1 - 15 / 213))  # 92.96
    assert find([Paper(title)], Paper(other)) is None


def test_fuzzy_matching_starts_at_24_characters():
    long, short = "deep nets for brain mris", "deep nets for brain mri"
    assert (len(long), len(short)) == (24, 23)
    assert find([Paper(long)], Paper(long.replace("brain", "brian"))) == 1
    assert find([Paper(short)], Paper(short.replace("brain", "brian"))) is None


def test_numbers_must_agree_in_a_fuzzy_match():
    title = "hierarchical transformer segmentation of 3d volumetric ultrasound"
    assert find([Paper(title)], Paper(title.replace("hierarchical", "hierarchcial"))) == 1
    assert find([Paper(title)], Paper(title.replace("3d", "2d"))) is None
    assert find([Paper(title)], Paper(title.replace("3d", "3d v2"))) is None


def test_a_better_scoring_look_alike_with_other_numbers_gives_way_to_the_next():
    query = f"{HEAD} of 2 {TAIL} networks"
    closer = f"{HEAD} of 3 {TAIL} networks"    # two edits away, another number
    farther = f"{HEAD} of 2 {TAIL} netwarcs"   # four edits away, same number
    assert fuzz.ratio(query, closer) > fuzz.ratio(query, farther) >= 93  # the premise
    assert find([Paper(closer), Paper(farther)], Paper(query)) == 2


def _fillers(n: int) -> list[Paper]:
    # Titles with all five keys of the target (same first, last and longest words, same
    # first and last 16 characters) that differ from it in a number: never a match.
    return [Paper(f"{HEAD} {i} {TAIL}") for i in range(n)]


def test_a_full_bucket_takes_no_more_titles():
    target = Paper(f"{HEAD} 500 {TAIL}")
    query = Paper(f"{HEAD} 500 of {TAIL}")
    assert fuzz.ratio(normalize_title(target.title), normalize_title(query.title)) >= 93
    assert find([target, *_fillers(200)], query) == 1
    assert find([*_fillers(127), target], query) == 128
    assert find([*_fillers(128), target], query) is None  # every bucket of the target is full
    papers = [*_fillers(128), target]
    assert reference_find(papers, query) is None and reference_find(papers, query, cap=129) == 129


def test_an_incompatible_exact_title_still_leaves_a_fuzzy_match():
    title = f"{HEAD} networks {TAIL}"
    stored = [Paper(title, year=2010), Paper(title.replace("networks", "network"), year=2024)]
    assert find(stored, Paper(title, year=2024)) == 2


def test_a_merged_richer_title_keeps_finding_the_paper_by_both_spellings():
    old = Fingerprint.of(1, Paper(f"{HEAD} networks {TAIL}"))
    index = DuplicateIndex()
    index.add(old)
    index.update(old, Fingerprint.of(1, Paper(f"{HEAD}: deep networks for {TAIL}")))
    for spelling in (f"{HEAD} networks {TAIL}", f"{HEAD} networcs {TAIL}",
                     f"{HEAD}: deep networks for {TAIL}"):
        hit = index.find(Fingerprint.of(0, Paper(spelling)))
        assert hit is old, spelling


# -- normalize_title -----------------------------------------------------------------------


def reference_normalize(title: str) -> str:
    decomposed = unicodedata.normalize("NFKD", title)
    title = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(re.findall(r"[^\W_]+", title.casefold()))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.characters(max_codepoint=127)))
def test_ascii_titles_normalise_as_the_regex_says(title):
    assert normalize_title(title) == reference_normalize(title)


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_title_normalises_as_the_regex_says(title):
    assert normalize_title(title) == reference_normalize(title)


# -- citation keys -------------------------------------------------------------------------


def reference_title_words(title: str) -> list[str]:
    """Better BibTeX's shorttitle(3,3), as the citekeys docstring describes it."""
    from anyascii import anyascii

    # Transliterated (issue 17: other scripts must not vanish from keys).
    folded = anyascii(title.translate(str.maketrans(
        {"ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ø": "o", "Ø": "O", "ł": "l",
         "Ł": "L", "đ": "d", "Đ": "D", "þ": "th", "Þ": "Th", "ı": "i"})))
    words = []
    for raw in re.split(r"[\s/]+", folded):
        word = re.sub(r"[^A-Za-z0-9]", "", raw)
        if word and word.lower() not in SKIP_WORDS:
            words.append(word[0].upper() + word[1:])
    return words[:3]


_title_text = st.lists(st.sampled_from(
    list("abcXYZ019 \t/-:'.,_()") + ["é", "Ö", "ß", "ł", "Æ", "\u0301", "\u00a0", "\x1f",
                                     "—", "π", "日", " the ", " of ", " A "]),
    max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(_title_text)
def test_title_words_agree_with_the_regex_reference(title):
    assert title_words(title) == reference_title_words(title)


@settings(max_examples=300, deadline=None)
@given(_title_text, st.lists(st.sampled_from(["Ashish Vaswani", "Müller, Jürgen", "Ø", "",
                                              "de la Fontaine, Jean", "Łukasz Kaiser"]),
                             max_size=2),
       st.one_of(st.none(), st.integers(1900, 2100)))
def test_keys_are_ascii_letters_and_digits_starting_with_a_letter(title, authors, year):
    key = base_key(Paper(title, authors=authors, year=year))
    assert re.fullmatch(r"[A-Za-z][A-Za-z0-9]*", key)
    assert check_key(key) is None
    assert key.endswith(str(year) if year else "")
    assert "".join(reference_title_words(title)) in key


@pytest.mark.parametrize(("paper", "key"), [
    (Paper("Ærø: façade/naïve — π-calculus", year=2021), "AEroFacadeNaive2021"),
    (Paper("On the Of And", year=2020), "paper2020"),  # skip words only
    (Paper("Of the", authors=[]), "paper"),
    (Paper("3D U-Net: learning dense volumetric segmentation", year=2016),
     "paper3DUNetLearning2016"),
    (Paper("3D U-Net: learning dense volumetric segmentation", authors=["Çiçek, Özgün"],
           year=2016), "cicek3DUNetLearning2016"),
    (Paper("What's in a name? (A study)"), "WhatsNameStudy"),
    (Paper("Deep\tlearning\x1fin/for medicine"), "DeepLearningMedicine"),
    (Paper("snake_case title"), "SnakecaseTitle"),
    (Paper("ĲSSEL: straße über alles", authors=["Øyvind Ødegård"]), "odegardIJSSELStrasseUber"),
])
def test_keys_of_odd_titles(paper: Paper, key: str):
    assert base_key(paper) == key


def test_a_taken_key_gets_the_next_free_suffix():
    p = Paper("Attention Is All You Need", authors=["Ashish Vaswani"], year=2017)
    base = "vaswaniAttentionAllYou2017"
    low = base.lower()  # taken keys are compared in lower case
    assert make_key(p, set()) == base
    assert make_key(p, {low}) == base + "a"
    assert make_key(p, {low, low + "a", low + "b"}) == base + "c"
    assert make_key(p, {low + "a"}) == base
