"""Deciding that a cron run has nothing to do, in one place, cheaply enough to run before the command line loads.

`syndicate run` is started by cron every few minutes, and most runs find
nothing changed. `unchanged` is that decision: one stat per article file,
hashed into one digest that is compared with the digest the last run
stored. run.py makes it through incremental.nothing_to_do, and
`answer_noop` makes it for the `syndicate` command (__main__.py) before
click, the config schema and the ledger classes are imported: those
imports were half of a no-op run's time. So this module imports only what
the check needs from the standard library, and touches files through `os`
with str paths, without pathlib's import and per-call cost.

On a PostgreSQL ledger ([ledger] url) the same decision is made from the
site's run_state read in one query, with psycopg the only import added
(noop_pg.py), and never while a runner holds the site's lock.

`answer_noop` answers only a no-op (nothing to do; the problems the last run
left standing, such as invalid articles, are said again as the command line
says them); anything else, unusual or failing, returns None and the normal
command line does the whole run, as it always did.
"""

# str paths through os on purpose (see above):
# ruff: noqa: PTH112, PTH113, PTH116, PTH118, PTH120, PTH121, PTH123, PTH208
from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import os
import sys
from array import array

from syndicate import OUTPUT_REVISION, __version__
from syndicate.site_paths import CONFIG_ENV, CONFIG_NAME, DEFAULT_PATHS, SitePaths, article_entries

TYPE_CHECKING = False  # typing costs 3 ms to import, and nothing here needs it at run time
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence

    from syndicate.ledger_settings import LedgerSettings

#: what `syndicate -v run` says on a no-op run
NOTHING_CHANGED = "syndicate run: nothing changed since the last run"
#: what `syndicate run --format json` prints on a no-op run without standing problems (reports.run_summary)
NOOP_JSON = (
    '{"articles": null, "audit": null, "errors": null, "failed": 0, "feeds": null, "invalid": null, "noop": true, '
    '"ok": true, "plan": null, "problems": [], "warnings": []}'
)


def ledger_state(state: str) -> dict[str, str]:
    """The ledger's run_state, only read (the Ledger class would migrate, which takes SQLite's write lock).

    Opened for writing all the same, without creating: the last connection
    to close removes the -wal and -shm files beside the ledger, as a Ledger
    does; a read-only one would leave them.
    """
    import sqlite3

    uri = "file:" + state.replace("%", "%25").replace("?", "%3f").replace("#", "%23") + "?mode=rw"
    db = sqlite3.connect(uri, uri=True)
    try:
        return {key: str(value) for key, value in db.execute("SELECT key, value FROM run_state")}
    finally:
        db.close()


#: scan's stat of a link to nowhere (no file has it): changes to anything else once its target appears
UNREACHABLE = (0, -1)


def scan(root: str) -> dict[str, tuple[int, int]]:
    """Every article file below the resolved folder `root`: path -> (mtime_ns, size)."""
    found: dict[str, tuple[int, int]] = {}
    for path, entry in article_entries(root):
        try:
            stat = entry.stat()
        except OSError:  # a link to nowhere
            found[path] = UNREACHABLE
            continue
        found[path] = (stat.st_mtime_ns, stat.st_size)
    return found


#: the last scan digested in this process (a copy), and its digest
_last_digest: list[tuple[dict[str, tuple[int, int]], str]] = []


def files_digest(stats: Mapping[str, tuple[int, int]]) -> str:
    """One hash of a scan, so that a run compares one value with the ledger instead of a row per file."""
    # (a run digests the same scan twice, the early check's and the one it stores: 0.2 s at 100,000 files)
    if _last_digest and _last_digest[0][0] == stats:
        return _last_digest[0][1]
    paths = sorted(stats)
    digest = hashlib.sha256("\0".join(paths).encode("utf-8", "surrogateescape"))
    # (the stats as 64-bit integers, little-endian: their repr() was 6 ms of 10,000 files)
    numbers = array("q", itertools.chain.from_iterable(map(stats.__getitem__, paths)))
    if sys.byteorder == "big":
        numbers.byteswap()
    digest.update(b"\0\0" + numbers.tobytes())
    _last_digest[:] = [(dict(stats), digest.hexdigest())]
    return _last_digest[0][1]


