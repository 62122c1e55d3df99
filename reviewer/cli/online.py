"""``reviewer enrich`` and ``reviewer uncertain``: filling papers from online services."""

from __future__ import annotations

import argparse
import sys
from argparse import Namespace

from ..core.errors import UsageError
from ..core.text import shorten
from .common import open_review, plural, print_json, resolve_ids, say
from .exporting import _decision


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "enrich", parents=[common], help="fill authors, arXiv ids, years and venues from "
        "Hugging Face, arXiv, Semantic Scholar and Crossref",
        description="Look the papers up online and fill what they lack (author names, "
        "arXiv id, year, category, the venue, type and DOI of a published version). "
        "Identifiers are looked up first; a title hit is applied only when its title, year "
        "and author count agree, and a near miss is kept for `reviewer uncertain`. Nothing "
        "a paper has is overwritten, the run is one undo step, and answers are cached so "
        "that a second run asks nothing for papers already resolved. Sends the papers' "
        "titles and ids to the services named in the config ([online]).")
    p.add_argument("ids", nargs="*", metavar="ID", help="papers (default: the selection)")
    group = p.add_argument_group("selection (without IDs; default: included or starred "
                                 "papers, as export)")
    group.add_argument("--decision", "-d", type=_decision, metavar="D")
    group.add_argument("--starred", action="store_true")
    group.add_argument("--tag", "-t", action="append", default=[], metavar="T")
    group.add_argument("--section", "-s", metavar="S")
    group.add_argument("--all", action="store_true", dest="everything", help="every paper")
    p.add_argument("--source", metavar="LIST", default="hf,arxiv,s2,crossref",
                   help="sources to ask, comma separated (default: hf,arxiv,s2,crossref)")
    p.add_argument("--dry-run", "-n", action="store_true",
                   help="print what would change; write nothing to the review")
    p.add_argument("--yes", "-y", action="store_true",
                   help="do not ask before going online")
    p.add_argument("--ask-again", action="store_true",
                   help="ask the services again about what they did not know last time "
                   "(the cache keeps 'not found' answers too)")
    p.add_argument("--review-uncertain", action="store_true",
                   help="list the near misses kept for review (as `uncertain list`)")
    p.set_defaults(handler=cmd_enrich)

    p = sub.add_parser("uncertain", parents=[common], help="near misses of `enrich`: list, "
                       "accept or reject them",
                       description="A near miss is a record found by title that may be the "
                       "paper (a title one word apart, another author count). Accepting one "
                       "fills the paper from it (one undo step); rejecting one keeps it from "
                       "being listed again.")
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True)
    q = actions.add_parser("list", parents=[common], help="the open near misses")
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_uncertain_list)
    for name in ("accept", "reject"):
        q = actions.add_parser(name, parents=[common], help=f"{name} near misses by number")
        q.add_argument("numbers", nargs="+", type=int, metavar="N")
        q.set_defaults(handler=cmd_uncertain_decide, accept=name == "accept")


def _settings():
    from ..config import load

    settings, problems = load()
    for problem in problems:
        print(f"reviewer: {problem}", file=sys.stderr)
    return settings


def _papers(review, ns: Namespace):
    if ns.ids:
        if ns.everything or ns.decision or ns.starred or ns.tag or ns.section:
            raise UsageError("give IDs or selection options, not both")
        return review.papers(resolve_ids(review, ns.ids), sources=False)
    from ..core.export.selection import Selection

    selection = Selection(ns.decision, ns.starred, tuple(ns.tag), ns.section, ns.everything)
    papers = selection.papers(review)
    if not papers and selection.is_default:
        raise UsageError("no included or starred paper to enrich: give IDs, --all or "
                         "another selection")
    return papers


def _ask(count: int, names: list[str], settings) -> bool:
    hosts = ", ".join(dict.fromkeys(
        settings.online.services[n].url.split("://", 1)[-1].split("/", 1)[0] for n in names))
    sys.stderr.write(f"Send the titles and ids of {plural(count, 'paper')} to {hosts}? "
                     "[y/N] ")
    sys.stderr.flush()
    try:
        answer = input()
    except EOFError:
        return False
    return answer.strip().lower() in ("y", "yes")


class _Progress:
    """One line on stderr, rewritten, erased at the end; nothing when not a terminal."""

    def __init__(self) -> None:
        self.on = sys.stderr.isatty()
        self.width = 0

    def __call__(self, what: str, done: int, total: int) -> None:
        if self.on:
            line = f"{what} {done}/{total}" if total > 1 else what
            sys.stderr.write("\r" + line.ljust(self.width))
            sys.stderr.flush()
            self.width = len(line)

    def clear(self) -> None:
        if self.on and self.width:
            sys.stderr.write("\r" + " " * self.width + "\r")
            sys.stderr.flush()


