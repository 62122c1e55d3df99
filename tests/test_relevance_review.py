"""The screening assistant on a review: learned order, likeness, sections, stopping."""

from __future__ import annotations

import json
import math

import pytest

from reviewer.cli import main
from reviewer.core.importer import store_papers
from reviewer.core.model import Decision, Paper, Source
from reviewer.core.relevance.features import tfidf_matrix
from reviewer.core.relevance.related import most_similar, section_affinity
from reviewer.core.relevance.scoring import (
    corpus_of, learn, like, relabel, stopping_figures, suggest_sections, top_undecided)
from reviewer.core.relevance.stopping import (
    screening_order, since_last_include, unseen_relevant)

ABSTRACTS = {
    "graph": "graph neural networks pass messages between the nodes of a graph",
    "vision": "convolutional networks segment the pixels of a camera image",
    "speech": "acoustic models recognise phonemes in recorded speech audio",
}


def fill(review, per_topic: int = 6) -> dict[str, list[int]]:
    """Papers of three topics, interleaved; returns each topic's paper ids."""
    papers = []
    for i in range(per_topic):
        for topic, abstract in ABSTRACTS.items():
            papers.append(Paper(title=f"A {topic} study, part {i + 1}", abstract=abstract,
                                sources=[Source("/dumps/a.txt", len(papers) + 1, "lines")]))
    store_papers(review, papers, ["/dumps/a.txt"])
    ids: dict[str, list[int]] = {t: [] for t in ABSTRACTS}
    for s in review.summaries():
        ids[s.title.split()[1]].append(s.id)
    return ids


def test_no_learned_order_before_an_include_and_an_exclude(review):
    ids = fill(review)
    review.decide([ids["graph"][0]], Decision.INCLUDE)
    learned = learn(corpus_of(review))
    assert learned.scores is None
    assert "one relevant" in learned.message and "so far 1 and 0" in learned.message


def test_learned_order_puts_the_included_topic_first(review):
    ids = fill(review)
    review.decide([ids["speech"][0]], Decision.INCLUDE)
    review.decide([ids["vision"][0]], Decision.EXCLUDE)
    scores = learn(corpus_of(review)).scores
    undecided = [pid for topic in ids for pid in ids[topic][1:]]
    top = sorted(undecided, key=lambda pid: -scores[pid])[:5]
    assert set(top) <= set(ids["speech"])


def test_a_star_counts_as_relevant_and_maybe_as_nothing(review):
    ids = fill(review)
    review.star([ids["graph"][0]])
    review.decide([ids["vision"][0]], Decision.EXCLUDE)
    review.decide([ids["speech"][0]], Decision.MAYBE)
    learned = learn(corpus_of(review))
    assert (learned.relevant, learned.irrelevant) == (1, 1)
    graph_rest = ids["graph"][1:]
    assert min(learned.scores[p] for p in graph_rest) > max(
        learned.scores[p] for p in ids["speech"][1:])


def test_relabel_follows_new_decisions_without_refitting_features(review):
    ids = fill(review)
    corpus = corpus_of(review)
    features = corpus.features
    review.decide([ids["graph"][0]], Decision.INCLUDE)
    review.decide([ids["speech"][0]], Decision.EXCLUDE)
    relabel(corpus, review.summaries())
    assert corpus.features is features
    scores = learn(corpus).scores
    assert scores is not None
    # The cursor's advance goes to the best undecided paper: a graph one, not the
    # included graph paper itself.
    top = top_undecided(scores, review.summaries())
    assert top in ids["graph"][1:]
    assert top == max(ids["graph"][1:], key=lambda p: (scores[p], -p))
    review.decide([p for t in ids for p in ids[t]], Decision.EXCLUDE)
    assert top_undecided(scores, review.summaries()) is None


def test_like_ranks_papers_of_the_same_topic_first(review):
    ids = fill(review)
    scores = like(review, ids["vision"][2])
    assert ids["vision"][2] not in scores
    top = sorted(scores, key=lambda pid: -scores[pid])[:5]
    assert set(top) == set(ids["vision"]) - {ids["vision"][2]}