def config_digest(config_sha256: str) -> str:
    """What the ledger remembers of a validated config: the hash of its bytes, for this version
    (and revision of the output)."""
    return f"{__version__}.{OUTPUT_REVISION}:{config_sha256}"


def fingerprint(config_sha256: str, licenses: str | None) -> str:
    """Changes when anything validation depends on changes, besides the articles and the day."""
    digest = hashlib.sha256(config_digest(config_sha256).encode())
    if licenses is not None and os.path.isdir(licenses):
        for name in sorted(n for n in os.listdir(licenses) if n.endswith(".json")):
            with open(os.path.join(licenses, name), "rb") as profile:
                digest.update(name.encode() + profile.read())
    return digest.hexdigest()


#: (content folder, the ledger's files_digest) that answer_noop found changed, for the run that
#: follows in the same process: it need not stat every file again to learn the same (50 ms at
#: 10,000 articles). Taken once; only answer_noop leaves it, so library callers never see it.
_found_changed: list[tuple[str, str]] = []
#: the scan answer_noop made, by content folder, for the run that follows to read the files it
#: found changed without a second scan (a file changed since is read then, and its stat stored
#: is the older one: the next run reads it again). Taken once (take_scan).
_scanned: dict[str, dict[str, tuple[int, int]]] = {}


def take_scan(root: str) -> dict[str, tuple[int, int]] | None:
    """The scan of the resolved folder `root` that answer_noop made in this process, once; else None."""
    return _scanned.pop(root, None)


def unchanged(
    state: Callable[[str], str | None],
    site: SitePaths,
    config_sha256: str,
    now: dt.datetime,
    content_root: str,
    leave_changed: bool = False,
) -> bool:
    """True when the last run's work still stands: same files, same config, no time has come.

    `state` reads the ledger's run_state; `content_root` is the content folder, resolved.
    `leave_changed`: tell the next call in this process when the files changed.
    """
    wake = state("next_wakeup")
    if wake and dt.datetime.fromisoformat(wake) <= now:
        return False
    if state("validated_on") != now.date().isoformat():
        return False
    if state("fingerprint") != fingerprint(config_sha256, site.licenses):
        return False
    if not _feeds_as_left(site.feeds, state("feed_marks")):
        return False
    stored = state("files_digest")
    if stored is None:
        return False
    if _found_changed and _found_changed.pop() == (content_root, stored):
        return False
    stats = scan(content_root)
    if stats and stored == files_digest(stats):  # no article found is never "nothing changed": the run refuses it
        return True
    if leave_changed:
        _found_changed.append((content_root, stored))
        _scanned[content_root] = stats
    return False


def _feeds_as_left(feeds: str, marks: str | None) -> bool:
    """Whether every feed document (and page) the last run wrote is still there with the modification time
    and size it left (feeds.FeedsResult.marks: "digest:mtime_ns:size" by relative path): one
    removed or edited by hand is written again by a run, not left broken until an article changes."""
    import json  # (1 ms, only once the files are known to be the same)

    try:
        left = json.loads(marks) if marks else {}
    except ValueError:
        return False
    if not isinstance(left, dict) or "atom.xml" not in left:
        return False
    for relative, mark in left.items():
        try:
            stat = os.stat(os.path.join(feeds, relative))
        except OSError:
            return False
        if not isinstance(mark, str) or not mark.endswith(f":{stat.st_mtime_ns}:{stat.st_size}"):
            return False
    return True  # feed.xsl, when the site has it, and the pages are among the marks


# -- the `syndicate run` no-op, before the command line loads ------------------------


class _RunArgs:
    __slots__ = ("config", "json", "now", "verbose")

    def __init__(self) -> None:
        self.config: str | None = None
        self.verbose = False
        self.json = False
        self.now = ""


