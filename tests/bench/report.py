"""Printing benchmark figures as an aligned table, and keeping them for a JSON summary."""

from __future__ import annotations

import json
from pathlib import Path


class Report:
    def __init__(self) -> None:
        self.rows: list[dict] = []
        self.current = ""

    def section(self, title: str) -> None:
        self.current = title
        print(f"\n{title}", flush=True)

    def row(self, label: str, value, unit: str, note: str = "", target: str = "") -> None:
        self.rows.append({"section": self.current, "label": label, "value": value,
                          "unit": unit, "note": note, "target": target})
        if isinstance(value, float):
            shown = f"{value * 1000:.0f} ms" if unit == "s" and value < 1 else \
                f"{value:.2f} {unit}" if unit == "s" else f"{value:.0f} {unit}"
        else:
            shown = f"{value:,}" if isinstance(value, int) else str(value)
        line = f"  {label:<58} {shown:>10}"
        if note:
            line += f"   {note}"
        if target:
            line += f"   [target: {target}]"
        print(line, flush=True)

    def save(self, path: Path) -> None:
        path.write_text(json.dumps(self.rows, indent=1), encoding="utf-8")
