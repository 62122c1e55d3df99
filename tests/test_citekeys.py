"""Citation keys: Better BibTeX's default shape, unique, stable once they leave the app."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reviewer.core.citekeys import base_key, check_key, make_key, suffixes, title_words
from reviewer.core.importer import store_papers
from reviewer.core.model import Paper, Source


@pytest.mark.parametrize(("paper", "key"), [
    (Paper("Attention Is All You Need", authors=["Ashish Vaswani", "Noam Shazeer"], year=2017),
     "vaswaniAttentionAllYou2017"),
    (Paper("Attention Is All You Need", authors=["Vaswani, Ashish"], year=2017),
     "vaswaniAttentionAllYou2017"),
    (Paper("U-Net: Convolutional Networks for Biomedical Image Segmentation",
           authors=["Ronneberger, Olaf"], year=2015), "ronnebergerUNetConvolutionalNetworks2015"),
    (Paper("Über die Natur der Dinge", authors=["Jürgen Müller"], year=1999),
     "mullerUberNaturDinge1999"),
    (Paper("Hulu-Med: A Transparent Generalist Model", year=2025),
     "HuluMedTransparentGeneralist2025"),
    (Paper("Towards a Medical AI Scientist", author_count=8), "MedicalAIScientist"),
    (Paper("The Power of Simplicity", authors=["de la Fontaine, Jean"], year=2020),
     "delafontainePowerSimplicity2020"),
    (Paper("医学图像分割", year=2024), "YiXueTuXiangFenGe2024"),  # transliterated
    (Paper("3D Segmentation of Everything", year=2024), "paper3DSegmentationEverything2024"),
])
def test_keys_have_better_bibtex_default_shape(paper: Paper, key: str):
    assert base_key(paper) == key
    assert check_key(key) is None


def test_title_words_skip_function_words():
    assert title_words("A Survey of the State of the Art in Medical Imaging") == [
        "Survey", "State", "Art"]


def test_clashes_get_a_b_c():
    p = Paper("Attention Is All You Need", authors=["Ashish Vaswani"], year=2017)
    taken: set[str] = set()
    keys = []
    for _ in range(4):
        keys.append(make_key(p, taken))
        taken.add(keys[-1].lower())  # taken keys are compared in lower case
    assert keys == ["vaswaniAttentionAllYou2017", "vaswaniAttentionAllYou2017a",
                    "vaswaniAttentionAllYou2017b", "vaswaniAttentionAllYou2017c"]


def test_suffixes_continue_after_z():
    it = suffixes()
    labels = [next(it) for _ in range(30)]
    assert labels[:3] == ["", "a", "b"] and labels[26:30] == ["z", "aa", "ab", "ac"]


def test_keys_are_assigned_at_import_and_unique(review):
    same = [Paper("Attention Is All You Need", authors=[name], year=2017,
                  sources=[Source("/a.bib", n, "bibtex")])
            for n, name in enumerate(["Ashish Vaswani", "Someone Else"], 1)]
    store_papers(review, same, ["/a.bib"])
    keys = [p.citekey for p in review.papers()]
    assert keys == ["vaswaniAttentionAllYou2017", "elseAttentionAllYou2017"]


def test_richer_data_improves_a_key_that_never_left_the_app(review):
    store_papers(review, [Paper("Segment Anything", sources=[Source("/a.txt", 1, "hf")])],
                 ["/a.txt"])
    assert review.get(1).citekey == "SegmentAnything"
    richer = Paper("Segment Anything", authors=["Alexander Kirillov"], year=2023,
                   sources=[Source("/b.bib", 1, "bibtex")])
    store_papers(review, [richer], ["/b.bib"])
    assert review.get(1).citekey == "kirillovSegmentAnything2023"


def test_an_exported_key_never_changes(review):
    store_papers(review, [Paper("Segment Anything", sources=[Source("/a.txt", 1, "hf")])],
                 ["/a.txt"])
    review.freeze_citekeys([1])
    richer = Paper("Segment Anything", authors=["Alexander Kirillov"], year=2023,
                   sources=[Source("/b.bib", 1, "bibtex")])
    store_papers(review, [richer], ["/b.bib"])
    assert review.get(1).citekey == "SegmentAnything"
    assert review.get(1).authors == ["Alexander Kirillov"]
    # A new paper that would want the same key gets the next suffix instead.
    store_papers(review, [Paper("Segment Anything", authors=["Other Person"], year=2023,
                                sources=[Source("/c.txt", 1, "lines")])], ["/c.txt"])
    assert [p.citekey for p in review.papers()] == ["SegmentAnything", "personSegmentAnything2023"]


@pytest.mark.parametrize("key", ["", "9lives", "with space", "ü", "a{b}", "a,b", "a%b"])
def test_bad_hand_written_keys_are_refused(key: str):
    assert check_key(key) is not None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abXY09 -'.,éØßł\u0301"), min_size=1, max_size=15))
def test_key_author_part_is_the_folded_lower_case_surname(name):
    from reviewer.core.citekeys import transliterate
    from reviewer.core.names import surname_raw

    key = base_key(Paper("Zzz", authors=[name]))
    author = re.sub(r"[^a-z0-9]", "", transliterate(surname_raw(name)).lower())
    expected = author + "Zzz"
    assert key == (expected if expected[0].isalpha() else "paper" + expected)


def test_keys_frozen_before_schema_v3_stay_frozen_and_their_history_replays(tmp_path):
    import json
    import sqlite3

    from reviewer.core import schema
    from reviewer.core.store import Review

    from .old_schema import old_review

    path = tmp_path / "v2.sqlite"
    old_review(path, 2, ["Segment Anything", "Attention Is All You Need"])
    second = "Key2"
    # What a v2 review held: the flag in papers, and a hand-set key's history entry
    # written the v2 way.
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("UPDATE papers SET citekey_frozen = 1 WHERE id = 1")
    conn.execute("UPDATE papers SET citekey = 'vaswani2017', citekey_frozen = 1 WHERE id = 2")
    ops = [{"k": "set", "id": 2, "f": {"citekey": [second, "vaswani2017"],
                                        "citekey_frozen": [0, 1]}}]
    conn.execute("INSERT INTO history (at, label, ops) VALUES ('2026-11-30', 'key', ?)",
                 (json.dumps(ops),))
    conn.close()

    with Review.open(path) as review:
        assert schema.current_version(review.conn) == schema.VERSION
        assert review.frozen_citekeys([1, 2]) == {1, 2}
        store_papers(review, [Paper("Segment Anything", authors=["Alexander Kirillov"],
                                    year=2023, sources=[Source("/b.bib", 1, "bibtex")])],
                     ["/b.bib"])
        assert review.get(1).citekey == "Key1"  # frozen: not regenerated
        review.undo()  # the import
        review.undo()  # the v2 hand-set key
        assert review.get(2).citekey == second
        assert review.frozen_citekeys([1, 2]) == {1}
        review.redo()
        assert review.get(2).citekey == "vaswani2017"
        assert review.frozen_citekeys([1, 2]) == {1, 2}


@pytest.mark.parametrize(("paper", "key"), [
    (Paper("Глубокое обучение для медицины", authors=["Иванов, Иван"], year=2021),
     "ivanovGlubokoeObuchenieDlya2021"),
    (Paper("Παπαδόπουλος", authors=["Παπαδόπουλος, Γ."], year=2020), "papadopoylosPapadopoylos2020"),
    (Paper("深度学习", year=2019), "ShenDuXueXi2019"),
])
def test_keys_from_other_scripts_are_transliterated(paper: Paper, key: str):
    # Folding alone dropped these letters and left "paper2021" (issue 17).
    assert base_key(paper) == key