def test_most_similar_leaves_out_papers_sharing_no_word():
    features = tfidf_matrix(["red apple pie", "red apple tart", "blue sky", "apple crumble"])
    hits = most_similar(features, 0)
    assert [row for row, _ in hits] == [1, 3]
    assert hits[0][1] > hits[1][1] > 0


def test_section_affinity_prefers_the_section_of_like_papers():
    features = tfidf_matrix(["speech audio phonemes", "speech audio recognition",
                             "image pixels segmentation", "image pixels camera",
                             "audio speech acoustic"])
    ranked = section_affinity(features, 4, {"Vision": [2, 3], "Speech": [0, 1],
                                            "Empty": [], "Only itself": [4]})
    assert [title for title, _ in ranked] == ["Speech", "Vision"]


def test_suggested_section_for_a_paper(review):
    ids = fill(review)
    review.assign("Seeing", ids["vision"][:2], create=True)
    review.assign("Hearing", ids["speech"][:2], create=True)
    review.assign("Already", [ids["speech"][3]], create=True)
    ranked = suggest_sections(review, ids["speech"][3])
    assert [title for title, _ in ranked] == ["Hearing", "Seeing"]  # not the one it is in


def test_screening_order_from_the_decision_log():
    log = [(5, "include"), (6, "exclude"), (5, "exclude"), (7, "maybe"), (6, "undecided"),
           (8, "exclude"), (6, "include")]
    # 9 was decided without a log entry (imported with its decision): first.
    assert screening_order(log, decided=[5, 6, 7, 8, 9]) == [9, 5, 7, 8, 6]
    assert screening_order(log, decided=[5, 8]) == [5, 8]


def test_since_last_include():
    assert since_last_include([1, 2, 3, 4], relevant={2}) == 2
    assert since_last_include([1, 2, 3, 4], relevant={4}) == 0
    assert since_last_include([1, 2, 3], relevant=set()) == 3


def test_unseen_relevant_with_a_flat_rate_is_the_rate_times_what_is_left():
    hits = [i % 10 == 3 for i in range(1000)]  # one in ten, evenly
    estimate = unseen_relevant(hits, unscreened=500)
    assert estimate.decay < 1e-4
    assert estimate.remaining == pytest.approx(50, rel=0.1)


def test_unseen_relevant_follows_a_falling_rate():
    # Includes placed where a rate 0.5 * exp(-x / 100) puts them: the k-th at the
    # position where the expected count reaches k - 0.5.
    a, b = 0.5, 0.01
    a_total = a / b
    hits = [False] * 400
    for k in range(1, int(a_total * (1 - math.exp(-b * 400))) + 1):
        x = -math.log(1 - (k - 0.5) * b / a) / b
        hits[int(x)] = True
    expected = a / b * (math.exp(-b * 400) - math.exp(-b * 1400))
    estimate = unseen_relevant(hits, unscreened=1000)
    assert estimate.decay == pytest.approx(b, rel=0.3)
    assert estimate.remaining == pytest.approx(expected, rel=0.5)
    # A flat-rate estimate would say far more.
    flat = sum(hits) / 400 * 1000
    assert estimate.remaining < flat / 3


def test_unseen_relevant_needs_an_include_and_ten_screened():
    assert unseen_relevant([False] * 10, 5) is None
    assert unseen_relevant([True] + [False] * 8, 5) is None  # nine screened: too few
    assert unseen_relevant([True] + [False] * 9, 5) is not None


def test_stopping_figures_change_with_decisions(review):
    ids = fill(review, per_topic=8)
    figures = stopping_figures(review)
    assert (figures.screened, figures.since_last_include, figures.unseen_relevant) == (0, 0, None)
    review.decide([ids["graph"][0]], Decision.INCLUDE)
    review.decide([ids["vision"][0]], Decision.EXCLUDE)
    review.decide([ids["vision"][1]], Decision.EXCLUDE)
    figures = stopping_figures(review)
    assert (figures.screened, figures.since_last_include) == (3, 2)
    assert figures.unseen_relevant is None  # three screened: too few to estimate from
    for pid in ids["vision"][2:]:
        review.decide([pid], Decision.EXCLUDE)
    review.decide([ids["graph"][1]], Decision.INCLUDE)
    figures = stopping_figures(review)
    assert (figures.screened, figures.since_last_include) == (10, 0)
    assert figures.unseen_relevant is not None and figures.unseen_relevant > 0
    before = figures.unseen_relevant
    for pid in ids["speech"]:
        review.decide([pid], Decision.EXCLUDE)
    after = stopping_figures(review)
    assert after.since_last_include == len(ids["speech"])
    assert after.unseen_relevant < before
    review.undo()  # the last exclusion is taken back: one screened fewer
    assert stopping_figures(review).since_last_include == len(ids["speech"]) - 1


