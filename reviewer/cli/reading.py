"""Commands that show papers: list, show, stats, reviews, history."""

from __future__ import annotations

import argparse
import sys
from argparse import Namespace

from ..core import filters as F
from ..core.errors import UsageError
from ..core.locations import list_reviews, reviews_dir
from ..core.model import Decision
from ..core.paths import show
from ..core.sorting import LEARNED, SORTS, sort_rows
from ..core.text import clean_text
from .common import open_review, plural, print_json, resolve_ids, say
from .render import paper_details, paper_line, width


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("list", parents=[common], help="list papers (filters combine)")
    p.add_argument("--json", action="store_true", help="print one JSON array")
    p.add_argument("--starred", action="store_true")
    p.add_argument("--decision", "-d", type=_decision, metavar="D",
                   help="undecided, include, maybe or exclude")
    p.add_argument("--tag", "-t", action="append", default=[], metavar="T",
                   help="papers with tag T (repeat for several)")
    p.add_argument("--reason", metavar="R", help="papers excluded for reason R "
                   "('' for those excluded without one)")
    p.add_argument("--section", "-s", metavar="S", help="papers in section S")
    p.add_argument("--no-section", action="store_true", help="papers in no section")
    p.add_argument("--has-note", action="store_true")
    p.add_argument("--has-code", action="store_true", help="papers with a code link")
    p.add_argument("--year", metavar="RANGE", type=_year_range, help="2020-2024, 2020- or -2019")
    p.add_argument("--search", "-q", metavar="Q", help="fuzzy search in title, abstract, tags, "
                   "notes (sorted by relevance)")
    p.add_argument("--sort", choices=[*SORTS, LEARNED], help="order (default: imported, or "
                   "relevance when searching); learned: most likely relevant first, as "
                   "learned from your decisions (include, star: relevant; exclude: not)")
    p.add_argument("--like", metavar="ID", help="papers most like paper ID (TF-IDF cosine), "
                   "most alike first")
    p.add_argument("--limit", type=int, metavar="N", help="print at most N papers")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", parents=[common], help="show one paper in full")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("stats", parents=[common], help="counts of the review")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_stats)

    p = sub.add_parser("reviews", parents=[common], help="list the reviews in the data dir")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reviews)

    p = sub.add_parser("history", parents=[common], help="recent changes (what undo undoes)")
    p.add_argument("--limit", type=int, default=20, metavar="N")
    p.set_defaults(handler=cmd_history)


def _decision(text: str) -> Decision:
    try:
        return Decision.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _year_range(text: str) -> F.YearRange:
    try:
        return F.YearRange.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def list_filters(ns: Namespace) -> list[F.Filter]:
    chosen: list[F.Filter] = []
    if ns.starred:
        chosen.append(F.Starred())
    if ns.decision:
        chosen.append(F.WithDecision(ns.decision))
    chosen += [F.WithTag(t) for t in ns.tag]
    if ns.reason is not None:
        chosen.append(F.WithReason(clean_text(ns.reason) or None))
    if ns.section:
        chosen.append(F.InSection(ns.section))
    if ns.no_section:
        chosen.append(F.InSection(None))
    if ns.has_note:
        chosen.append(F.HasNote())
    if ns.has_code:
        chosen.append(F.HasCode())
    if ns.year:
        chosen.append(ns.year)
    return chosen


def cmd_list(ns: Namespace) -> int:
    with open_review(ns, read_only=True) as review:
        if ns.section:
            ns.section = review.section(ns.section).title
        # The list rows first (cheap); whole papers only for what --json prints.
        rows = F.apply(list_filters(ns), review.summaries())
        relevance = None
        if ns.search:
            from ..core.search import search_once

            wanted = {r.id for r in rows}
            relevance = search_once((doc for doc in review.search_texts() if doc[0] in wanted),
                                    ns.search)
            rows = [r for r in rows if r.id in relevance]
        # Learned relevance and likeness are shown with each row, as a score.
        scores = _learned_scores(review, ns)
        if scores is not None and ns.sort != LEARNED:
            relevance = scores  # --like orders by likeness
            rows = [r for r in rows if r.id in scores]
        default = "relevance" if relevance is not None else "imported"
        rows = sort_rows(rows, ns.sort or default, scores if ns.sort == LEARNED else relevance)
        if ns.limit is not None:
            rows = rows[: max(ns.limit, 0)]
        if ns.json:
            every = len(rows) == review.count()
            papers = review.papers(None if every else [r.id for r in rows])
            if every and rows:  # one pass over all papers, then in the rows' order
                by_id = {p.id: p for p in papers}
                papers = [by_id[r.id] for r in rows]
            items = [p.to_json() for p in papers]
            if scores is not None:
                for item in items:
                    item["score"] = round(scores.get(item["id"], 0.0), 4)
            print_json(items)
        else:
            cols = width()
            if rows:
                say("\n".join(paper_line(r, cols, None if scores is None else
                                         scores.get(r.id, 0.0)) for r in rows))
    return 0


