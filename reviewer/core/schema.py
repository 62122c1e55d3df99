"""The review file's schema and its migrations.

A review is one SQLite file. ``PRAGMA application_id`` marks it as reviewer's, so that a
database of another program given as ``--review`` is refused instead of altered;
``schema_version`` records every migration applied.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

APPLICATION_ID = 0x52657677  # "Revw"

_V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE batches (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    files TEXT NOT NULL,          -- JSON list of absolute paths
    new INTEGER NOT NULL,
    merged INTEGER NOT NULL
);
INSERT INTO batches (id, at, files, new, merged) VALUES (0, '', '[]', 0, 0);

CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    title_norm TEXT NOT NULL,
    abstract TEXT NOT NULL DEFAULT '',
    abstract_truncated INTEGER NOT NULL DEFAULT 0,
    authors TEXT NOT NULL DEFAULT '[]',      -- JSON list of names
    surnames TEXT NOT NULL DEFAULT '',       -- normalised, space separated, for dedup
    author_count INTEGER,
    organization TEXT NOT NULL DEFAULT '',
    year INTEGER,
    month INTEGER,
    day INTEGER,
    year_inferred INTEGER NOT NULL DEFAULT 0,
    upvotes INTEGER,
    arxiv_id TEXT NOT NULL DEFAULT '',
    doi TEXT NOT NULL DEFAULT '',
    url TEXT NOT NULL DEFAULT '',
    links TEXT NOT NULL DEFAULT '[]',
    venue TEXT NOT NULL DEFAULT '',
    entry_type TEXT NOT NULL DEFAULT '',
    keywords TEXT NOT NULL DEFAULT '[]',
    primary_class TEXT NOT NULL DEFAULT '',
    comments TEXT NOT NULL DEFAULT '',
    extra TEXT NOT NULL DEFAULT '{}',
    citekey TEXT NOT NULL UNIQUE,
    citekey_frozen INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    decision TEXT NOT NULL DEFAULT 'undecided'
        CHECK (decision IN ('undecided', 'include', 'maybe', 'exclude')),
    note TEXT NOT NULL DEFAULT '',
    batch INTEGER NOT NULL REFERENCES batches(id),
    removed INTEGER NOT NULL DEFAULT 0       -- 1 while the import that added it is undone
);
CREATE INDEX papers_arxiv ON papers(arxiv_id) WHERE arxiv_id != '';
CREATE INDEX papers_doi ON papers(doi) WHERE doi != '';
CREATE INDEX papers_batch ON papers(batch);

CREATE TABLE tags (
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    tag TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag);

CREATE TABLE sections (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL UNIQUE,
    position INTEGER NOT NULL,
    description TEXT NOT NULL DEFAULT ''
);

CREATE TABLE section_papers (
    section_id INTEGER NOT NULL REFERENCES sections(id) ON DELETE CASCADE,
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    PRIMARY KEY (section_id, paper_id)
) WITHOUT ROWID;
CREATE INDEX section_papers_paper ON section_papers(paper_id);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    format TEXT NOT NULL,
    batch INTEGER NOT NULL,
    UNIQUE (paper_id, file, line)
);
CREATE INDEX sources_file ON sources(file);

-- Every change the user makes, as the operations that redo it; undo applies them in
-- reverse. Rows with undone = 1 form the redo stack.
CREATE TABLE history (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    label TEXT NOT NULL,
    ops TEXT NOT NULL,
    undone INTEGER NOT NULL DEFAULT 0
);
"""

# Rendered BibTeX entries, so that an export renders only the papers changed since the
# last one (Better BibTeX keeps such a cache for Zotero). Triggers rather than the store's
# methods drop an entry, so that no write path (undo, an import's merge) can forget to.
# Migrations are written out in full: a migration applied once must read the same for
# ever (tests/test_schema.py pins their text).
_V2 = """
CREATE TABLE bib_entries (paper_id INTEGER PRIMARY KEY, entry BLOB NOT NULL);
CREATE TRIGGER bib_entries_paper_changed AFTER UPDATE OF id, title, abstract, authors, author_count, year, month, arxiv_id, doi, url, venue, entry_type, primary_class, extra, citekey, note ON papers
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.id, NEW.id);
END;
CREATE TRIGGER bib_entries_paper_deleted AFTER DELETE ON papers
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.id);
END;
CREATE TRIGGER bib_entries_tag_added AFTER INSERT ON tags
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (NEW.paper_id);
END;
CREATE TRIGGER bib_entries_tag_changed AFTER UPDATE ON tags
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.paper_id, NEW.paper_id);
END;
CREATE TRIGGER bib_entries_tag_removed AFTER DELETE ON tags
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.paper_id);
END;
"""

# Which keys have left the app (exported, copied, set by hand) and so never change again.
# A table of their own: a flag in papers made freezing 5,000 keys rewrite 5,000 wide rows
# (a sixth of a first export). papers.citekey_frozen stays, read by nothing, because
# history entries made before v3 write it; history._set_fields turns such writes into
# rows of this table.
_V3 = """
CREATE TABLE frozen_citekeys (
    paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE
);
INSERT INTO frozen_citekeys SELECT id FROM papers WHERE citekey_frozen = 1;
"""