# -- the command line -----------------------------------------------------------------

def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_sort_learned_shows_scores(tmp_path, capsys):
    from reviewer.core.store import Review

    path = tmp_path / "r.sqlite"
    with Review.open(path) as review:
        ids = fill(review)
    code, out, err = run_cli(capsys, "-r", str(path), "list", "--sort", "learned")
    assert code == 0 and "needs one relevant" in err
    assert [int(line.split()[0]) for line in out.splitlines()] == sorted(
        pid for topic in ids.values() for pid in topic)  # the order kept
    run_cli(capsys, "-r", str(path), "decide", str(ids["speech"][0]), "include")
    run_cli(capsys, "-r", str(path), "decide", str(ids["graph"][0]), "exclude")
    code, out, err = run_cli(capsys, "-r", str(path), "list", "--sort", "learned",
                             "--decision", "undecided", "--limit", "3")
    assert code == 0 and not err
    lines = out.splitlines()
    assert [int(line.split()[0]) for line in lines] == ids["speech"][1:4]
    assert all(line.split()[1].startswith("+") for line in lines)
    code, out, _ = run_cli(capsys, "-r", str(path), "list", "--sort", "learned", "--json")
    items = json.loads(out)
    assert [i["score"] for i in items] == sorted((i["score"] for i in items), reverse=True)


def test_list_like_and_suggest_section(tmp_path, capsys):
    from reviewer.core.store import Review

    path = tmp_path / "r.sqlite"
    with Review.open(path) as review:
        ids = fill(review)
        review.assign("Graphs", ids["graph"][:2], create=True)
        review.assign("Images", ids["vision"][:2], create=True)
    code, out, _ = run_cli(capsys, "-r", str(path), "list", "--like", str(ids["graph"][3]),
                           "--limit", "5")
    assert code == 0
    assert {int(line.split()[0]) for line in out.splitlines()} == (
        set(ids["graph"]) - {ids["graph"][3]})
    code, out, _ = run_cli(capsys, "-r", str(path), "suggest-section", str(ids["vision"][4]))
    assert code == 0 and out.splitlines()[0].split()[1] == "Images"
    code, out, err = run_cli(capsys, "-r", str(path), "suggest-section", "999")
    assert code == 2 and "999" in err
    code, out, err = run_cli(capsys, "-r", str(path), "list", "--like", "999")
    assert code == 2 and "999" in err
    code, out, err = run_cli(capsys, "-r", str(path), "list", "--like", "1", "--sort",
                             "learned")
    assert code == 2 and "does not combine" in err