def _parse(argv: Sequence[str]) -> _RunArgs | None:
    """The run's arguments when `argv` has the one shape this answers, else None (click then reads them).

    The shape is what `syndicate cron` writes (`--config PATH run`), with what cron lines and
    the README add: `[--config PATH] [-v|-q] run [--format text|json] [--now ISO]` (the first
    two in either order), each at most once, values as separate words. Anything else (`--config=PATH`, a
    repeated option, --help) is not parsed here but handed to the command line whole.
    """
    args = _RunArgs()
    tokens = list(argv)
    loudness = None
    for _ in range(2):  # --config PATH and one of -v, -q, in either order
        if tokens[:1] == ["--config"] and len(tokens) > 1 and args.config is None:
            args.config = tokens[1]
            tokens = tokens[2:]
        elif tokens[:1] in (["-v"], ["-q"]) and loudness is None:
            loudness = tokens.pop(0)
    args.verbose = loudness == "-v"
    if tokens[:1] != ["run"]:
        return None
    tokens.pop(0)
    if tokens[:1] == ["--format"] and len(tokens) > 1 and tokens[1] in ("text", "json"):
        args.json = tokens[1] == "json"
        tokens = tokens[2:]
    if tokens[:1] == ["--now"] and len(tokens) > 1:
        args.now = tokens[1]
        tokens = tokens[2:]
    return None if tokens else args


def _find_config(explicit: str | None, environ: Mapping[str, str]) -> str | None:
    """config.find_config: --config, else $SYNDICATE_CONFIG, else ./syndicate.toml (None: not found, or unusual)."""
    named = explicit or environ.get(CONFIG_ENV)
    if named:
        return named if os.path.isfile(named) else None
    return CONFIG_NAME if os.path.isfile(CONFIG_NAME) else None


def _state_guess(text: str) -> str:
    """[paths] state as a plainly written config sets it, else the default.

    Only a guess, to find the ledger without importing tomllib (about 8 ms):
    answer_noop trusts it only when that ledger says the last run used it.
    """
    table = ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            table = line[1:].partition("]")[0].strip()
        elif table == "paths" and line.startswith("state"):
            key, _, value = line.partition("=")
            value = value.strip()
            if key.strip() == "state" and value[:1] in ('"', "'"):
                return value[1:].partition(value[0])[0]
    return DEFAULT_PATHS["state"]


def _known_site(state: Mapping[str, str], config: str, config_sha256: str) -> SitePaths | None:
    """The paths the last run found in these config bytes, at this place; None if it ran on others."""
    site = SitePaths.remembered(state)
    if site is None or site.config != config or state.get("config_digest") != config_digest(config_sha256):
        return None
    return site


def answer_noop(argv: Sequence[str], environ: Mapping[str, str]) -> tuple[str, str, int] | None:
    """For `syndicate ... run` with nothing to do: (stdout, stderr, exit status). Problems the last
    run left standing are reported again, as the command line reports them (exit status 1).

    None whenever the command is anything else, or a run would do work or
    report a problem, or anything is unusual (the lock is held: the lock
    file, or on PostgreSQL the site's advisory lock; a file is missing, the
    config changed, the database cannot be reached): then the normal command line runs and
    decides, with its own messages. Same lock, same decision, same output.

    The config is not parsed: the ledger's run_state holds, from the last
    run, the hash of the config's bytes it validated and the paths it
    found in them (SitePaths.remember), for the config file at that place.
    """
    args = _parse(argv)
    config_path = _find_config(args.config, environ) if args is not None else None
    if args is None or config_path is None:
        return None
    import sqlite3

    from syndicate.errors import SyndicateError

    try:
        with open(config_path, "rb") as config_file:
            raw = config_file.read()
        now = dt.datetime.fromisoformat(args.now) if args.now else dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            return None
        config, config_sha256, text = os.path.realpath(config_path), hashlib.sha256(raw).hexdigest(), raw.decode()
        if _mentions_ledger(text):
            from syndicate.cron.noop_pg import ledger_in

            settings = ledger_in(text)
            if settings is not None:  # a database ([ledger] url)
                standing = _on_postgresql(settings, environ, config, config_sha256, now)
                return None if standing is None else _noop_output(args, standing)
        standing = _on_sqlite(text, config, config_sha256, now)
    except (OSError, ValueError, sqlite3.Error, SyndicateError):  # the lock held, or unusable: the normal path says
        return None
    return None if standing is None else _noop_output(args, standing)


