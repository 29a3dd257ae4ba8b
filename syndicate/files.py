"""Writing files safely: atomically, and never outside the folder they belong to."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from syndicate.errors import UsageError


def atomic_write(target: Path, content: bytes) -> None:
    """Write to a temporary file beside `target`, then rename: readers never see half a file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        temp.chmod(0o644)
        temp.replace(target)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def contained(root: Path, relative: str) -> Path:
    """`root / relative`, resolved, refused when it would leave `root` (../, absolute paths, links)."""
    base = root.resolve()
    target = (base / relative).resolve()
    if not target.is_relative_to(base) or target == base:
        raise UsageError(f"{relative!r} would be written outside {base}", "file names come from slugs: check the slug")
    return target
