"""The fixed review the export golden files come from: the bundled samples plus a
scripted triage (decisions, stars, tags, notes, sections), as a user would make it."""

from __future__ import annotations

from pathlib import Path

from reviewer.core.importer import import_files
from reviewer.core.store import Review
from reviewer.resources import sample_lists

NOTE = """Strong **baseline** for the medical VQA section.

- trained on `PMC-15M` figure captions
  - then instruction-tuned
- project page: [LLaVA-Med](https://github.com/microsoft/LLaVA-Med)
"""


def build(path: Path) -> Review:
    review = Review.open(path)
    import_files(review, sample_lists(), year=2025)
    with review.transaction() as conn:  # the skeleton's Methods gives the import date
        conn.execute("UPDATE batches SET at = '2025-11-20T09:00:00+00:00' WHERE id > 0")
    ids = {p.title: p.id for p in review.papers()}

    def pid(title: str) -> int:
        return ids[title]

    sam = pid("Segment Anything")
    medsam = pid("Segment Anything in Medical Images")
    unet = pid("U-Net: Convolutional Networks for Biomedical Image Segmentation")
    llava_med = pid("LLaVA-Med: Training a Large Language-and-Vision Assistant for "
                    "Biomedicine in One Day")
    flamingo = pid("Med-Flamingo: a Multimodal Medical Few-shot Learner")
    clip = pid("Learning Transferable Visual Models From Natural Language Supervision")
    generalist = pid("Towards Generalist Biomedical AI")
    hulu = pid("Hulu-Med: A Transparent Generalist Model towards Holistic Medical "
               "Vision-Language Understanding")
    lingshu = pid("Lingshu: A Generalist Foundation Model for Unified Multimodal Medical "
                  "Understanding and Reasoning")
    attention = pid("Attention Is All You Need")

    review.decide([sam, medsam, unet, llava_med, flamingo, clip, generalist, hulu], "include")
    review.decide([pid("Deep Residual Learning for Image Recognition"),
                   pid("BERT: Pre-training of Deep Bidirectional Transformers for Language "
                       "Understanding")], "exclude")
    review.decide([pid("Deep Residual Learning for Image Recognition")], "exclude",
                  "not medical imaging")
    review.decide([lingshu], "maybe")
    review.star([attention, lingshu, medsam])
    review.tag([sam, medsam, unet], ["segmentation"])
    review.tag([sam, medsam], ["promptable"])
    review.tag([llava_med, flamingo, clip], ["vision-language"])
    review.tag([generalist, hulu, lingshu], ["generalist"])
    review.set_note(llava_med, NOTE)
    review.set_note(medsam, "Fine-tuned SAM on 1.5M image-mask pairs; compare with `nnU-Net`.")
    review.add_section("Segmentation", "From U-Net to promptable foundation models.")
    review.add_section("Vision-language models")
    review.add_section("Generalist models", "One model, many modalities & tasks.")
    review.assign("Segmentation", [unet, sam, medsam])
    review.assign("Vision-language models", [clip, llava_med, flamingo])
    review.assign("Generalist models", [generalist, hulu])
    return review
