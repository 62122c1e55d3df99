"""The screening assistant: learn from the user's decisions which papers are relevant.

Shaped like ASReview's models, in small parts each testable alone:

* ``features``: TF-IDF of words and word pairs over title, abstract, tags and keywords,
  fitted once per corpus;
* ``model``: the labels (``label_of``: what a decision says) and ``Ranker``, a linear
  classifier refitted on every label, scoring every paper;
* ``simulation``: ASReview's simulation mode on labelled data, choosing each next record
  with the same ``Ranker``, and the field's measures (WSS@95, recall at 10 %, loss);
* ``stopping``: how far the user is from the last include, and an estimate of the
  relevant papers still unseen;
* ``related``: papers like a given one, and the section a paper most likely belongs to;
* ``scoring``: the same, read from an open review.

scikit-learn is imported inside the functions that need it: ``reviewer list`` never
pays for it.
"""
