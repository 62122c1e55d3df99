"""The screening assistant's commands: simulate (ASReview's simulation mode on labelled
data) and suggest-section. ``list --sort learned`` and ``list --like`` live with list."""

from __future__ import annotations

import argparse
from argparse import Namespace

from ..core.errors import InputError, UsageError
from .common import open_review, plural, print_json, say


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "simulate", help="measure the screening assistant on a labelled review",
        description="ASReview's simulation mode: from the prior records, the ranker chooses "
        "the next record, learns its label, and so on until every record is screened. "
        "Prints WSS@95, recall after 10 percent screened, the normalised loss and update times.")
    p.add_argument("file", metavar="LABELLED.csv", help="ASReview's labelled format: "
                   "record_id, title, abstract, label_included")
    p.add_argument("--prior", action="append", default=[], metavar="ID",
                   help="a prior record (repeat); default: drawn at random")
    p.add_argument("--prior-included", type=int, default=1, metavar="N",
                   help="included records drawn as priors (default 1)")
    p.add_argument("--prior-excluded", type=int, default=1, metavar="N",
                   help="excluded records drawn as priors (default 1)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seed of the prior draw and of the record shuffle (default 0)")
    p.add_argument("--order-out", metavar="FILE",
                   help="write the record ids in screening order, one a line")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_simulate)

    p = sub.add_parser("suggest-section", parents=[common],
                       help="the sections a paper most likely belongs to",
                       description="Ranks the sections by how like their papers the paper "
                       "is (TF-IDF cosine to each section's papers).")
    p.add_argument("id", metavar="ID")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_suggest_section)


def cmd_simulate(ns: Namespace) -> int:
    from ..core.relevance.simulation import choose_priors, read_labelled, run

    data = read_labelled(ns.file)
    priors = choose_priors(data, ns.prior, ns.prior_included, ns.prior_excluded, ns.seed)
    labels = [data.labels[r] for r in priors]
    if not (1 in labels and 0 in labels):
        raise UsageError("the priors need at least one included and one excluded record")
    result = run(data, priors, ns.seed)
    if ns.order_out:
        from ..core.export.files import write_atomically
        try:
            write_atomically(ns.order_out, "".join(f"{rid}\n" for rid in result.order))
        except OSError as exc:
            raise InputError(ns.order_out, exc.strerror or str(exc)) from None
    m = result.measures
    figures = {
        "file": ns.file, "records": len(data.ids), "included": data.included,
        "priors": result.order[:result.priors], "seed": ns.seed,
        "wss95": round(m.wss95, 4), "recall10": round(m.recall10, 4),
        "loss": round(m.loss, 4), "updates": len(result.update_ms),
        "median_update_ms": round(result.median_ms, 2),
        "worst_update_ms": round(result.worst_ms, 2),
    }
    if ns.json:
        print_json(figures)
        return 0
    say(f"{ns.file}: {plural(len(data.ids), 'record')}, {data.included} included; "
        f"priors {', '.join(figures['priors'])}; seed {ns.seed}")
    say(f"  WSS@95              {m.wss95:.3f}")
    say(f"  recall at 10%       {m.recall10:.3f}")
    say(f"  loss                {m.loss:.3f}")
    say(f"  update (fit, rank)  median {result.median_ms:.1f} ms, worst "
        f"{result.worst_ms:.1f} ms over {plural(len(result.update_ms), 'update')}")
    return 0


def cmd_suggest_section(ns: Namespace) -> int:
    from ..core.relevance.scoring import suggest_sections

    with open_review(ns) as review:
        paper_id = review.resolve(ns.id)
        ranked = suggest_sections(review, paper_id)
        if ns.json:
            print_json([{"section": title, "score": round(score, 4)} for title, score in ranked])
            return 0
        if not ranked:
            say("No section holds papers yet: nothing to suggest from.")
        for title, score in ranked:
            say(f"{score:6.3f}  {title}")
    return 0
