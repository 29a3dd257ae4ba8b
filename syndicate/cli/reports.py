"""Text the command line shows: finding lines, summaries, tables, explanations.

Pure functions from result objects to strings; the cli package prints them.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from syndicate.cron.noop import NOTHING_CHANGED
from syndicate.findings import Severity, ValidationReport, display_path

if TYPE_CHECKING:
    from syndicate.cron.run import RunResult
    from syndicate.delivery.plan import PlannedAction
    from syndicate.delivery.status_rows import StatusRow
    from syndicate.errors import SyndicateError
    from syndicate.licences.profiles import LicenseProfile


def plural(count: int, word: str, plural: str = "") -> str:
    return f"{count} {word if count == 1 else plural or word + 's'}"


def checked_files(report: ValidationReport) -> list[str]:
    """`-v validate`: each file checked, with what was found in it."""
    errors: dict[str, int] = {}
    warnings: dict[str, int] = {}
    for finding in report.findings:
        counts = errors if finding.severity is Severity.ERROR else warnings
        counts[finding.path] = counts.get(finding.path, 0) + 1
    lines = []
    for path in report.checked:
        shown = display_path(path)
        found = [
            plural(n, kind) for n, kind in ((errors.get(shown, 0), "error"), (warnings.get(shown, 0), "warning")) if n
        ]
        lines.append(f"checked {shown}: {', '.join(found) if found else 'ok'}")
    return lines


def validation_summary(report: ValidationReport) -> str:
    return (
        f"{plural(len(report.checked), 'article')} checked: "
        f"{plural(len(report.errors), 'error')}, {plural(len(report.warnings), 'warning')}"
    )


def plan_table(actions: Sequence[PlannedAction]) -> str:
    if not actions:
        return ""
    width = max(len(a.article) for a in actions)
    ep_width = max(len(a.endpoint) for a in actions)
    return "".join(f"{a.action:<9}  {a.article:<{width}}  {a.endpoint:<{ep_width}}  {a.reason}\n" for a in actions)


def permission_requests(drafted: dict[tuple[str, str], str]) -> str:
    """`--explain` of plan and status: each refused copy's permission request, indented as validate's."""
    return "".join(
        f"\n{article} -> {endpoint}: refused; to ask for it:\n"
        + "".join(f"    | {line}\n" for line in text.splitlines())
        for (article, endpoint), text in drafted.items()
    )


def run_summary(result: RunResult) -> dict[str, object]:
    """What `run --format json` prints. A no-op run checked, wrote and planned nothing: its
    counts of those are null (not 0, which would say it looked and found none)."""
    counts: dict[str, int] | None = None
    if not result.noop:
        counts = dict.fromkeys(("create", "update", "delete", "unchanged", "refused", "skipped"), 0)
        for action in result.plan:
            if action.action not in ("create", "update", "delete"):
                counts[action.action] += 1
        # what was done, not what was planned: a planned create that failed is counted as failed
        for outcome in result.push.outcomes if result.push else []:
            if outcome.ok:
                counts[outcome.action.action] += 1
    failed = len(result.push.failures) if result.push else 0
    report = result.report
    return {
        "ok": result.ok,
        "noop": result.noop,
        "articles": len(report.checked) if report else None,
        #: articles (files) with at least one error; "errors" counts the error findings
        "invalid": len({f.path for f in report.errors}) if report else None,
        "errors": len(report.errors) if report else None,
        "feeds": {
            "entries": result.feeds.entries,
            "written": len(result.feeds.written),
            "unchanged": len(result.feeds.unchanged),
        }
        if result.feeds
        else None,
        "plan": counts,
        "failed": failed,
        "problems": result.problems(),
        "warnings": result.warnings(),
        #: the audit `[audit] every` made the run do (null: none was due)
        "audit": result.audit.to_dict() if result.audit else None,
    }


def run_error_summary(error: SyndicateError) -> dict[str, object]:
    """What `run --format json` prints when the run could not start (a bad config, the lock held):
    the summary's keys, nothing counted, and the error."""
    return {
        "ok": False,
        "noop": False,
        "articles": None,
        "invalid": None,
        "errors": None,
        "feeds": None,
        "plan": None,
        "failed": 0,
        "problems": [error.message],
        "warnings": [],
        "audit": None,
        "error": {"message": error.message, "hint": error.hint, "exit_status": int(error.exit_status)},
    }


def run_summary_line(summary: dict[str, object]) -> str:
    if summary["noop"]:
        return NOTHING_CHANGED
    plan = summary["plan"]
    feeds = summary["feeds"]
    assert isinstance(plan, dict)
    pushed = (
        f"push: {plan['create']} created, {plan['update']} updated, {plan['delete']} deleted, "
        f"{plan['refused']} refused, {plan['skipped']} skipped, {summary['failed']} failed"
    )
    if feeds is None:  # a shared ledger's runner without the site's lock (cron/run.py, _share)
        return (
            "syndicate run: another process (a runner or an audit) holds the site's lock; the feeds are its work "
            f"or the next run's; {pushed} (this one's share)"
        )
    assert isinstance(feeds, dict)
    articles, invalid, entries, written = summary["articles"], summary["invalid"], feeds["entries"], feeds["written"]
    assert isinstance(articles, int) and isinstance(invalid, int) and isinstance(entries, int)
    assert isinstance(written, int)
    return (
        f"syndicate run: {plural(articles, 'article')}, {invalid} with errors; "
        f"feeds: {plural(entries, 'entry', 'entries')}, {plural(written, 'file')} written; {pushed}"
    )


