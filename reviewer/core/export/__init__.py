"""Exporters: BibTeX and the Markdown survey skeleton, over a selection of the review."""
