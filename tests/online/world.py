"""The services' view of the seeds: most papers known, some unknown, three decoys."""

from __future__ import annotations

from dataclasses import dataclass, field

from reviewer.core.model import Paper

from .fake_services import FakePaper, Services

# A paper the services do not know, whose title search finds another paper's record:
# its title one word apart, its version number apart, or its title with another count.
DECOYS = {
    "word": "Merlin: A Vision Language Foundation Model for 3D Computed Tomography",
    "version": "CT2Rep: Automated Radiology Report Generation for 3D Medical Imaging",
    "count": "M3Ret: Unleashing Zero-shot Multimodal Medical Image Retrieval via "
             "Self-Supervision",
}


@dataclass
class World:
    services: Services
    known: dict[int, FakePaper] = field(default_factory=dict)  # review id -> record
    unknown: set[int] = field(default_factory=set)
    decoyed: dict[str, int] = field(default_factory=dict)  # kind -> review id
    published: set[int] = field(default_factory=set)


def _decoy(kind: str, paper: Paper, index: int) -> FakePaper:
    count = paper.authors_known or 4
    title = paper.title
    if kind == "word":
        title = title.replace("Computed", "Optical")
    elif kind == "version":
        title = title.replace("CT2Rep", "CT3Rep")
    else:
        count += 1
    return FakePaper(f"2402.{20000 + index}", title,
                     [f"Dee Coy{k}" for k in range(count)])


def build(papers: list[Paper]) -> World:
    world = World(Services())
    by_title = {p.title: p for p in papers}
    for kind, title in DECOYS.items():
        paper = by_title[title]  # the seeds changed if this fails
        world.decoyed[kind] = paper.id
        world.services.decoys.append(_decoy(kind, paper, paper.id))
    for i, paper in enumerate(papers):
        if paper.id in world.decoyed.values():
            continue
        if i % 9 == 8:
            world.unknown.add(paper.id)
            continue
        count = paper.authors_known or 2 + i % 5
        year = paper.year if paper.year and not paper.year_inferred else 2024
        record = FakePaper(f"2401.{10000 + paper.id}", paper.title,
                           [f"Ann{k} Author{paper.id}x{k}" for k in range(count)],
                           published=f"{year}-03-0{1 + i % 9}T10:00:00Z",
                           github=f"https://github.com/lab/p{paper.id}" if i % 3 == 0 else "")
        if i % 5 == 0:
            record.doi = f"10.9999/fake.{paper.id}"
            record.venue = "Journal of Fake Results" if i % 10 == 0 else "Proc. FakeConf"
            record.kind = "journal-article" if i % 10 == 0 else "proceedings-article"
            world.published.add(paper.id)
        world.known[paper.id] = record
        world.services.add(record)
    return world
