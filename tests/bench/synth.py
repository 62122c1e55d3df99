"""Synthetic dumps for the benchmark: a Hugging Face rich-layout page of any size.

Layout as in ../shared/seeds/000_*: title, abstract, then "  • N authors" or an
organisation line, "·", and a date in one of the three forms ("Oct 9, 2025", "Jan 31",
"Mar 30 4"). A share of the titles repeat earlier ones with a small change (a typo, the
case, punctuation, a dropped short word): the duplicates dedup must merge.
"""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = """
adaptive alignment anatomy attention benchmark biomedical calibration captioning cardiac
chest clinical cohort contrastive cross curriculum dataset decoder dense dermatology
diagnosis diffusion distillation domain efficient embedding encoder ensemble evaluation
explainable federated fine foundation fusion generalist generation generative graph
grounding guided hierarchical histopathology imaging instruction interpretable knowledge
language large latent lesion lightweight localization mamba mammography masked medical
mixture modality model multimodal multiscale network neural oncology ophthalmology
pathology patient prediction pretraining prompt prototype radiology reasoning reconstruction
registration report representation retinal retrieval robust scalable segmentation
self semantic sparse spatial structured supervised survey synthetic temporal text token
transformer tumor ultrasound uncertainty unified universal video vision visual volumetric
weakly zero
""".split()
_ABSTRACT = """
we propose a method that learns from paired images and reports and improves accuracy on
several public benchmarks while reducing the cost of annotation for clinical deployment
experiments on three datasets show consistent gains over strong baselines and ablations
confirm the contribution of each component the code and models are publicly available
""".split()
_MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
_ORGS = ["Fudan-University Fudan University", "UCSC-VLAA UCSC-VLAA",
         "Alibaba-DAMO-Academy DAMO Academy", "General-Medical-AI General Medical AI"]
_SHORT = {"a", "the", "for", "of", "with", "and", "in", "on"}


def _title(rng: random.Random) -> str:
    words = rng.sample(_WORDS, rng.randint(6, 11))
    words.insert(rng.randint(1, len(words) - 1), rng.choice(["for", "with", "of", "in"]))
    head = words[0].capitalize() + "-" + rng.choice(_WORDS).capitalize()
    return f"{head}: " + " ".join(w if rng.random() < 0.7 else w.capitalize() for w in words[1:])


def _variant(title: str, rng: random.Random) -> str:
    """A small change of the kind copies introduce."""
    kind = rng.randrange(4)
    words = title.split(" ")
    if kind == 0:  # a typo: swap two letters inside a long word
        candidates = [i for i, w in enumerate(words) if len(w) >= 6 and w.isalpha()]
        i = rng.choice(candidates) if candidates else len(words) - 1
        w = words[i]
        j = rng.randint(1, len(w) - 3)
        words[i] = w[:j] + w[j + 1] + w[j] + w[j + 2:]
        return " ".join(words)
    if kind == 1:
        return title.lower()
    if kind == 2:
        return title.replace(": ", " - ", 1)
    short = [i for i, w in enumerate(words) if w.lower() in _SHORT and i > 0]
    if short:
        del words[rng.choice(short)]
    return " ".join(words)


REPEAT_SHARE = 0.10


def rich_dump(n: int, seed: int = 0, repeat_share: float = REPEAT_SHARE) -> tuple[str, int]:
    """The page's text and how many of its papers are repeats."""
    rng = random.Random(seed)
    papers: list[tuple[str, str, str]] = []  # (title, meta, date) of the originals
    blocks = ["new", "Get trending papers in your email inbox!", "Subscribe", "Daily Papers",
              "byAK and the research community", "Apr 13"]
    repeats = 0
    for i in range(n):
        repeat = bool(papers) and rng.random() < repeat_share
        repeats += repeat
        if repeat:  # the same paper again: same meta and date, a slightly different title
            title, meta, date = rng.choice(papers)
            title = _variant(title, rng)
        else:
            title = _title(rng)
            meta = rng.choice(_ORGS) if i % 25 == 0 else f"  • {rng.randint(1, 30)} authors"
            month, day = rng.choice(_MONTHS), rng.randint(1, 28)
            form = i % 3
            date = (f"{month} {day}, {rng.randint(2019, 2025)}" if form == 0 else
                    f"{month} {day}" if form == 1 else f"{month} {day} {rng.randint(1, 90)}")
            papers.append((title, meta, date))
        words = rng.choices(_ABSTRACT, k=rng.randint(180, 260))
        abstract = " ".join(words).capitalize() + "."
        if i % 5 == 0:
            abstract += f" Code: https://github.com/lab{i % 97}/project{i}."
        blocks.append(f"{title}\n\n{abstract}\n\n{meta}\n·\n{date}")
    return "\n\n".join(blocks) + "\n", repeats


def write_dump(folder: Path, n: int, seed: int = 0) -> Path:
    path = folder / f"hf-rich-{n}-{seed}.txt"
    if not path.exists():
        text, repeats = rich_dump(n, seed)
        path.write_text(text, encoding="utf-8")
        path.with_suffix(".repeats").write_text(str(repeats))
    return path


def repeats_in(dump: Path) -> int:
    return int(dump.with_suffix(".repeats").read_text())


def make_review(path: Path, n: int, seed: int = 0) -> Path:
    """A review of at least ``n`` papers, imported from synthetic dumps."""
    write_dump(path.parent, n, seed)  # the first dump is the benchmark's usual one
    return top_up(path, n, seed)


def top_up(path: Path, n: int, seed: int = 0) -> Path:
    """Import more synthetic dumps until the review holds at least ``n`` papers.

    A dump's repeats merge, so one dump of n papers leaves about 0.9 n in the review."""
    from reviewer.core.importer import import_files
    from reviewer.core.store import Review

    with Review.open(path) as review:
        while review.count() < n:
            missing = n - review.count()
            size = n if review.count() == 0 else int(missing / (1 - REPEAT_SHARE)) + 50
            dump = write_dump(path.parent, size, seed)
            import_files(review, [dump], year=2025)
            seed += 1
    return path
