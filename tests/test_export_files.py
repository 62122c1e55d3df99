"""Export files are replaced whole: a failed write leaves the old file and no debris."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reviewer.core.export.files import write_atomically


def test_writes_utf8_with_unix_line_ends(tmp_path: Path):
    out = tmp_path / "refs.bib"
    write_atomically(out, "Łukasz\nend\n")
    assert out.read_bytes() == "Łukasz\nend\n".encode()
    assert out.stat().st_mode & 0o777 == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path):
    out = tmp_path / "refs.bib"
    out.write_text("old")
    out.chmod(0o600)
    write_atomically(out, "new")
    assert out.read_text() == "new"
    assert out.stat().st_mode & 0o777 == 0o600


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path: Path):
    out = tmp_path / "refs.bib"
    out.write_text("old")
    with pytest.raises(UnicodeEncodeError):
        write_atomically(out, "half \ud800 broken")  # a lone surrogate cannot be written
    assert out.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["refs.bib"]


def test_a_stale_temporary_of_a_killed_run_does_not_block(tmp_path: Path):
    stale = tmp_path / f".refs.bib.{os.getpid()}.0.tmp"
    stale.write_text("debris")
    write_atomically(tmp_path / "refs.bib", "new")
    assert (tmp_path / "refs.bib").read_text() == "new"


def test_a_file_that_holds_the_content_already_is_not_rewritten(tmp_path: Path):
    out = tmp_path / "refs.bib"
    assert write_atomically(out, "same\n") is True
    os.utime(out, (1_000_000, 1_000_000))
    assert write_atomically(out, b"same\n") is False
    assert out.stat().st_mtime == 1_000_000
    assert write_atomically(out, "same, longer\n") is True
    assert write_atomically(out, "Same, longer\n") is True  # same size, other bytes
    assert out.read_text() == "Same, longer\n"


def test_a_file_given_in_pieces_is_written_and_compared_whole(tmp_path: Path):
    out = tmp_path / "refs.bib"
    assert write_atomically(out, [b"@misc{a,\n}\n", b"\n", "@misc{ü,\n}\n".encode()]) is True
    assert out.read_text(encoding="utf-8") == "@misc{a,\n}\n\n@misc{ü,\n}\n"
    os.utime(out, (1_000_000, 1_000_000))
    # The same bytes cut elsewhere are the same file.
    assert write_atomically(out, "@misc{a,\n}\n\n@misc{ü,\n}\n") is False
    assert write_atomically(out, [b"@misc{a,\n}\n\n@mi", "sc{ü,\n}\n".encode()]) is False
    assert out.stat().st_mtime == 1_000_000
    # Same size, one piece differs: rewritten.
    assert write_atomically(out, [b"@misc{b,\n}\n", b"\n", "@misc{ü,\n}\n".encode()]) is True
    assert out.read_text(encoding="utf-8") == "@misc{b,\n}\n\n@misc{ü,\n}\n"
    assert write_atomically(out, []) is True
    assert out.read_bytes() == b""
