"""Duplicate detection: identifiers, titles, fuzzy titles, and Zotero's rule for look-alikes."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from reviewer.core.dedup import FUZZY_THRESHOLD, DuplicateIndex, Fingerprint
from reviewer.core.importer import store_papers
from reviewer.core.model import Paper, Source
from reviewer.core.parsers import ParseContext, parse_text
from reviewer.core.text import normalize_title

from .conftest import SEED_COMPACT, SEED_PLAIN, SEED_RICH

BASE = "Multimodal Masked Autoencoder Pre-training for Brain Tumor Analysis"


def index_of(*papers: Paper) -> DuplicateIndex:
    index = DuplicateIndex()
    for number, p in enumerate(papers, 1):
        index.add(Fingerprint.of(number, p))
    return index


def match(index: DuplicateIndex, paper: Paper) -> int | None:
    hit = index.find(Fingerprint.of(0, paper))
    return None if hit is None else hit.key


def test_same_arxiv_id_matches_even_with_another_title():
    index = index_of(Paper("Old title of the preprint", arxiv_id="2401.01234"))
    assert match(index, Paper("Renamed in version two", arxiv_id="2401.01234")) == 1


def test_same_doi_matches():
    index = index_of(Paper("A paper", doi="10.1000/xyz"))
    assert match(index, Paper("The paper, published", doi="10.1000/xyz")) == 1


def test_different_arxiv_ids_are_different_papers_despite_equal_titles():
    index = index_of(Paper(BASE, arxiv_id="2401.01234"))
    assert match(index, Paper(BASE, arxiv_id="2402.04321")) is None


@pytest.mark.parametrize("variant", [
    BASE.upper(),
    BASE.replace("-", " ").replace(":", ""),
    "  " + BASE + ".  ",
    BASE.replace("Tumor", "Tumour"),          # one letter added
    BASE.replace("Analysis", "Analysys"),     # a typo
    BASE.replace(" for ", " for the "),       # an added article
    BASE.replace("Pre-training", "Pretraining"),
])
def test_title_variants_match(variant: str):
    assert match(index_of(Paper(BASE)), Paper(variant)) == 1


def test_unrelated_or_merely_similar_titles_do_not_match():
    index = index_of(Paper("VM-UNet: Vision Mamba UNet for Medical Image Segmentation"))
    assert match(index, Paper("MSVM-UNet: Multi-Scale Vision Mamba UNet for Medical Image "
                              "Segmentation")) is None
    assert match(index, Paper("Something else entirely about proteins")) is None


def test_titles_that_differ_in_a_number_are_different_papers():
    index = index_of(Paper("Scaling Laws for Medical Segmentation, Part 1"),
                     Paper("YOLOv5 for Real-Time Polyp Detection in Colonoscopy Videos"))
    assert match(index, Paper("Scaling Laws for Medical Segmentation, Part 2")) is None
    assert match(index, Paper("YOLOv7 for Real-Time Polyp Detection in Colonoscopy Videos")) is None
    assert match(index, Paper("YOLOv5 for Real Time Polyp Detection in Colonoscopy Video")) == 2


def test_short_titles_must_match_exactly():
    index = index_of(Paper("SAM 2"))
    assert match(index, Paper("SAM 3")) is None
    assert match(index, Paper("sam 2")) == 1


def test_long_titles_of_one_or_two_words_match_fuzzily_too():
    # 24 characters or more: the fuzzy rule applies, however few the words.
    index = index_of(Paper("Pneumonoultramicroscopicsilicovolcanoconiosis"),
                     Paper("Electroencephalographic Segmentation"))
    assert match(index, Paper("Pneumonoultramicroscopicsilicovolcanoconiossis")) == 1
    assert match(index, Paper("Electroencephalograhpic Segmentation")) == 2
    assert match(index, Paper("Electrocardiographic Segmentation")) is None


def test_zotero_rule_disjoint_authors_are_different_papers():
    index = index_of(Paper(BASE, authors=["Ada Lovelace", "Charles Babbage"]))
    assert match(index, Paper(BASE, authors=["Grace Hopper"])) is None
    assert match(index, Paper(BASE, authors=["Lovelace, Ada"])) == 1
    assert match(index, Paper(BASE)) == 1  # unknown authors do not contradict


def test_zotero_rule_years_more_than_one_apart_are_different_papers():
    index = index_of(Paper(BASE, year=2020))
    assert match(index, Paper(BASE, year=2021)) == 1
    assert match(index, Paper(BASE, year=2023)) is None
    # A year guessed for a date printed without one is no evidence either way.
    assert match(index, Paper(BASE, year=2026, year_inferred=True)) == 1


def _seed_titles() -> list[str]:
    titles: set[str] = set()
    for path in (SEED_RICH, SEED_PLAIN, SEED_COMPACT):
        _, result = parse_text(path.read_text(encoding="utf-8"), ParseContext(str(path), 2026))
        titles.update(normalize_title(p.title) for p in result.papers)
    return sorted(titles)


def test_threshold_separates_the_seeds_distinct_papers(seeds):
    """The documented reason for the threshold: no two distinct seed titles reach it."""
    titles = _seed_titles()
    assert len(titles) == 315
    closest = max(fuzz.ratio(a, b) for a, b in itertools.combinations(titles, 2))
    assert closest < FUZZY_THRESHOLD
    assert closest == pytest.approx(88.9, abs=0.1)


def test_seed_titles_with_a_typo_still_find_their_paper(seeds):
    titles = [t for t in _seed_titles() if len(t) >= 40]
    index = index_of(*(Paper(t) for t in titles))
    for number, title in enumerate(titles, 1):
        # Swap two letters in the middle of the title: a typical typo.
        middle = len(title) // 2
        typo = title[:middle] + title[middle + 1] + title[middle] + title[middle + 2:]
        assert match(index, Paper(typo)) == number, title


def test_import_merges_duplicates_within_one_batch(review):
    papers = [Paper(BASE, sources=[Source("/a.txt", 1, "lines")]),
              Paper(BASE.lower(), sources=[Source("/a.txt", 2, "lines")], year=2024)]
    assert store_papers(review, papers, ["/a.txt"]) == (1, 1)
    stored = review.get(1)
    assert stored.year == 2024
    assert [s.line for s in stored.sources] == [1, 2]


def test_normalised_titles_ignore_accents_case_and_punctuation():
    assert normalize_title("Régression: A  CASE-Study!") == "regression a case study"
    assert normalize_title("2D \\& 3D") == normalize_title("2D & 3D")
    # Letters without a decomposition and other scripts are kept, not dropped.
    assert normalize_title("Łódź — ÆON_x") == "łodz æon x"
    assert normalize_title("医学图像分割: 综述") == "医学图像分割 综述"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcXYZ09 ,.-_'éÖ\u0301ß"), max_size=20))
def test_surname_fast_path_matches_the_normalised_form(name):
    from reviewer.core.names import surname, surname_raw

    assert surname(name) == normalize_title(surname_raw(name)).replace(" ", "")
