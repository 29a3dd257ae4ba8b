"""Where the time goes: profile one syndicate command over a generated site, summarised as Markdown.

    .venv/bin/python benchmarks/corpus.py /tmp/site --articles 10000
    .venv/bin/python benchmarks/hotspots.py validate /tmp/site
    .venv/bin/python benchmarks/hotspots.py feeds /tmp/site --sampler cprofile
    .venv/bin/python benchmarks/hotspots.py run /tmp/site --after-one-change --sampler cprofile

Two profilers, which err in opposite directions:

  py-spy (default when installed: .venv/bin/pip install py-spy) samples the
  real process and the workers it forks from outside, without slowing them; a
  sample counts for every function and package on its stack (inclusive share).
  It does not see into C functions: time in nh3, libyaml or re is shown on the
  Python caller.

  cProfile sees only the command's own process, not its workers.

  cProfile (--sampler cprofile) traces every call in-process: exact call
  counts and C functions as their own entries (self time by package), but its
  overhead inflates code that makes many small Python calls.

Prints the shares of time by package, the syndicate functions with the
largest inclusive share, and the functions with the most self time.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import cProfile
import io
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

COMMANDS = ("validate", "feeds", "run", "push")


def component(path: str, function: str = "") -> str:
    """A frame's package: a top-level package name, syndicate.<module>, or a standard library module.

    cProfile gives absolute paths and "~" for C functions; py-spy gives paths relative to sys.path.
    """
    if path == "~":  # a C function, as cProfile names it: <built-in method nh3.clean>, <method 'x' of 'y.Z' objects>
        found = re.search(r"built-in method ([\w.]+)>|of '([\w.]+)' objects", function)
        qualified = (found.group(1) or found.group(2)) if found else ""
        name = qualified.rsplit(".", 1)[0] if "." in qualified else "builtins"
        return _C_MODULES.get(name, name)
    if path.startswith("<attrs generated methods "):
        return path.split()[3].split(".")[0]
    if path.startswith("<frozen "):
        return path.removeprefix("<frozen ").rstrip(">").split(".")[0]
    if path.startswith("<"):
        return "generated code (dataclasses, namedtuples)"
    parts = Path(path).parts
    if "bin" in parts and parts[-1] == "syndicate":
        return "syndicate (script)"
    for index in range(len(parts) - 1, -1, -1):  # the innermost import root
        if parts[index] in ("site-packages", "dist-packages") or re.fullmatch(r"python3\.\d+", parts[index]):
            parts = parts[index + 1 :]
            break
    else:
        if "syndicate" in parts[:-1]:
            parts = parts[len(parts) - 1 - parts[::-1].index("syndicate") :]
    if not parts:
        return path
    if parts[0] == "syndicate" and len(parts) > 1:
        return "syndicate." + ".".join(parts[1:]).removesuffix(".py")
    return parts[0].removesuffix(".py")


_C_MODULES = {"_yaml": "yaml", "_sqlite3": "sqlite3", "_json": "json", "_sre": "re", "_io": "io"}


def share(part: float, whole: float) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


# --- py-spy -------------------------------------------------------------------------------------------------

_FRAME = re.compile(r"^(?P<function>.*?) \((?P<path>[^()]*?)(?::\d+)?\)$")


def sample(argv: Sequence[str], rate: int) -> tuple[list[tuple[list[tuple[str, str]], int]], float]:
    """py-spy's stacks of one run of `argv` (outermost frame first) with their sample counts, and the wall time.
    The worker processes the command forks are sampled too: most of the work is theirs."""
    spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    with tempfile.TemporaryDirectory() as scratch:
        raw = Path(scratch) / "stacks.txt"
        start = time.perf_counter()
        options = ["--subprocesses", "--rate", str(rate), "--format", "raw", "--function", "--output", str(raw)]
        subprocess.run(  # noqa: S603 (a fixed profiler command line)
            [spy, "record", *options, "--", *argv],
            check=False,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seconds = time.perf_counter() - start
        stacks = []
        for line in raw.read_text(encoding="utf-8", errors="replace").splitlines():
            stack, _, count = line.rpartition(" ")
            frames = []
            for text in stack.split(";"):
                if text.startswith("process ") and not frames:
                    continue  # which process: workers are told apart by their frames (parallel._map_chunk)
                match = _FRAME.match(text)
                frames.append((match["function"], match["path"]) if match else (text, "?"))
            stacks.append((frames, int(count)))
    return stacks, seconds


def report_samples(stacks: list[tuple[list[tuple[str, str]], int]], seconds: float, top: int) -> str:
    total = sum(count for _, count in stacks)
    packages: collections.Counter[str] = collections.Counter()
    functions: collections.Counter[tuple[str, str]] = collections.Counter()
    leaves: collections.Counter[tuple[str, str]] = collections.Counter()
    for frames, count in stacks:
        for name in {component(path) for _, path in frames}:
            packages[name] += count
        for function, path in set(frames):
            if component(path).startswith("syndicate."):
                functions[(component(path), function)] += count
        if frames:
            function, path = frames[-1]
            leaves[(component(path), function)] += count
    own: collections.Counter[str] = collections.Counter()
    for (module, _), count in leaves.items():
        own[module] += count

    def informative(items: list[tuple[Any, int]]) -> list[tuple[Any, int]]:
        """Without the frames nearly every sample has (the script, click, cli.main): they say nothing."""
        return [(key, count) for key, count in items if count < 0.97 * total][:top]

    in_workers = sum(count for frames, count in stacks if any(function == "_map_chunk" for function, _ in frames))
    lines = [
        f"py-spy: {total:,} samples over {seconds:.1f} s (inclusive: a sample counts for all on its stack), "
        f"{in_workers / max(total, 1):.0%} of them in worker processes (parallel._map_chunk)",
        "",
    ]
    lines += ["| package (inclusive) | share | self |", "| --- | ---: | ---: |"]
    lines += [
        f"| {name} | {share(count, total)} | {share(own[name], total)} |"
        for name, count in informative(packages.most_common())
    ]
    lines += ["", "| syndicate function (inclusive) | share |", "| --- | ---: |"]
    lines += [
        f"| {module}.{function} | {share(count, total)} |"
        for (module, function), count in informative(functions.most_common())
    ]
    lines += ["", "| function where the sample was taken (self) | share |", "| --- | ---: |"]
    lines += [
        f"| {module}: {function} | {share(count, total)} |" for (module, function), count in leaves.most_common(top)
    ]
    return "\n".join(lines)


# --- cProfile -----------------------------------------------------------------------------------------------


def trace(cli_args: Sequence[str]) -> tuple[pstats.Stats, float]:
    from syndicate.__main__ import main  # the command's entry: a no-op run is answered there

    profiler = cProfile.Profile()
    start = time.perf_counter()
    argv, sys.argv = sys.argv, ["syndicate", *cli_args]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        profiler.enable()
        try:
            main()
        except SystemExit:
            pass
        finally:
            profiler.disable()
            sys.argv = argv
    return pstats.Stats(profiler), time.perf_counter() - start


def report_trace(stats: pstats.Stats, seconds: float, top: int) -> str:
    entries = stats.stats  # type: ignore[attr-defined]
    total = sum(tottime for (_, _, tottime, _, _) in entries.values())
    packages: collections.Counter[str] = collections.Counter()
    for (path, _, function), (_, _, tottime, _, _) in entries.items():
        packages[component(path, function)] += tottime
    lines = [f"cProfile: {seconds:.1f} s under the profiler (self time by package; C functions on their own)", ""]
    lines += ["| package (self time) | share |", "| --- | ---: |"]
    lines += [f"| {name} | {share(t, total)} |" for name, t in packages.most_common(top)]
    lines += ["", "| function | calls | self | inclusive |", "| --- | ---: | ---: | ---: |"]
    ranked = sorted(entries.items(), key=lambda item: item[1][2], reverse=True)[:top]
    for (path, line, function), (_, calls, tottime, cumtime, _) in ranked:
        where = component(path, function)
        lines.append(f"| {where}: {function} ({Path(path).name}:{line}) | {calls:,} | {share(tottime, total)} "
                     f"| {share(cumtime, total)} |")  # fmt: skip
    lines += ["", "| syndicate function | calls | inclusive |", "| --- | ---: | ---: |"]
    ours = [item for item in entries.items() if component(item[0][0]).startswith("syndicate.")]
    for (path, line, function), (_, calls, _, cumtime, _) in sorted(ours, key=lambda i: i[1][3], reverse=True)[:top]:
        lines.append(f"| {component(path)}.{function} (:{line}) | {calls:,} | {share(cumtime, total)} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Profile one syndicate command over a site.", allow_abbrev=False)
    parser.add_argument("command", choices=COMMANDS)
    parser.add_argument("site", type=Path, help="the site's folder (with syndicate.toml), e.g. from corpus.py")
    parser.add_argument("--sampler", choices=("py-spy", "cprofile"), help="default: py-spy when installed")
    parser.add_argument("--rate", type=int, default=200, help="py-spy samples a second (default 200)")
    parser.add_argument("--top", type=int, default=20, help="rows in each table (default 20)")
    parser.add_argument(
        "--config", default="syndicate.toml", help="the config's name in the site's folder (scaling.py's: run.toml)"
    )
    parser.add_argument(
        "--after-one-change",
        action="store_true",
        help="run only: profile the run after one article's title changed (a run is made before, untimed, "
        "and one after the article is put back)",
    )
    args = parser.parse_args(argv)
    config = args.site / args.config
    if not config.is_file():
        parser.error(f"no {args.config} in {args.site}")
    if args.after_one_change and args.command != "run":
        parser.error("--after-one-change profiles `run` only")
    with one_change(config, args.after_one_change):
        return profile(args, config)


@contextlib.contextmanager
def one_change(config: Path, wanted: bool) -> Iterator[None]:
    """With `wanted`: a run first (so the ledger knows every article), then the first article's
    title changed for what is profiled; afterwards the article put back and a run made again."""
    if not wanted:
        yield
        return
    syndicate = [sys.executable, "-m", "syndicate", "-q", "--config", str(config), "run"]
    subprocess.run(syndicate, check=True)  # noqa: S603 (the benchmark's own command)
    changed = sorted((config.parent / "content").rglob("*.md"))[0]
    original = changed.read_bytes()
    text = original.decode("utf-8")
    changed.write_text(re.sub(r"^title: (.*)$", r"title: \1 (changed)", text, count=1, flags=re.M), encoding="utf-8")
    try:
        yield
    finally:
        changed.write_bytes(original)
        subprocess.run(syndicate, check=True)  # noqa: S603


def profile(args: argparse.Namespace, config: Path) -> int:
    spy = shutil.which("py-spy") or (Path(sys.executable).parent / "py-spy").exists()
    sampler = args.sampler or ("py-spy" if spy else "cprofile")
    with tempfile.TemporaryDirectory() as out:
        cli_args = ["-q", "--config", str(config), args.command]
        if args.command == "feeds":
            cli_args += ["--out", out]  # empty: every file is written, as on a first run
        after = " after one change" if args.after_one_change else ""
        print(f"## {sampler}: syndicate {' '.join(cli_args[3:]).replace(out, 'EMPTY_DIR')}{after} ({args.site})\n")
        if sampler == "py-spy":
            syndicate = Path(sys.executable).parent / "syndicate"
            stacks, seconds = sample([str(syndicate), *cli_args], args.rate)
            print(report_samples(stacks, seconds, args.top))
        else:
            stats, seconds = trace(cli_args)
            print(report_trace(stats, seconds, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
