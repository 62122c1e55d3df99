"""Scriptable edits, the CLI twins of the TUI keys: star, tag, note, decide, undo..."""

from __future__ import annotations

import argparse
import sys
from argparse import Namespace

from ..core.errors import UsageError
from ..core.model import Decision
from ..core.text import clean_text
from .common import open_review, plural, resolve_ids, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    for name, value in (("star", True), ("unstar", False)):
        p = sub.add_parser(name, parents=[common], help=f"{name} papers")
        p.add_argument("ids", nargs="+", metavar="ID")
        p.set_defaults(handler=cmd_star, value=value)

    p = sub.add_parser("tag", parents=[common], help="add tags to a paper")
    p.add_argument("id", metavar="ID")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.set_defaults(handler=cmd_tag, remove=False)

    p = sub.add_parser("untag", parents=[common], help="remove tags from a paper")
    p.add_argument("id", metavar="ID")
    p.add_argument("tags", nargs="+", metavar="TAG")
    p.set_defaults(handler=cmd_tag, remove=True)

    p = sub.add_parser("note", parents=[common], help="set a paper's note (Markdown)",
                       description="Set the note; TEXT '-' reads it from stdin, '' clears it.")
    p.add_argument("id", metavar="ID")
    p.add_argument("text", metavar="TEXT")
    p.set_defaults(handler=cmd_note)

    p = sub.add_parser("decide", parents=[common], help="record a screening decision",
                       description="decide ID [ID...] DECISION, where DECISION is undecided, "
                       "include, maybe or exclude (or i, m, x, 0). An exclude can say why "
                       "(--reason); any other decision takes a paper's reason away.")
    p.add_argument("args", nargs="+", metavar="ID... DECISION")
    p.add_argument("--reason", metavar="R", help="why the papers are excluded (exclude "
                   "only); without it an excluded paper keeps its reason, '' takes it away")
    p.set_defaults(handler=cmd_decide)

    p = sub.add_parser("citekey", parents=[common], help="show or set a citation key",
                       description="Print the paper's citation key, or set it by hand.")
    p.add_argument("id", metavar="ID")
    p.add_argument("key", nargs="?", metavar="KEY")
    p.set_defaults(handler=cmd_citekey)

    p = sub.add_parser("merge", parents=[common], help="merge duplicates into one paper",
                       description="Merge the OTHER papers into KEEP, for duplicates the "
                       "import could not tell. KEEP keeps its title, key and decision (or "
                       "takes theirs if it has none) and gains their richest metadata, "
                       "their sources, tags, sections, notes and star; importing their "
                       "records again adds nothing. `reviewer undo` takes it back.")
    p.add_argument("keep", metavar="KEEP")
    p.add_argument("others", nargs="+", metavar="OTHER")
    p.set_defaults(handler=cmd_merge)

    p = sub.add_parser("edit", parents=[common], help="correct a paper's metadata by hand",
                       description="Set fields of a paper by hand: one undoable change. "
                       "What you set stays, whatever is imported or fetched later; a "
                       "citation key not yet exported is derived again.")
    p.add_argument("id", metavar="ID")
    for option, meta, text in _EDIT_OPTIONS:
        p.add_argument(f"--{option}", metavar=meta, help=text)
    p.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                   help="any other field (abstract, month, volume, pages, publisher...); "
                   "an empty VALUE clears it")
    p.set_defaults(handler=cmd_edit)

    for name in ("undo", "redo"):
        p = sub.add_parser(name, parents=[common], help=f"{name} the last change "
                           "(also one made in an earlier session)")
        p.set_defaults(handler=cmd_undo, redo=name == "redo")


def cmd_star(ns: Namespace) -> int:
    with open_review(ns) as review:
        ids = resolve_ids(review, ns.ids)
        changed = review.star(ids, ns.value)
        verb = "starred" if ns.value else "unstarred"
        say(f"{verb} {plural(changed, 'paper')}" + _unchanged(len(ids) - changed))
    return 0


