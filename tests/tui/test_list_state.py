"""The list's view while the search index loads: titles only, and kept current."""

from __future__ import annotations

from reviewer.core.model import Decision
from reviewer.core.store import Summary
from reviewer.tui.state import ListState


def row(pid: int, title: str) -> Summary:
    return Summary(pid, title, 2024, False, Decision.UNDECIDED, None, False, False)


TITLES = ["Segment Anything", "SAM 2: Segment Anything in Videos", "Attention Is All You Need",
          "Straße und Weg: STRASSE segmentation"]


def view_ids(state: ListState) -> list[int]:
    return [r.id for r in state.view]


def test_before_the_index_every_word_must_be_in_the_title_in_any_case():
    state = ListState([row(i, t) for i, t in enumerate(TITLES, 1)])
    state.set_query("segment")
    assert view_ids(state) == [1, 2, 4]
    state.set_query("ANYTHING  segm")
    assert view_ids(state) == [1, 2]
    state.set_query("strasse")  # casefolded: ß matches ss
    assert view_ids(state) == [4]
    state.set_query("segment videos")
    assert view_ids(state) == [2]
    state.set_query("")
    assert view_ids(state) == [1, 2, 3, 4]


def test_titles_edited_or_reloaded_are_searched_as_they_now_are():
    state = ListState([row(i, t) for i, t in enumerate(TITLES, 1)])
    state.set_query("attention")
    assert view_ids(state) == [3]
    state.replace([row(3, "Retention Is All You Need")])
    state.set_query("attention")
    assert view_ids(state) == []
    state.set_query("retention")
    assert view_ids(state) == [3]
    state.reload([row(7, "Attention, again")])
    state.set_query("attention")
    assert view_ids(state) == [7]
