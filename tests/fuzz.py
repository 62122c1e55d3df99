"""`python -m tests.fuzz [--minutes 3] [--seed N] [--out DIR]`: fuzz every parser, the
format detector and dedup with inputs made from the real dumps.

Not part of the test run (pytest does not collect this module): it runs for minutes and
its inputs are random. Each input is a mutation of a file of ../shared (seeds, biber's
test files), sample_lists/ or tests/fixtures: bytes changed, spans cut, repeated or
swapped, files spliced, or a short piece repeated up to 100 KB, the shape that finds
regexes and parsers that backtrack. Every input goes through the detector, every parser
(``parse(text, ctx)``) and dedup of what each parser read.

A finding is an exception that is not the project's own ``ReviewerError``, or a run that
takes more than 2 s per 100 KB (0.5 s at least; machines are noisy: a slow input is timed
again before it counts). Each case runs in a forked child, so a hang or a memory blow-up
(the child may use 2 GB) is a finding too, not the end of the run. Findings are written
to DIR (the input, and what went wrong) and make the exit status 1.
"""

from __future__ import annotations

import argparse
import json
import os
import pickle
import random
import resource
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

SECONDS_PER_100KB = 2.0
MIN_SLOW = 0.5
HANG = 30.0  # a case still running after this is killed and reported
MEMORY = 2 << 30
BIG = 100_000

# Characters that mean something to some parser, or to a terminal.
SPECIALS = list("[](){}<>\\$%@#=,;:.\"'`*_-+~^|/!?&\n\t \r") + [
    "\x00", "\x1b[31m", "\x0c", "\u00a0", "\u2028", "\ufeff", "é", "\u0301", "日", "·", "•",
    "arXiv:2101.00001", "[1] ", "Title: ", "Authors: ", "@article{", "@string{", "}\n",
    "\n\n", "- [", "](https://arxiv.org/abs/2101.00001)", "http://", "10.1000/x", "2021",
    "\\\\", "\\\"{", "\\sqrt[", "$", "# ", "| ", "**", "  • 3 authors", "Jan 31", "{{",
    "author = {", "title = {", " and ", "doi:", "%-%-%-", "-" * 10, "![", "[a](", "]: ",
    " ,", "(2021)", "**b* ", "_a", "<a ", "&amp;", "@a{", "a = {", "{{", "}}", "\\i", "Ab. Cd "]


def corpus() -> list[tuple[str, str]]:
    """(name, text) of every dump the fuzzer starts from."""
    paths: list[Path] = []
    for folder, pattern in ((SHARED / "seeds", "*.txt"), (SHARED / "corpus" / "biber-tdata", "*.bib"),
                            (ROOT / "sample_lists", "*"), (ROOT / "tests" / "fixtures", "*/*")):
        paths += sorted(folder.glob(pattern))
    files = []
    for path in paths:
        if path.suffix == ".py" or not path.is_file():
            continue
        data = path.read_bytes()[:400_000]
        files.append((path.name, data.decode("utf-8", errors="replace")))
    if not files:
        sys.exit("no dumps to start from: neither ../shared nor tests/fixtures was found")
    return files