def labelled_csv(path, rows: int = 60) -> list[tuple[str, int]]:
    """A small labelled file in ASReview's format, included rows first as in the corpus;
    returns (record_id, label) in file order."""
    import csv

    records = []
    for i in range(rows):
        topic = list(ABSTRACTS)[i % 3]
        records.append((str(100 + i), f"A {topic} study, part {i}", ABSTRACTS[topic],
                        int(topic == "speech")))
    records.sort(key=lambda r: -r[3])
    with open(path, "w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(["record_id", "title", "abstract", "authors", "label_included"])
        for rid, title, abstract, label in records:
            out.writerow([rid, title, abstract, "Someone", label])
    return [(r[0], r[3]) for r in records]


def test_simulate_command_prints_the_measures_and_writes_the_order(tmp_path, capsys):
    records = labelled_csv(tmp_path / "l.csv")
    order_file = tmp_path / "order.txt"
    code, out, err = run_cli(capsys, "simulate", str(tmp_path / "l.csv"), "--prior", "102",
                             "--prior", "100", "--order-out", str(order_file), "--json")
    assert code == 0, err
    figures = json.loads(out)
    assert figures["records"] == 60 and figures["included"] == 20
    assert figures["priors"] == ["102", "100"]
    assert figures["wss95"] > 0.4 and figures["loss"] < 0.05
    assert figures["updates"] == 58
    order = order_file.read_text().split()
    assert order[:2] == ["102", "100"]
    assert sorted(order) == sorted(rid for rid, _ in records)  # each record once
    # The included (speech) records come before the others.
    labels = dict(records)
    assert all(labels[rid] == 1 for rid in order[2:21])
    code, out, err = run_cli(capsys, "simulate", str(tmp_path / "l.csv"), "--seed", "4")
    assert code == 0 and "WSS@95" in out and "loss" in out and "median" in out


def test_simulate_draws_priors_with_the_seed(tmp_path, capsys):
    labelled_csv(tmp_path / "l.csv")
    outs = []
    for seed in ("1", "2", "1"):
        code, out, _ = run_cli(capsys, "simulate", str(tmp_path / "l.csv"), "--seed", seed,
                               "--prior-included", "2", "--prior-excluded", "1", "--json")
        assert code == 0
        outs.append(json.loads(out)["priors"])
    assert outs[0] == outs[2] != outs[1]
    assert len(outs[0]) == 3


@pytest.mark.parametrize("content, message", [
    ("title,abstract\nx,y\n", "no column record_id, label_included"),
    ("record_id,title,abstract,label_included\n1,a,b,1\n2,c,d,yes\n", ":3: label_included"),
    ("record_id,title,abstract,label_included\n1,a,b,1\n1,c,d,0\n", ":3: record_id 1 appears"),
    ("record_id,title,abstract,label_included\n1,a,b,1\n2,c,d,1\n", "one excluded"),
    ("", "no column"),
])
def test_simulate_refuses_bad_files_in_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, out, err = run_cli(capsys, "simulate", str(path))
    assert code == 2 and message in err and str(path) in err
    assert len(err.strip().splitlines()) == 1


def test_simulate_refuses_unknown_or_one_sided_priors(tmp_path, capsys):
    labelled_csv(tmp_path / "l.csv")
    code, _, err = run_cli(capsys, "simulate", str(tmp_path / "l.csv"), "--prior", "9999")
    assert code == 2 and "9999" in err
    code, _, err = run_cli(capsys, "simulate", str(tmp_path / "l.csv"), "--prior", "101")
    assert code == 2 and "one included and one excluded" in err
    code, _, err = run_cli(capsys, "simulate", str(tmp_path / "l.csv"),
                           "--prior-included", "50")
    assert code == 2 and "50 included" in err
    code, _, err = run_cli(capsys, "simulate", str(tmp_path / "missing.csv"))
    assert code == 2 and "missing.csv" in err


def test_stats_show_the_stopping_figures(tmp_path, capsys):
    from reviewer.core.store import Review

    path = tmp_path / "r.sqlite"
    with Review.open(path) as review:
        ids = fill(review)
    code, out, _ = run_cli(capsys, "-r", str(path), "stats", "--json")
    stats = json.loads(out)
    assert stats["since_last_include"] == 0 and stats["unseen_relevant_estimate"] is None
    run_cli(capsys, "-r", str(path), "decide", str(ids["speech"][0]), "include")
    for pid in ids["graph"][:3]:
        run_cli(capsys, "-r", str(path), "decide", str(pid), "exclude")
    code, out, _ = run_cli(capsys, "-r", str(path), "stats")
    assert "screened since the last include  3" in out
    assert "estimated once 10 papers are screened" in out  # four: too few to tell
    for pid in ids["graph"][3:] + ids["vision"][:3]:
        run_cli(capsys, "-r", str(path), "decide", str(pid), "exclude")
    code, out, _ = run_cli(capsys, "-r", str(path), "stats")
    assert "screened since the last include  9" in out
    assert "probably still undecided  about" in out