# Kept entries are read from the .bib files they were written to, not kept in the review:
# a first export wrote its 10 MB of entries twice more (the WAL, then the checkpoint at
# close), a third of its time. A row says where a paper's entry sits in a file written by
# an export, and its CRC-32 tells whether the file still holds it there. The triggers stay
# (same names, same table name), now dropping the rows of every file a paper is in.
_V4 = """
DROP TRIGGER bib_entries_paper_changed;
DROP TRIGGER bib_entries_paper_deleted;
DROP TRIGGER bib_entries_tag_added;
DROP TRIGGER bib_entries_tag_changed;
DROP TRIGGER bib_entries_tag_removed;
DROP TABLE bib_entries;
CREATE TABLE bib_files (id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, used INTEGER NOT NULL);
CREATE TABLE bib_entries (paper_id INTEGER NOT NULL, file_id INTEGER NOT NULL, start INTEGER NOT NULL, size INTEGER NOT NULL, crc INTEGER NOT NULL, PRIMARY KEY (paper_id, file_id)) WITHOUT ROWID;
CREATE TRIGGER bib_entries_paper_changed AFTER UPDATE OF id, title, abstract, authors, author_count, year, month, arxiv_id, doi, url, venue, entry_type, primary_class, extra, citekey, note ON papers
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.id, NEW.id);
END;
CREATE TRIGGER bib_entries_paper_deleted AFTER DELETE ON papers
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.id);
END;
CREATE TRIGGER bib_entries_tag_added AFTER INSERT ON tags
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (NEW.paper_id);
END;
CREATE TRIGGER bib_entries_tag_changed AFTER UPDATE ON tags
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.paper_id, NEW.paper_id);
END;
CREATE TRIGGER bib_entries_tag_removed AFTER DELETE ON tags
BEGIN
    DELETE FROM bib_entries WHERE paper_id IN (OLD.paper_id);
END;
"""

# Papers merged by hand into another (core/manual_merge.py) leave the review like an
# undone import's (removed = 1) and say where they went, so that importing one of their
# records again folds it into that paper. The partial index keeps finding them free for
# an import of 100,000 papers, none of them merged.
_V5 = """
ALTER TABLE papers ADD COLUMN merged_into INTEGER;
CREATE INDEX papers_merged_into ON papers(merged_into) WHERE merged_into IS NOT NULL;
"""

# Where the value of a paper's field came from, once something other than the import
# that added the paper set it (core/improve.py): 'dump:<format>', 'bib', 'user' or
# 'service:<name>'; a field of an "extra" BibTeX key is named 'extra.<key>'. No row: the
# value is as the paper's first import read it. A field the user set is never
# overwritten by an import or a service.
_V6 = """
CREATE TABLE provenance (
    paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
    field TEXT NOT NULL,
    origin TEXT NOT NULL,
    PRIMARY KEY (paper_id, field)
) WITHOUT ROWID;
"""

# A field to come (issue 19): the arXiv listing's Journal-ref, where its authors say the
# paper was published. The model declares it (model.py); this is all the rest it takes.
# (A field an export's entry is made from would also recreate bib_entries_paper_changed
# with it among the columns watched: tests/test_export_cache.py names a column missed.)
_V7 = """
ALTER TABLE papers ADD COLUMN journal_ref TEXT NOT NULL DEFAULT '';
"""

# Why a paper was excluded (core/reasons.py): one reason a paper, which goes when the
# paper stops being excluded. A table of its own rather than a column of papers: most
# papers never have one, and the review's list of reasons is a GROUP BY over this table
# alone.
_V8 = """
CREATE TABLE decision_reasons (
    paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
    reason TEXT NOT NULL
);
CREATE INDEX decision_reasons_reason ON decision_reasons(reason);
"""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8]
VERSION = len(MIGRATIONS)


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def current_version(conn: sqlite3.Connection) -> int:
    has_table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
    ).fetchone()
    if not has_table:
        return 0
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    return row[0] or 0


def migrate(conn: sqlite3.Connection) -> None:
    """Bring the review up to VERSION: a new review in one transaction (one commit, not
    nine: a tenth of a first import's start), an older one one migration at a time."""
    version = current_version(conn)
    if version == 0:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Another process may have created the review while we waited for the lock.
            if current_version(conn) == 0:
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL, "
                             "applied_at TEXT NOT NULL)")
                for number, script in enumerate(MIGRATIONS, start=1):
                    _apply(conn, number, script)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        version = current_version(conn)
    for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            if current_version(conn) < number:
                _apply(conn, number, script)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


def _apply(conn: sqlite3.Connection, number: int, script: str) -> None:
    for statement in _statements(script):
        conn.execute(statement)
    conn.execute("INSERT INTO schema_version VALUES (?, ?)", (number, now()))


def _statements(script: str) -> list[str]:
    # executescript() would commit our transaction; split the script ourselves instead.
    out, buf = [], []
    for line in script.splitlines():
        stripped = line.split("--", 1)[0].rstrip()
        if not stripped:
            continue
        buf.append(stripped)
        if stripped.endswith(";") and sqlite3.complete_statement("\n".join(buf)):
            out.append("\n".join(buf))
            buf = []
    return out