def shorten(text: str, width: int) -> str:
    """`text` on one line, cut after the last whole word that fits (with "…") when longer than `width`."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,;:") + "…"


def explain_profile(profile: LicenseProfile) -> str:
    from syndicate.licences.profiles import CHANNEL_WORDS, CHANNELS, CONDITION_WORDS

    lines = [f"{profile.id}: {profile.name}"]
    if profile.url:
        lines.append(profile.url)
    lines += ["", profile.summary, "", "Allowed without asking:"]
    lines += [f"  {c:<15} {CHANNEL_WORDS[c]}" for c in CHANNELS if c in profile.channels] or ["  nothing"]
    lines.append("Needs permission from the rights holder:")
    lines += [f"  {c:<15} {CHANNEL_WORDS[c]}" for c in CHANNELS if c not in profile.channels] or ["  nothing"]
    lines.append("Every copy must:")
    lines += [f"  {c:<17} {CONDITION_WORDS[c]}" for c in sorted(profile.conditions)] or ["  (no conditions)"]
    lines += ["", textwrap.fill(profile.terms, 78)]
    return "\n".join(lines)


#: how much of a last error `status` shows without --failed
ERROR_SHOWN = 60


def status_table(rows: Sequence[StatusRow], width: int | None = None, whole_errors: bool = False) -> tuple[str, bool]:
    """The ledger's rows as a table, and whether an error was shortened.

    `width` (a terminal's): the table fits it, long cells wrapped. None (a pipe, a file): one
    line per row, columns aligned, the same whatever reads it. An error longer than ERROR_SHOWN
    is cut after a whole word unless `whole_errors`. Once any copy was audited, a LAST AUDIT
    column says what the last audit of each found ("ok", or its finding codes) and when.
    """
    audited = any(r.last_audit is not None for r in rows)
    header: tuple[str, ...] = ("ARTICLE", "ENDPOINT", "STATE", "REMOTE", "LAST ERROR", "WHEN")
    if audited:
        header = (*header[:-1], "LAST AUDIT", header[-1])
    errors = [" ".join((r.delivery.last_error or "").split()) for r in rows]
    shown = errors if whole_errors else [shorten(e, ERROR_SHOWN) for e in errors]
    cells = []
    for r, error in zip(rows, shown, strict=True):
        d = r.delivery
        line = [d.article, d.endpoint, d.state, d.remote_url or "", error]
        if audited:
            line.append(_last_audit_cell(r, whole_time=width is None))
        cells.append((*line, d.updated_at))
    shortened = shown != errors
    if width is not None:
        return _fitted_table(header, cells, width), shortened
    table = [header, *cells]
    widths = [max(len(line[i]) for line in table) for i in range(len(header))]
    text = "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() + "\n" for line in table
    )
    return text, shortened


def _last_audit_cell(row: StatusRow, whole_time: bool) -> str:
    """ "ok 2026-11-26T12:00:00+00:00", "attribution-missing,license-missing 2026-..." or "" (never audited)."""
    if row.last_audit is None:
        return ""
    when = row.last_audit.checked_at
    return f"{','.join(row.finding_codes) or 'ok'} {when if whole_time else when[:16].replace('T', ' ')}"


def _fitted_table(header: Sequence[str], cells: Sequence[Sequence[str]], width: int) -> str:
    """The table as rich lays it out in `width` columns: words wrapped, a URL or slug folded."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(box=None, pad_edge=False, padding=(0, 2, 0, 0), header_style="", show_edge=False)
    #: the share of the room left that each column takes; STATE and WHEN are short, and cut they say nothing
    shares = {"ARTICLE": 3, "ENDPOINT": 1, "REMOTE": 3, "LAST ERROR": 4, "LAST AUDIT": 2}
    for name in header:
        share = shares.get(name)
        table.add_column(name, no_wrap=share is None, overflow="fold", ratio=share, min_width=6 if share else None)
    for *line, when in cells:
        # as Text: "[...]" in an error is not rich's markup; the time to the minute, as a person
        # reads it (piped, and in JSON, it is whole)
        table.add_row(*(Text(cell) for cell in line), Text(when[:16].replace("T", " ")))
    console = Console(width=width, color_system=None, highlight=False, emoji=False, soft_wrap=False)
    with console.capture() as captured:
        console.print(table)
    return "".join(line.rstrip() + "\n" for line in captured.get().splitlines())
