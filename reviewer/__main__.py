from reviewer.cli import run

raise SystemExit(run())
