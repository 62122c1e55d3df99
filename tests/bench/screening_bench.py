"""The screening assistant's figures: ASReview-style simulations on the labelled reviews
of ../shared/corpus/screening (three seeds each, beside ASReview's anchor), and the
model's fit and update times at 2,000 and 100,000 papers.

``python -m tests.bench.screening_bench`` runs this part alone. Prints, asserts nothing.
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
from pathlib import Path

from .report import Report

ROOT = Path(__file__).resolve().parents[2]
LABELLED = ROOT.parent / "shared" / "corpus" / "screening"
SEEDS = (0, 1, 2)
# ASReview 3's default model from one included and one excluded record (issue 20).
ANCHOR = {
    "Kitchenham_2010": "ASReview: WSS@95 0.67, recall@10% 0.69-0.71, loss 0.07-0.08",
    "Bannach-Brown_2019": "ASReview: WSS@95 0.42, loss 0.07",
}


def simulations(report: Report) -> None:
    from reviewer.core.relevance.simulation import choose_priors, read_labelled, run

    report.section("Screening simulations (1 included + 1 excluded prior, seeds 0, 1, 2)")
    for name in ANCHOR:
        path = LABELLED / f"{name}.csv"
        if not path.exists():
            print(f"  {path} missing: skipped")
            continue
        data = read_labelled(path)
        results = []
        for seed in SEEDS:
            result = run(data, choose_priors(data, [], 1, 1, seed), seed)
            m = result.measures
            results.append(result)
            report.row(f"{name} seed {seed}: WSS@95 / recall@10% / loss",
                       f"{m.wss95:.3f} / {m.recall10:.3f} / {m.loss:.3f}", "",
                       note=f"update median {result.median_ms:.1f} ms (CPU "
                       f"{statistics.median(result.update_cpu_ms):.1f}), worst "
                       f"{result.worst_ms:.0f} ms")
        mean = [statistics.mean(getattr(r.measures, k) for r in results)
                for k in ("wss95", "recall10", "loss")]
        report.row(f"{name} ({len(data.ids):,} records, {data.included} included), mean",
                   f"{mean[0]:.3f} / {mean[1]:.3f} / {mean[2]:.3f}", "", note=ANCHOR[name])


# Run in a child process, so that its peak memory is the model's alone.
_SCALE = r"""
import json, random, re, resource, statistics, sys, time
from reviewer.core.relevance.simulation import read_labelled
from reviewer.core.relevance.features import cached_tfidf_matrix, tfidf_matrix
import tempfile
from pathlib import Path
from reviewer.core.relevance.model import IRRELEVANT, RELEVANT, Ranker
n, files = int(sys.argv[1]), sys.argv[2:]
texts = [t for f in files for t in read_labelled(f).texts]
sentences = [s for t in texts for s in re.split(r"(?<=\.)\s+", t) if len(s) > 20]
rng = random.Random(0)
corpus = [" ".join(rng.choices(sentences, k=8)) for _ in range(n)]
import sklearn.feature_extraction.text, sklearn.svm  # imports are not the fit
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
features = tfidf_matrix(corpus)
fit = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # the fit's, before the cache's
with tempfile.TemporaryDirectory() as folder:
    cached_tfidf_matrix(corpus, Path(folder))  # fits again and writes the cache
    start = time.perf_counter()
    cached_tfidf_matrix(corpus, Path(folder))
    load = time.perf_counter() - start
ranker = Ranker(features)
updates, cpu, rows = [], [], rng.sample(range(n), 400)
for i, row in enumerate(rows):
    ranker.label(row, RELEVANT if i % 10 == 0 else IRRELEVANT)
    if i >= 390:
        start, cpu_start = time.perf_counter(), time.process_time()
        ranker.best(ranker.scores(), ranker.labels == -1)
        updates.append(time.perf_counter() - start)
        cpu.append(time.process_time() - cpu_start)
print(json.dumps({"fit": fit, "load": load, "update": statistics.median(updates), "cpu": statistics.median(cpu),
                  "columns": features.shape[1],
                  "matrix_mb": (features.data.nbytes + features.indices.nbytes
                                + features.indptr.nbytes) / 1e6,
                  "peak_mb": peak / 1024,
                  "before_mb": before / 1024}))
"""


def scale(report: Report, sizes: tuple[int, ...] = (2_000, 100_000)) -> None:
    report.section("Screening model at scale (abstracts made of sentences drawn from the "
                   "labelled reviews; 400 labels)")
    files = [str(p) for p in sorted(LABELLED.glob("*.csv"))]
    if not files:
        print("  no labelled reviews: skipped")
        return
    for n in sizes:
        done = subprocess.run([sys.executable, "-c", _SCALE, str(n), *files],
                              capture_output=True, text=True, cwd=ROOT, timeout=3600)
        if done.returncode:
            print(f"  {n:,} papers failed: {done.stderr.strip().splitlines()[-1:]}")
            continue
        figures = json.loads(done.stdout.splitlines()[-1])
        report.row(f"{n:,} papers: TF-IDF fit (once per corpus)", figures["fit"], "s",
                   note=f"{figures['columns']:,} words and pairs, matrix "
                   f"{figures['matrix_mb']:.0f} MB, peak memory {figures['peak_mb']:.0f} MB")
        report.row(f"{n:,} papers: the same matrix read back from the cache (hash "
                   "of the texts, then load)", figures["load"], "s")
        report.row(f"{n:,} papers: update after a label (refit, score all, pick)",
                   figures["update"], "s", note=f"CPU {figures['cpu'] * 1000:.0f} ms",
                   target="15 ms at 2,000" if n <= 2_000 else "")


def run(report: Report, quick: bool = False) -> None:
    simulations(report)
    scale(report, (2_000, 10_000) if quick else (2_000, 100_000))


if __name__ == "__main__":
    quick = "--quick" in sys.argv
    run(Report(), quick)
