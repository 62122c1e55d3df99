"""Writing export files so that a failure never leaves half a file behind, and a pair of
files (a skeleton and its .bib) so that a kill leaves both old or both new.

A target that is a symbolic link is written through: the file it leads to gets the new
content and the link stays. Anything but a regular file (a FIFO, a device node, a
directory) is refused before a byte is written (paths.export_target).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path

from ..errors import WriteError
from ..paths import export_target, show

# The pieces of a file are written through one buffer this big: a few system calls for a
# .bib of 5,000 entries, and no 10 MB string made only to be written.
_BUFFER = 1 << 20

Content = str | bytes | Sequence[bytes]


def write_atomically(path: str | Path, content: Content) -> bool:
    """Replace ``path`` with ``content``: text (written as UTF-8), bytes, or the file's
    pieces in order (joining a big export's entries cost a tenth of exporting it, most
    of it the memory the joined copy needed).

    Returns False, leaving the file untouched, when it already holds exactly that: its
    modification time then stays, so latexmk or make rebuild nothing after an export
    that changed nothing. A failed write raises WriteError naming the file; the old file
    is left whole and no temporary file stays behind.
    """
    return write_together([(path, content)])[0]


def write_together(files: Sequence[tuple[str | Path, Content | None]]) -> list[bool]:
    """Write several files so that a kill leaves all of them old or all of them new.

    Every file is rendered and written to a temporary beside it and synced first; then
    an intent naming the renames is written beside each target, the temporaries are
    renamed over the targets one after the other, and the intents removed. A process
    killed between two renames leaves its intent: the next write to any of these files
    completes the renames first (``finish_interrupted``). A content of None, or a file
    that holds its content already, is left alone. Returns, file by file, whether it
    was written.
    """
    targets = [export_target(path) for path, _ in files]
    for target in targets:
        finish_interrupted(target)
    todo = []
    for index, ((path, content), target) in enumerate(zip(files, targets)):
        if content is None:
            continue
        pieces = _pieces(content)
        if not _holds(target, pieces):
            todo.append((index, path, target, pieces))
    single = len(todo) == 1
    temps: list[tuple[Path, Path]] = []  # (temporary, target)
    try:
        for _index, path, target, pieces in todo:
            # No fsync for one file: an export is derived from the review and written
            # again at will, as pandoc or bibtool write theirs; the rename alone means a
            # reader never sees half a file (fsync was an eighth of exporting 5,000
            # papers). A pair is synced, so that its intent never outlives its data.
            temps.append((_write_temporary(target, pieces, path, sync=not single), target))
        intents = _write_intents(temps) if len(temps) > 1 else []
    except BaseException:
        for tmp, _target in temps:
            _discard(tmp)
        raise
    for number, ((tmp, target), (_index, path, *_)) in enumerate(zip(temps, todo)):
        try:
            os.replace(tmp, target)
        except OSError as exc:
            if number == 0:  # nothing changed yet: leave nothing behind
                for debris in [*(t for t, _ in temps), *intents]:
                    _discard(debris)
            # (else the intents stay, and the next write completes the renames)
            raise _cannot_write(path, exc) from None
    for intent in intents:
        _discard(intent)
    written = [False] * len(files)
    for index, *_rest in todo:
        written[index] = True
    return written


def intent_path(target: Path) -> Path:
    return target.parent / f".{target.name}.export-intent"


def finish_interrupted(target: Path) -> list[Path]:
    """Complete the renames of a write_together killed halfway that wrote ``target``
    (rolled forward: its temporaries are whole and synced). Returns the files put in
    place."""
    intent = intent_path(target)
    if not os.path.lexists(intent):
        _sweep(target)
        return []
    try:
        with open(intent, encoding="utf-8") as fh:
            plan = json.load(fh)
        renames = [(Path(tmp), Path(dst)) for tmp, dst in plan["renames"]]
        intents = [Path(p) for p in plan["intents"]]
    except (OSError, ValueError, KeyError, TypeError):
        # Cut short while it was written: no rename had begun, the old files stand.
        _discard(intent)
        return []
    done = []
    for tmp, dst in renames:
        # Only a temporary of ours, beside its target: an intent is a file in the user's
        # folder, and must not rename anything else.
        if tmp.parent != dst.parent or not tmp.name.startswith(f".{dst.name}."):
            continue
        if os.path.lexists(tmp):
            try:
                os.replace(tmp, dst)
            except OSError as exc:
                raise _cannot_write(dst, exc) from None
            done.append(dst)
    for path in {*intents, intent}:
        if path.name.startswith(".") and path.name.endswith(".export-intent"):
            _discard(path)
    _sweep(target)
    return done


def _sweep(target: Path) -> None:
    """Remove the temporaries a killed export left beside ``target``: those of a
    process that no longer runs (the pid is in the name)."""
    prefix = f".{target.name}."
    try:
        names = [entry.name for entry in os.scandir(target.parent)
                 if entry.name.startswith(prefix) and entry.name.endswith(".tmp")]
    except OSError:
        return
    for name in names:
        pid = name[len(prefix):].split(".")[0]
        if pid.isdigit() and int(pid) != os.getpid() and not _running(int(pid)):
            _discard(target.parent / name)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process
        return True
    return True


def _pieces(content: Content) -> Sequence[bytes]:
    if isinstance(content, str):
        return [content.encode("utf-8")]
    if isinstance(content, bytes):
        return [content]
    return content


def _write_temporary(target: Path, pieces: Sequence[bytes], shown: str | Path,
                     sync: bool) -> Path:
    """The content in a new temporary beside ``target``; nothing left on failure."""
    try:
        # An export is an ordinary document: it keeps the mode of the file it replaces.
        mode = target.stat().st_mode & 0o777 if target.exists() else 0o644
        fd, tmp = _create_beside(target.parent, target.name, mode)
    except OSError as exc:
        raise _cannot_write(shown, exc) from None
    try:
        with os.fdopen(fd, "wb", buffering=_BUFFER) as fh:
            fh.writelines(pieces)
            if sync:
                fh.flush()
                os.fsync(fh.fileno())
    except BaseException as exc:
        _discard(tmp)
        if isinstance(exc, OSError):
            raise _cannot_write(shown, exc) from None
        raise
    return tmp


def _write_intents(temps: list[tuple[Path, Path]]) -> list[Path]:
    intents = [intent_path(target) for _tmp, target in temps]
    plan = json.dumps({"renames": [[str(tmp), str(target)] for tmp, target in temps],
                       "intents": [str(p) for p in intents]})
    written: list[Path] = []
    try:
        for intent in intents:
            fd = os.open(intent, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            written.append(intent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(plan)
                fh.flush()
                os.fsync(fh.fileno())
        for folder in {intent.parent for intent in intents}:
            _sync_folder(folder)
    except BaseException as exc:
        for intent in written:
            _discard(intent)
        if isinstance(exc, OSError):
            raise _cannot_write(intents[len(written) - 1 if written else 0], exc) from None
        raise
    return intents


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot sync a directory
        pass
    finally:
        os.close(fd)


def _cannot_write(path: str | Path, exc: OSError) -> WriteError:
    return WriteError(f"{show(path)}: cannot write ({exc.strerror or exc}); "
                      "the old file is left as it was")


def _discard(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _holds(path: Path, pieces: Sequence[bytes]) -> bool:
    try:
        if not path.is_file() or path.stat().st_size != sum(map(len, pieces)):
            return False
        with open(path, "rb", buffering=_BUFFER) as fh:
            return all(fh.read(len(piece)) == piece for piece in pieces)
    except OSError:  # unreadable: writing it will say what is wrong
        return False


def _create_beside(folder: Path, name: str, mode: int) -> tuple[int, Path]:
    """A new hidden file next to the target (same file system, so the rename is atomic).
    Not tempfile.mkstemp: importing tempfile costs a quick command more than it does."""
    for attempt in range(100):
        tmp = folder / f".{name}.{os.getpid()}.{attempt}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        except FileExistsError:
            continue
        os.chmod(tmp, mode)  # os.open's mode passes through the umask
        return fd, tmp
    raise FileExistsError(f"{folder}: cannot create a temporary file for {name}")
