"""Writing an imported draft: `SLUG.md` in the output folder, never over an article unless told."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from syndicate.errors import SyndicateError, UsageError
from syndicate.importer.drafts import ImportResult, is_slug


def write_article(result: ImportResult, out_dir: Path, force: bool) -> Path:
    """Write `<file_stem>.md` into out_dir, atomically; never outside it, never over a file without force."""
    stem = result.file_stem
    if not is_slug(stem) or len(stem) > 200:
        raise UsageError(f"cannot name the article {stem!r}", "the name must be a slug: a-z, 0-9 and hyphens")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise UsageError(f"{out_dir}: cannot create the folder: {e.strerror}", "check the --out path") from e
    target = out_dir / f"{stem}.md"
    if Path(os.path.normpath(target)).parent != Path(os.path.normpath(out_dir)):
        raise UsageError(f"{target}: not inside {out_dir}", "the article's name must not contain a path")
    if target.exists() and not force:
        raise UsageError(f"{target} exists", "pass --force to overwrite it, or choose another --out folder")
    temporary = out_dir / f".{stem}.{secrets.token_hex(6)}.tmp"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(result.to_markdown())
            handle.flush()
            os.fsync(handle.fileno())
        if force:
            temporary.replace(target)
        else:
            _link_new(temporary, target)
    except OSError as e:
        raise SyndicateError(
            f"{target}: cannot write the article: {e.strerror}", "check the folder's permissions"
        ) from e
    finally:
        temporary.unlink(missing_ok=True)
    return target


def _link_new(temporary: Path, target: Path) -> None:
    """Move the finished file into place unless a file of that name appeared meanwhile."""
    try:
        os.link(temporary, target)  # fails if the target exists: no race with another writer
    except FileExistsError:
        raise UsageError(f"{target} exists", "pass --force to overwrite it, or choose another --out folder") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise UsageError(f"{target} exists", "pass --force to overwrite it") from None
        temporary.replace(target)