def cmd_enrich(ns: Namespace) -> int:
    if ns.review_uncertain:
        ns.json = False
        return cmd_uncertain_list(ns)
    from ..core.online.services import close_sources, open_sources, parse_names

    try:
        names = parse_names(ns.source)
    except ValueError as exc:
        raise UsageError(f"--source: {exc} (choose from hf, arxiv, s2, crossref)") from None
    settings = _settings()
    from ..core.online.plan import needs, plan_enrichment

    with open_review(ns) as review:
        papers = [p for p in _papers(review, ns) if needs(p)]
        if not papers:
            say("nothing to fill: the selected papers have names, ids, a year and a venue")
            return 0
        if not ns.yes and sys.stdin.isatty() and not _ask(len(papers), names, settings):
            say("nothing sent, nothing changed")
            return 0
        sources = open_sources(settings.online, names, ask_again=ns.ask_again)
        progress = _Progress()
        try:
            from ..core.online.apply import hand_set

            plan = plan_enrichment(papers, sources, progress=progress,
                                   protected=hand_set(review, [p.id for p in papers]))
        finally:
            progress.clear()
            problem = next(iter(sources.values())).cache.problem if sources else ""
            close_sources(sources)
        if problem:
            print(f"reviewer: {problem}", file=sys.stderr)
        for report in plan.sources:
            if report.down:
                print(f"reviewer: {report.down}", file=sys.stderr)
            if report.failures:
                print(f"reviewer: {report.label}: {plural(len(report.failures), 'lookup')} "
                      f"failed, not cached (first: {report.failures[0]})", file=sys.stderr)
        _print_plan(review, plan, ns.dry_run)
        if ns.dry_run:
            say(f"dry run: would fill {plural(len(plan.changed), 'paper')} of "
                f"{len(papers)}; nothing written")
        else:
            from ..core.online.apply import apply_enrichment

            applied = apply_enrichment(review, plan)
            say(f"filled {plural(len(applied.changed), 'paper')} of {len(papers)}"
                + (f"; {plural(applied.uncertain_added, 'new near miss')} to review: "
                   "reviewer uncertain list" if applied.uncertain_added else "")
                + ("; `reviewer undo` takes the run back" if applied.changed else ""))
        say("requests: " + ", ".join(
            f"{r.label} {r.requests}" + (f" ({r.cache_hits} from the cache)"
                                         if r.cache_hits else "") for r in plan.sources))
    return 0


def _print_plan(review, plan, dry_run: bool) -> None:
    ids = [p.paper_id for p in plan.papers]
    keys = {p.id: p.citekey for p in review.papers(ids, sources=False)} if ids else {}
    for item in plan.papers:
        key = keys.get(item.paper_id, "")
        if item.fields:
            by_source: dict[str, list[str]] = {}
            for name, value in item.fields.items():
                if name in ("author_count", "year_inferred", "abstract_truncated", "day"):
                    continue
                shown = (f"authors ({len(value.value)})" if name == "authors" else
                         f"{name} {shorten(str(value.value), 40)}"
                         if name not in ("abstract", "links", "extra") else name)
                by_source.setdefault(value.source.removeprefix("service:"), []).append(shown)
            say(f"#{item.paper_id} {key}: " + "; ".join(
                f"{', '.join(parts)} [{src}]" for src, parts in by_source.items()))
        for c in item.uncertain:
            say(f"? #{item.paper_id} {key}: {c.source} {c.record.ident} "
                f"\"{shorten(c.record.title, 60)}\": {'; '.join(c.problems)}")


def cmd_uncertain_list(ns: Namespace) -> int:
    from ..core.online import uncertain

    with open_review(ns) as review:
        entries = uncertain.entries(review)
        if getattr(ns, "json", False):
            print_json([{"number": e.number, **e.candidate.to_json()} for e in entries])
            return 0
        if not entries:
            say("no near miss to review")
            return 0
        titles = {p.id: p.title for p in review.papers(
            [e.candidate.paper_id for e in entries], sources=False)}
        for e in entries:
            c = e.candidate
            say(f"{e.number}. #{c.paper_id} \"{shorten(titles.get(c.paper_id, '?'), 70)}\"")
            say(f"   {c.source} {c.record.ident}: \"{shorten(c.record.title, 70)}\", "
                f"{plural(len(c.record.authors), 'author')}, {c.record.year or 'no year'}")
            say(f"   {'; '.join(c.problems)}")
        say("accept with `reviewer uncertain accept N`, reject with `reviewer uncertain "
            "reject N`")
    return 0


def cmd_uncertain_decide(ns: Namespace) -> int:
    from ..core.online import uncertain

    with open_review(ns) as review:
        for number in ns.numbers:
            if ns.accept:
                entry, applied = uncertain.accept(review, number)
                fields = applied.changed.get(entry.candidate.paper_id, [])
                say(f"accepted {number}: #{entry.candidate.paper_id} got "
                    f"{', '.join(fields) or 'nothing new'}")
            else:
                entry = uncertain.reject(review, number)
                say(f"rejected {number}: #{entry.candidate.paper_id} keeps what it has")
    return 0
