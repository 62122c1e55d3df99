"""Filling papers' metadata from online services: Hugging Face papers, arXiv, Semantic
Scholar and Crossref. Nothing here runs unless the user asks (``reviewer enrich``).

The parts, each small and testable alone:

* ``client``: one HTTP client per service (pace, retries, timeouts), all alike;
* ``cache``: every lookup's answer, kept in the user cache dir, so a second run asks
  nothing for papers already resolved and works offline;
* ``hf``, ``arxiv``, ``s2``, ``crossref``: look up by ids (in batches where the API
  allows) and by title, returning plain ``records.Record`` values;
* ``matching``: whether a record found by title is the paper (the services' own scores
  decide nothing);
* ``plan``: which source to ask for which paper, and the field values each paper gets;
* ``apply``: writes a plan into the review as one undoable change;
* ``uncertain``: near misses kept for the user to accept or reject.
"""