def _learned_scores(review, ns: Namespace) -> dict[int, float] | None:
    """Scores for --like (similarity) or --sort learned; None when neither applies (or
    the model is not ready yet: it says so on stderr, and the order stays)."""
    if not ns.like and ns.sort != LEARNED:
        return None
    if ns.like and ns.sort == LEARNED:
        raise UsageError("--like orders by likeness; it does not combine with --sort learned")
    from ..core.relevance.scoring import corpus_of, learn, like

    if ns.like:
        paper_id = review.resolve(ns.like)
        return like(review, paper_id, corpus_of(review))
    corpus = corpus_of(review)
    learned = learn(corpus)
    if learned.scores is None:
        print(f"reviewer: {learned.message}; keeping the imported order", file=sys.stderr)
    return learned.scores


def cmd_show(ns: Namespace) -> int:
    with open_review(ns, read_only=True) as review:
        papers = review.papers(resolve_ids(review, ns.ids))
        if ns.json:
            print_json([p.to_json() for p in papers] if len(papers) > 1 else papers[0].to_json())
        else:
            say("\n\n".join(paper_details(p, width()) for p in papers))
    return 0


def cmd_stats(ns: Namespace) -> int:
    from ..core.relevance.scoring import stopping_figures
    from ..core.relevance.stopping import MIN_SCREENED

    with open_review(ns, read_only=True) as review:
        stats = review.stats()
        stopping = stopping_figures(review)
        stats["since_last_include"] = stopping.since_last_include
        stats["unseen_relevant_estimate"] = (None if stopping.unseen_relevant is None else
                                             round(stopping.unseen_relevant, 1))
        # The same counts as the PRISMA table and diagram's excluded box.
        stats["reasons"] = review.exclusion_reasons()
        stats["excluded_without_reason"] = stats["exclude"] - sum(stats["reasons"].values())
        if ns.json:
            print_json(stats)
            return 0
        say(f"Review {review.name!r} ({review.path})")
        say(f"  papers     {stats['papers']}")
        for key in ("undecided", "include", "maybe", "exclude"):
            say(f"  {key:<10} {stats[key]}")
        for reason, count in stats["reasons"].items():
            say(f"    {count:>6}  {reason}")
        if stats["reasons"] and stats["excluded_without_reason"]:
            say(f"    {stats['excluded_without_reason']:>6}  (no reason recorded)")
        say(f"  starred    {stats['starred']}")
        say(f"  tagged     {stats['tagged']} ({plural(stats['tags'], 'tag')})")
        say(f"  with note  {stats['with_note']}")
        say(f"  sections   {stats['sections']}")
        say(f"  from       {plural(stats['files'], 'file')}")
        # The stopping help (core/relevance/stopping.py): a long run without an include,
        # and few relevant papers expected among the undecided, say screening can stop.
        say(f"  screened since the last include  {stopping.since_last_include}")
        if stopping.unseen_relevant is not None:
            say(f"  relevant papers probably still undecided  about "
                f"{stopping.unseen_relevant:.0f} (Poisson estimate from the includes' "
                "rate)")
        elif stopping.screened:
            say(f"  relevant papers probably still undecided  estimated once "
                f"{MIN_SCREENED} papers are screened and one included")
    return 0


def cmd_reviews(ns: Namespace) -> int:
    from ..core.store import Review

    rows = []
    for path in list_reviews():
        try:
            with Review.open(path, read_only=True) as review:
                rows.append({"name": path.stem, "path": str(path), "papers": review.count()})
        except Exception as exc:  # one broken file must not hide the others
            rows.append({"name": path.stem, "path": str(path), "error": str(exc)})
    if ns.json:
        print_json(rows)
        return 0
    if not rows:
        say(f"No reviews yet in {show(reviews_dir())}. Import something: reviewer import FILE")
        return 0
    for row in rows:
        what = plural(row["papers"], "paper") if "papers" in row else f"unreadable: {row['error']}"
        say(f"{show(row['name']):<24} {show(what):<14} {show(row['path'])}")
    return 0


def cmd_history(ns: Namespace) -> int:
    if ns.limit < 1:
        raise UsageError("--limit must be at least 1")
    with open_review(ns, read_only=True) as review:
        entries = review.history(ns.limit)
        if not entries:
            say("No changes yet.")
        for e in entries:
            state = " (undone)" if e.undone else ""
            say(f"{e.id:>5}  {e.at}  {e.label}{state}")
    return 0
