"""`python -m tests.bench [--quick] [--skip-tui] [--skip-screening] [--keep DIR]`: print
speed figures.

Not a test: timings on a shared 2-core machine are noisy, so the benchmark prints
figures (with the interpreter's own start-up as a baseline) instead of asserting them.
"""

from __future__ import annotations

import argparse
import compileall
import os
import platform
import shutil
import tempfile
from datetime import date
from pathlib import Path

from . import core_bench
from .report import Report


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--quick", action="store_true", help="10,000 papers instead of 100,000")
    parser.add_argument("--skip-tui", action="store_true")
    parser.add_argument("--skip-screening", action="store_true",
                        help="leave out the screening simulations and model timings")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (reuses dumps)")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    parser.add_argument("--skip-online", action="store_true",
                        help="leave out reviewer enrich against the local services")
    ns = parser.parse_args()

    folder = Path(ns.keep) if ns.keep else Path(tempfile.mkdtemp(prefix="reviewer-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["XDG_DATA_HOME"] = str(folder / "data")
    os.environ["XDG_CONFIG_HOME"] = str(folder / "config")
    # An installed reviewer has its bytecode compiled by pip; a source checkout run with
    # PYTHONDONTWRITEBYTECODE would compile every module in every CLI process timed.
    compileall.compile_dir(Path(core_bench.ROOT, "reviewer"), quiet=1)
    report = Report()
    print(f"reviewer benchmark, {date.today()}, Python {platform.python_version()}, "
          f"{os.cpu_count()} CPUs, in {folder}")
    try:
        big_review = core_bench.run(report, folder, ns.quick)
        if not ns.skip_tui:
            from . import tui_bench
            tui_bench.run(report, folder, big_review, ns.quick)
        if not ns.skip_online:
            from . import online_bench
            online_bench.run(report, folder)
        if not ns.skip_screening:
            from . import screening_bench
            screening_bench.run(report, ns.quick)
    finally:
        if ns.json:
            report.save(Path(ns.json))
        if not ns.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