def cmd_tag(ns: Namespace) -> int:
    with open_review(ns) as review:
        ids = resolve_ids(review, [ns.id])
        if ns.remove:
            count = review.untag(ids, ns.tags)
            say(f"removed {plural(count, 'tag')} from #{ids[0]}")
        else:
            count = review.tag(ids, ns.tags)
            say(f"added {plural(count, 'tag')} to #{ids[0]}")
    return 0


def cmd_note(ns: Namespace) -> int:
    text = sys.stdin.read() if ns.text == "-" else ns.text
    with open_review(ns) as review:
        pid = review.resolve(ns.id)
        changed = review.set_note(pid, text)
        say(f"note of #{pid} {'saved' if changed else 'unchanged'}")
    return 0


def cmd_decide(ns: Namespace) -> int:
    if len(ns.args) < 2:
        raise UsageError("decide needs at least one ID and a DECISION")
    *refs, word = ns.args
    try:
        decision = Decision.parse(word)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if ns.reason and decision is not Decision.EXCLUDE:
        raise UsageError(f"--reason goes with exclude, not with {decision.value}")
    with open_review(ns) as review:
        ids = resolve_ids(review, refs)
        changed = review.decide(ids, decision, ns.reason)
        why = f" ({clean_text(ns.reason)})" if ns.reason else ""
        say(f"{decision}{why}: {plural(changed, 'paper')}" + _unchanged(len(ids) - changed))
    return 0


def cmd_citekey(ns: Namespace) -> int:
    with open_review(ns) as review:
        pid = review.resolve(ns.id)
        if ns.key is None:
            say(review.get(pid).citekey)
        else:
            review.set_citekey(pid, ns.key)
            say(f"citation key of #{pid} is now {ns.key.strip()}")
    return 0


def cmd_merge(ns: Namespace) -> int:
    from ..core.manual_merge import merge_papers

    with open_review(ns) as review:
        keep = review.resolve(ns.keep)
        report = merge_papers(review, keep, resolve_ids(review, ns.others))
        kept = report.kept
        say(f"merged {', '.join(f'#{p.id}' for p in report.merged)} into #{kept.id} "
            f"{kept.citekey}: {plural(len(kept.sources), 'source')}"
            + (f", tags {', '.join(kept.tags)}" if kept.tags else "")
            + (f"; richer {', '.join(report.improved)}" if report.improved else ""))
        for key in report.exported_keys:
            say(f"note: {key} was exported before; documents citing it should cite "
                f"{kept.citekey} now")
    return 0


_EDIT_OPTIONS = (
    ("title", "T", None),
    ("authors", "NAMES", 'separated by ";": "Vaswani, Ashish; Shazeer, Noam"'),
    ("year", "Y", None),
    ("venue", "V", "journal or conference"),
    ("type", "TYPE", "BibTeX entry type: article, inproceedings, misc..."),
    ("arxiv", "ID", "arXiv id"),
    ("doi", "DOI", None),
    ("url", "U", None),
)


def cmd_edit(ns: Namespace) -> int:
    from ..core.improve import edit_values

    raw = {name: getattr(ns, name) for name, _, _ in _EDIT_OPTIONS
           if getattr(ns, name) is not None}
    for item in ns.field:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--field {item!r}: write NAME=VALUE")
        raw[name] = value
    if not raw:
        raise UsageError("edit: name a field to change (--title, --year, --field NAME=VALUE...)")
    values = edit_values(raw)
    with open_review(ns) as review:
        pid = review.resolve(ns.id)
        done = review.edit(pid, values)
        changed = done.fields.get(pid, [])
        if not changed:
            say(f"#{pid} unchanged")
            return 0
        say(f"edited #{pid}: {', '.join(changed)}")
        if pid in done.keys:
            say(f"citation key is now {done.keys[pid][1]}")
    return 0


def cmd_undo(ns: Namespace) -> int:
    with open_review(ns) as review:
        entry = review.redo() if ns.redo else review.undo()
        if entry is None:
            say(f"nothing to {'redo' if ns.redo else 'undo'}")
        else:
            say(f"{'redid' if ns.redo else 'undid'}: {entry.label}")
    return 0


def _unchanged(count: int) -> str:
    return f" ({count} already so)" if count else ""