def mutate(rng: random.Random, files: list[tuple[str, str]]) -> tuple[str, str]:
    """A random input and a short description of how it was made."""
    name, text = rng.choice(files)
    kind = rng.choice(["edit", "edit", "edit", "repeat", "repeat", "splice", "head-repeat"])
    if kind == "repeat" or kind == "head-repeat":
        if rng.random() < 0.5 and text:
            start = rng.randrange(len(text))
            piece = text[start:start + rng.randint(1, 40)]
        else:
            piece = "".join(rng.choice(SPECIALS) for _ in range(rng.randint(1, 4)))
        size = rng.choice([BIG // 4, BIG])
        body = piece * (size // max(len(piece), 1) + 1)
        head = text[:rng.randint(0, 3000)] if kind == "head-repeat" else ""
        return head + body[:size], f"{kind} of {piece[:40]!r} after {len(head)} chars of {name}"
    if kind == "splice":
        other_name, other = rng.choice(files)
        cut, cut2 = rng.randint(0, len(text)), rng.randint(0, len(other))
        return text[:cut] + other[cut2:], f"{name}[:{cut}] + {other_name}[{cut2}:]"
    edits = []
    for _ in range(rng.randint(1, 30)):
        if not text:
            text = rng.choice(SPECIALS)
        op = rng.choice(["insert", "insert", "delete", "duplicate", "swap", "truncate"])
        i = rng.randrange(len(text))
        j = min(len(text), i + rng.randint(1, 200))
        if op == "insert":
            text = text[:i] + rng.choice(SPECIALS) * rng.choice([1, 1, 2, 50, 1000]) + text[i:]
        elif op == "delete":
            text = text[:i] + text[j:]
        elif op == "duplicate":
            text = text[:j] + text[i:j] * rng.choice([1, 2, 100]) + text[j:]
        elif op == "swap":
            k = rng.randrange(len(text))
            text = text[:i] + text[k:k + (j - i)] + text[j:]
        elif op == "truncate":
            text = text[:i]
        edits.append(op)
    return text[: 4 * BIG], f"{name} with {len(edits)} edits ({', '.join(edits[:8])})"


def run_case(text: str) -> list[tuple[str, float, str]]:
    """Detect, parse with every parser and dedup: (step, seconds, error or '') each."""
    from reviewer.core.gc_pause import gc_paused
    from reviewer.core.dedup import DuplicateIndex
    from reviewer.core.errors import ReviewerError
    from reviewer.core.parsers import FORMATS, ParseContext, detect_format, parser
    from reviewer.core.planning import plan_import

    steps = []

    def step(name, call):
        start = time.perf_counter()
        error = ""
        result = None
        try:
            with gc_paused():
                result = call()
        except ReviewerError:
            pass
        except BaseException as exc:  # noqa: BLE001 - every other exception is a finding
            error = "".join(traceback.format_exception(exc)[-6:])
        steps.append((name, time.perf_counter() - start, error))
        return result

    step("detect", lambda: detect_format(text, "/fuzz/input"))
    for name in FORMATS:
        ctx = ParseContext("/fuzz/input", 2026, today=(6, 15))
        result = step(f"parse {name}", lambda n=name, c=ctx: parser(n).parse(text, c))
        if result is not None and result.papers:
            step(f"dedup {name}", lambda r=result: plan_import(DuplicateIndex(), r.papers))
    return steps


def in_child(text: str) -> list[tuple[str, float, str]] | str:
    """run_case in a forked child: its steps, or why it gave none (a hang, a crash)."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))
            data = pickle.dumps(run_case(text))
            with os.fdopen(write_end, "wb") as pipe:
                pipe.write(data)
        finally:
            os._exit(0)
    os.close(write_end)
    deadline = time.monotonic() + HANG
    chunks = []
    os.set_blocking(read_end, False)
    import select

    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            os.close(read_end)
            return f"still running after {HANG:.0f} s (killed)"
        ready, _, _ = select.select([read_end], [], [], min(left, 1.0))
        if ready:
            chunk = os.read(read_end, 1 << 20)
            if not chunk:
                break
            chunks.append(chunk)
    os.close(read_end)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        return f"the child died (wait status {status})"
    return pickle.loads(b"".join(chunks))


def too_slow(size: int, seconds: float) -> bool:
    return seconds > max(MIN_SLOW, SECONDS_PER_100KB * size / BIG)


def main() -> int:
    args = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.split("\n\n")[0])
    args.add_argument("--minutes", type=float, default=3.0)
    args.add_argument("--seed", type=int, default=None, help="random seed (default: the time)")
    args.add_argument("--out", default=None, help="where findings go (default: a new temp dir)")
    ns = args.parse_args()
    seed = ns.seed if ns.seed is not None else int(time.time())
    rng = random.Random(seed)
    out = Path(ns.out or tempfile.mkdtemp(prefix="reviewer-fuzz-"))
    out.mkdir(parents=True, exist_ok=True)
    files = corpus()
    import reviewer.core.parsers  # noqa: F401 - loaded once, inherited by every child

    # Load every parser and its libraries before forking, so no child pays for it.
    run_case("[1] arXiv:2101.00001\nTitle: x\n@article{a, title={\\\"a}}\n- [a](http://x)\n")
    end = time.monotonic() + 60 * ns.minutes
    cases = findings = 0
    biggest = 0
    while time.monotonic() < end:
        text, how = mutate(rng, files)
        cases += 1
        biggest = max(biggest, len(text))
        outcome = in_child(text)
        problems = []
        if isinstance(outcome, str):
            problems.append(("all", 0.0, outcome))
        else:
            for step, seconds, error in outcome:
                if error:
                    problems.append((step, seconds, error))
                elif too_slow(len(text), seconds):
                    again = in_child(text)  # a noisy machine: time it once more
                    slow = [s for s in (again if isinstance(again, list) else [])
                            if s[0] == step and too_slow(len(text), s[1])]
                    if slow or isinstance(again, str):
                        problems.append((step, seconds, f"took {seconds:.2f} s for "
                                                        f"{len(text):,} characters"))
        for step, seconds, message in problems:
            findings += 1
            stem = out / f"finding-{findings:03d}"
            stem.with_suffix(".txt").write_text(text, encoding="utf-8", errors="surrogatepass")
            stem.with_suffix(".json").write_text(json.dumps(
                {"step": step, "seconds": round(seconds, 3), "problem": message,
                 "input": how, "chars": len(text), "seed": seed}, indent=1))
            print(f"FINDING {stem.name}: {step}: {message.strip().splitlines()[-1]} "
                  f"[{how}, {len(text):,} chars]", flush=True)
    print(f"{cases} inputs (up to {biggest:,} characters) in {ns.minutes:g} min, seed {seed}: "
          f"{findings} findings" + (f" in {out}" if findings else ""))
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