def _on_sqlite(text: str, config: str, config_sha256: str, now: dt.datetime) -> list[str] | None:
    """The standing problems of a no-op, decided under the lock file of the SQLite ledger; None: not a no-op."""
    from syndicate.delivery.lock import run_lock

    guess = os.path.join(os.path.dirname(config), _state_guess(text))
    if not os.path.isfile(guess):
        return None
    site = _known_site(ledger_state(guess), config, config_sha256)
    if site is None or not os.path.samefile(site.state, guess):
        return None  # the normal path validates the config, finds the ledger, and the run works
    if not (os.access(site.state, os.W_OK) and os.access(os.path.dirname(site.state), os.W_OK)):
        return None  # the normal path opens the ledger for writing, and would fail
    with run_lock(site.state):  # the path the normal path locks, as it writes it
        return _decided(ledger_state(site.state), config, config_sha256, now)  # again: a run may have ended


def _on_postgresql(
    settings: LedgerSettings, environ: Mapping[str, str], config: str, config_sha256: str, now: dt.datetime
) -> list[str] | None:
    """The same on a PostgreSQL ledger, whose run_state is read with whether a runner holds the
    site's lock (noop_pg.py): held, the answer is None (not decided here)."""
    import psycopg

    from syndicate.cron.noop_pg import run_state

    try:
        state = run_state(settings, environ)
    except psycopg.Error:  # unreachable, or no such site yet: the normal path says, or makes it
        return None
    return None if state is None else _decided(state, config, config_sha256, now)


def _decided(state: Mapping[str, str], config: str, config_sha256: str, now: dt.datetime) -> list[str] | None:
    """The problems a no-op run reports again, when the ledger's `state` says nothing is to do; else None."""
    site = _known_site(state, config, config_sha256)
    if site is None:
        return None
    if not unchanged(state.get, site, config_sha256, now, os.path.realpath(site.content, strict=True), True):
        return None
    return _standing(state.get("problems"))


def _mentions_ledger(text: str) -> bool:
    """Whether the config may have a [ledger] table (only then is it parsed: tomllib costs 8 ms)."""
    return any(line.lstrip().startswith(("[ledger", "ledger")) for line in text.splitlines())


def _standing(problems: str | None) -> list[str] | None:
    """The problems the last run left standing (the ledger's JSON list of lines); None when they
    are not plain lines the early answer can print as the command line would (an escape
    sequence is one: click removes those when the output is not a terminal)."""
    if problems in (None, "", "[]"):
        return []
    import json

    lines = json.loads(problems)  # (a ValueError: the normal path)
    if not isinstance(lines, list) or not all(isinstance(line, str) and "\x1b" not in line for line in lines):
        return None
    return lines


def _noop_output(args: _RunArgs, standing: list[str]) -> tuple[str, str, int]:
    """What the command line prints for a no-op run (cli/delivery.py, `run`), and its exit status:
    1 when problems stand (invalid articles, deliveries given up), which a no-op run reports again."""
    if not standing:
        if args.json:
            return NOOP_JSON + "\n", "", 0
        return "", NOTHING_CHANGED + "\n" if args.verbose else "", 0
    if args.json:
        import json

        summary = json.loads(NOOP_JSON) | {"ok": False, "problems": standing}
        return json.dumps(summary, ensure_ascii=False, sort_keys=True) + "\n", "", 1
    said = NOTHING_CHANGED + "\n" if args.verbose else ""
    return "", said + "syndicate run: problems:\n" + "".join(f"  {line}\n" for line in standing), 1
