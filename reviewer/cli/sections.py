"""``reviewer section ...``: the survey's sections and the papers in them."""

from __future__ import annotations

import argparse
from argparse import Namespace

from .common import open_review, plural, print_json, resolve_ids, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    section = sub.add_parser("section", parents=[common], help="manage survey sections")
    actions = section.add_subparsers(dest="action", metavar="ACTION", required=True)

    p = actions.add_parser("list", parents=[common], help="sections in order, with papers")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = actions.add_parser("add", parents=[common], help="create a section")
    p.add_argument("title")
    p.add_argument("--description", default="", metavar="TEXT")
    p.add_argument("--position", type=int, metavar="N", help="1-based place (default: last)")
    p.set_defaults(handler=cmd_add)

    p = actions.add_parser("rename", parents=[common], help="rename a section")
    p.add_argument("title")
    p.add_argument("new_title")
    p.set_defaults(handler=cmd_rename)

    p = actions.add_parser("describe", parents=[common], help="set a section's description")
    p.add_argument("title")
    p.add_argument("description")
    p.set_defaults(handler=cmd_describe)

    p = actions.add_parser("remove", parents=[common], help="delete a section (not its papers)")
    p.add_argument("title")
    p.set_defaults(handler=cmd_remove)

    p = actions.add_parser("move", parents=[common], help="move a section to position N")
    p.add_argument("title")
    p.add_argument("position", type=int, metavar="N")
    p.set_defaults(handler=cmd_move)

    p = actions.add_parser("assign", parents=[common], help="add papers to a section")
    p.add_argument("title", metavar="SECTION")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--create", action="store_true", help="create the section if missing")
    p.set_defaults(handler=cmd_assign)

    p = actions.add_parser("unassign", parents=[common], help="take papers out of a section")
    p.add_argument("title", metavar="SECTION")
    p.add_argument("ids", nargs="+", metavar="ID")
    p.set_defaults(handler=cmd_unassign)

    p = actions.add_parser("from-tags", parents=[common],
                           help="one section per tag (or per chosen tag), filled with its papers")
    p.add_argument("tags", nargs="*", metavar="TAG")
    p.set_defaults(handler=cmd_from_tags)

    p = actions.add_parser("coverage", parents=[common],
                           help="papers per section, and what no section holds yet")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_coverage)

    p = actions.add_parser("order", parents=[common],
                           help="move a paper to position N within a section")
    p.add_argument("title", metavar="SECTION")
    p.add_argument("id", metavar="ID")
    p.add_argument("position", type=int, metavar="N")
    p.set_defaults(handler=cmd_order)


def cmd_list(ns: Namespace) -> int:
    with open_review(ns, read_only=True) as review:
        sections = review.sections()
        if ns.json:
            print_json([{"title": s.title, "position": s.position,
                         "description": s.description, "papers": s.paper_ids}
                        for s in sections])
            return 0
        if not sections:
            say("No sections yet: reviewer section add TITLE")
        papers = {p.id: p for p in review.papers()}
        for s in sections:
            say(f"{s.position}. {s.title} ({plural(len(s.paper_ids), 'paper')})")
            if s.description:
                say(f"   {s.description}")
            for pid in s.paper_ids:
                say(f"   - #{pid} {papers[pid].title}")
    return 0


def cmd_add(ns: Namespace) -> int:
    with open_review(ns) as review:
        s = review.add_section(ns.title, ns.description, ns.position)
        say(f"section {s.title!r} added at position {s.position}")
    return 0


def cmd_rename(ns: Namespace) -> int:
    with open_review(ns) as review:
        review.rename_section(ns.title, ns.new_title)
        say(f"section {ns.title!r} renamed to {ns.new_title!r}")
    return 0


def cmd_describe(ns: Namespace) -> int:
    with open_review(ns) as review:
        review.describe_section(ns.title, ns.description)
        say(f"description of {ns.title!r} saved")
    return 0


def cmd_remove(ns: Namespace) -> int:
    with open_review(ns) as review:
        review.remove_section(ns.title)
        say(f"section {ns.title!r} removed (its papers stay in the review)")
    return 0


def cmd_move(ns: Namespace) -> int:
    with open_review(ns) as review:
        review.move_section(ns.title, ns.position)
        say(f"section {ns.title!r} is now at position "
            f"{review.section(ns.title).position}")
    return 0


def cmd_assign(ns: Namespace) -> int:
    with open_review(ns) as review:
        ids = resolve_ids(review, ns.ids)
        added = review.assign(ns.title, ids, create=ns.create)
        say(f"added {plural(added, 'paper')} to {review.section(ns.title).title!r}")
    return 0


def cmd_unassign(ns: Namespace) -> int:
    with open_review(ns) as review:
        ids = resolve_ids(review, ns.ids)
        removed = review.unassign(ns.title, ids)
        say(f"removed {plural(removed, 'paper')} from {ns.title!r}")
    return 0


def cmd_order(ns: Namespace) -> int:
    with open_review(ns) as review:
        pid = review.resolve(ns.id)
        review.move_in_section(ns.title, pid, ns.position)
        say(f"#{pid} moved to position {ns.position} in {ns.title!r}")
    return 0


def cmd_from_tags(ns: Namespace) -> int:
    from ..core.outline import sections_from_tags

    with open_review(ns) as review:
        titles = sections_from_tags(review, ns.tags or None)
        for title in titles:
            section = review.section(title)
            say(f"{section.position}. {section.title} ({plural(len(section.paper_ids), 'paper')})")
    return 0


def cmd_coverage(ns: Namespace) -> int:
    from ..core.outline import THIN_SECTION, coverage

    with open_review(ns) as review:
        cov = coverage(review)
        if ns.json:
            print_json({"sections": [{"title": t, "papers": n} for t, n in cov.per_section],
                        "included_in_no_section": cov.unplaced_included,
                        "starred_in_no_section": cov.unplaced_starred,
                        "thin_sections": cov.thin_sections})
            return 0
        for title, count in cov.per_section:
            thin = f"  (fewer than {THIN_SECTION})" if title in cov.thin_sections else ""
            say(f"{count:>5}  {title}{thin}")
        if not cov.per_section:
            say("No sections yet.")
        say(f"Included papers in no section: {_ids(cov.unplaced_included)}")
        say(f"Starred papers in no section:  {_ids(cov.unplaced_starred)}")
    return 0


def _ids(ids: list[int]) -> str:
    return ", ".join(f"#{i}" for i in ids) if ids else "none"
