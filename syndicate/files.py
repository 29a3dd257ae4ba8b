"""Writing files safely: atomically, and never outside the folder they belong to."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from syndicate.errors import UsageError, WriteError, os_reason

#: what to check, for a writer that knows no better (feeds name paths.feeds)
WRITE_HINT = "check that the folder is a folder and that syndicate may write in it"


def atomic_write(target: Path, content: bytes, hint: str = WRITE_HINT) -> None:
    """Write to a temporary file beside `target`, then rename: readers never see half a file.

    Raises WriteError naming `target` and the path at fault, with `hint`."""
    put_in_place(staged_write(target, content, hint), target, hint)


def staged_write(target: Path, content: bytes, hint: str = WRITE_HINT) -> Path:
    """`content` written (and synced) to a new temporary file beside `target`, whose name is
    returned: `put_in_place` moves it to `target`. Writers of several files that must change
    together stage them all first, so that a full disk stops them before any has changed."""
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise _cannot_write(target, e, hint) from e
    try:
        fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as e:  # it names the temporary file it tried: the folder is what matters
        raise _cannot_write(target, e, hint, target.parent) from e
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o644)
    except BaseException as e:
        temp.unlink(missing_ok=True)
        if isinstance(e, OSError):
            raise _cannot_write(target, e, hint, target) from e
        raise
    return temp


def put_in_place(temp: Path, target: Path, hint: str = WRITE_HINT) -> None:
    """Rename the staged file `temp` to `target` (atomically); the temporary file goes if that fails."""
    try:
        temp.replace(target)
    except OSError as e:
        temp.unlink(missing_ok=True)
        raise _cannot_write(target, e, hint, target) from e


def _cannot_write(target: Path, error: OSError, hint: str, path: Path | None = None) -> WriteError:
    return WriteError(f"cannot write {target}: {os_reason(error, path)}", hint)


#: the longest file name most file systems take, in bytes
MAX_NAME_BYTES = 255
#: names Windows gives to devices, whatever their extension (con.html is the console)
_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", "conin$", "conout$"} | {f"{kind}{n}" for kind in ("com", "lpt") for n in "123456789"}
)


def contained(root: Path, relative: str) -> Path:
    """`root / relative`, resolved, refused when it would leave `root` (../, absolute paths, links)
    or is not a name a file can safely have (control characters, over 255 bytes, a Windows device)."""
    base = root.resolve()
    problem = _unsafe_name(relative)
    if problem:
        raise UsageError(
            f"{relative!r} is not a safe file name: {problem}", "file names come from slugs: check the slug"
        )
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise UsageError(f"{relative!r} would be written outside {base}", "file names come from slugs: check the slug")
    return target


def _unsafe_name(relative: str) -> str:
    if any(ord(c) < 32 or 127 <= ord(c) < 160 for c in relative):
        return "it holds a control character"
    for part in relative.replace("\\", "/").split("/"):
        if len(part.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES:
            return f"a name is longer than {MAX_NAME_BYTES} bytes"
        if os.name == "nt" and part.split(".", 1)[0].rstrip(" ").lower() in _WINDOWS_DEVICES:
            return "Windows reserves it for a device"
    return ""


#: what a feeds folder must be, for a refused one
FEEDS_FOLDER_HINT = (
    "give the feeds a folder of their own outside the content folder, e.g. feeds/ beside it: syndicate writes "
    "its files there and removes stale pages from its archive/ and tags/ folders"
)


def feeds_folder_problem(folder: str, content: Path) -> str | None:
    """Why `folder` may not take the feeds, or None: an empty path (the working folder, unsaid),
    the root of the file system, or the content folder, a folder in it or one that holds it
    (symbolic links followed)."""
    if not folder.strip():
        return "an empty path would write into the working folder"
    try:
        target, articles = Path(folder).resolve(), content.resolve()
    except (OSError, RuntimeError, ValueError) as e:  # a loop of links (RuntimeError on 3.11), a NUL
        return f"it cannot be resolved: {e}"
    if target.parent == target:
        return f"{target} is the root of the file system"
    if target == articles:
        return f"{target} is the content folder"
    if target.is_relative_to(articles):
        return f"{target} is inside the content folder {articles}"
    if articles.is_relative_to(target):
        return f"{target} holds the content folder {articles}"
    return None


def read_bounded(path: Path, max_bytes: int) -> tuple[int, bytes]:
    """(size on disk, bytes read) of the file at `path`, never more than `max_bytes` + 1 bytes:
    a file over the limit by its size is not read at all (b""), and one that grows while it is
    read, a pipe or a device stops one byte past the limit. OSError as open and read raise it."""
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        raw = b""
        if size <= max_bytes:
            # read(n) allocates n bytes first: ask for the size, not the limit
            raw = handle.read(size + 1)
            if len(raw) > size:  # growing, a pipe or a device: read on, never past the limit
                raw += handle.read(max_bytes + 1 - len(raw))
    return size, raw
