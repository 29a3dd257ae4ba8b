"""Acceptance tests through the command line: exit statuses, output formats, config lookup."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from syndicate import __version__
from tests.conftest import DEMO, GOLDEN, REPO


def test_demo_site_validates_with_exit_0(run_cli: Any) -> None:
    result = run_cli("--config", str(DEMO / "syndicate.toml"), "validate")
    assert result.status == 0
    # the seed stays a draft: the link to the original could not be verified
    assert "turkey-agreed-to-buy-russias-s-400.md:" in result.out
    assert "missing-field warning: missing required field 'source.url'" in result.out
    assert "4 articles checked: 0 errors, 24 warnings" in result.err
    # its links were lost in scraping: each is reported, none is invented
    assert result.out.count("placeholder-link warning: ") == 23


def test_config_found_in_working_folder(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DEMO)
    monkeypatch.delenv("SYNDICATE_CONFIG", raising=False)
    result = run_cli("validate")
    assert result.status == 0
    assert result.out.startswith("content/turkey-agreed-to-buy-russias-s-400.md:8: ")


def test_config_from_environment_and_relative_paths(
    run_cli: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SYNDICATE_CONFIG", str(DEMO / "syndicate.toml"))
    result = run_cli("validate")  # content/ is relative to the config file, not to the working folder
    assert result.status == 0
    assert "4 articles checked" in result.err


def test_invalid_article_exits_1(run_cli: Any, site: Path) -> None:
    article = site / "content" / "eastbrook-council-election-turnout-by-ward.md"
    article.write_text(article.read_text().replace("slug: eastbrook", "slug: Eastbrook"))
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 1
    assert "eastbrook-council-election-turnout-by-ward.md:4: invalid-format slug 'Eastbrook" in result.out


def test_json_format_is_a_list_of_findings(run_cli: Any) -> None:
    result = run_cli("--config", str(DEMO / "syndicate.toml"), "validate", "--format", "json")
    findings = json.loads(result.out)
    assert result.status == 0
    assert len(findings) == 24
    assert findings[0] == {
        "path": findings[0]["path"],
        "line": 8,
        "pointer": "/source/url",
        "code": "missing-field",
        "severity": "warning",
        "message": "missing required field 'source.url'",
        "hint": findings[0]["hint"],
    }
    assert findings[0]["path"].endswith("turkey-agreed-to-buy-russias-s-400.md")


def add_endpoint(site: Path, name: str, channel: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + f'\n[[endpoints]]\nname = "{name}"\ntype = "directory"\nchannel = "{channel}"\npath = "out/{name}"\n'
    )


def name_endpoint(article: Path, name: str) -> None:
    text = article.read_text()
    article.write_text(text.replace("\nstatus: ready", f"\nendpoints: [{name}]\nstatus: ready", 1))


def test_endpoint_the_licence_refuses_is_an_error_with_a_permission_request(run_cli: Any, site: Path) -> None:
    add_endpoint(site, "paper", "print")
    article = site / "content" / "harbour-library-digitises-shipping-registers.md"  # CC-BY-NC-ND-4.0
    name_endpoint(article, "paper")
    result = run_cli("-q", "--config", str(site / "syndicate.toml"), "validate", str(article))
    assert result.status == 1
    assert "license-refused endpoint 'paper' is named, but CC-BY-NC-ND-4.0 does not allow print" in result.out
    assert "    | To:" not in result.out
    explained = run_cli("-q", "--config", str(site / "syndicate.toml"), "validate", "--explain", str(article))
    assert "    | Subject: Permission to republish Port Carrow Library" in explained.out
    assert "    | Thank you," in explained.out
    as_json = json.loads(run_cli("-q", "--config", str(site / "syndicate.toml"), "validate", "--format", "json").out)
    refused = [f for f in as_json if f["code"] == "license-refused"]
    assert len(refused) == 1
    assert refused[0]["permission_request"].startswith("To: the copyright holder (The Harbour Gazette)")


def test_endpoint_the_licence_allows_is_fine(run_cli: Any, site: Path) -> None:
    add_endpoint(site, "paper", "print")
    name_endpoint(site / "content" / "alder-valley-water-board-approves-tiered-rates.md", "paper")  # CC-BY-ND-4.0
    assert run_cli("--config", str(site / "syndicate.toml"), "validate").status == 0


def test_refusal_without_naming_the_endpoint_is_not_an_error(run_cli: Any, site: Path) -> None:
    add_endpoint(site, "paper", "print")  # nothing names it: plan and status show the refusal instead
    assert run_cli("--config", str(site / "syndicate.toml"), "validate").status == 0


def test_site_channel_that_may_not_carry_an_article(run_cli: Any, site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace('channel = "community-web"', 'channel = "commercial-web"', 1))
    result = run_cli("-q", "--config", str(config), "validate")
    assert result.status == 1
    refused = [line for line in result.out.splitlines() if "license-refused" in line]
    # NC-ND and the all-rights-reserved grant (community-web only) are refused; the seed is a draft: a warning
    assert len(refused) == 3
    assert sum("license-refused warning:" in line for line in refused) == 1
    assert all("the site's own channel may not carry it" in line for line in refused)


def test_grant_scoped_to_other_endpoints_does_not_count(run_cli: Any, site: Path) -> None:
    article = site / "content" / "eastbrook-council-election-turnout-by-ward.md"  # all rights reserved + grant
    text = article.read_text().replace("      reference:", "      endpoints: [elsewhere]\n      reference:")
    article.write_text(text)
    result = run_cli("-q", "--config", str(site / "syndicate.toml"), "validate", str(article))
    assert result.status == 1
    assert "the grant for it has expired or does not cover this endpoint" in result.out


def test_plan_and_status_explain_draft_the_request_for_each_refused_copy(run_cli: Any, site: Path) -> None:
    """The article names no endpoint, so validate is clean and its allowed copies go; the refused
    ones get their request where editors look, in a rights desk's words, never an endpoint's name."""
    add_endpoint(site, "daily-print", "print")
    add_endpoint(site, "dx-web", "commercial-web")
    config = site / "syndicate.toml"
    config.write_text(config.read_text() + 'description = "our commercial website"\n')
    config.write_text(config.read_text().replace('title = "Community Review (demo)"', 'title = "Daily Example"'))
    assert run_cli("-q", "--config", str(config), "validate").status == 0
    harbour = "harbour-library-digitises-shipping-registers"  # CC-BY-NC-ND-4.0: community web only
    planned = run_cli("--config", str(config), "plan")
    assert "refused    " + harbour in planned.out and "| To:" not in planned.out
    explained = run_cli("--config", str(config), "plan", "--explain")
    assert explained.status == 0
    requests = explained.out.split(f"\n{harbour} -> ")[1:]
    assert [r.split(":")[0] for r in requests] == ["daily-print", "dx-web"]
    print_request, web_request = requests
    assert "    | We would like to republish this article for our print edition, Daily Example:\n" in print_request
    assert "    | We would like to republish this article for our commercial website, Daily Example:\n" in web_request
    assert "not commercial web sites. We therefore ask for your permission." in web_request
    assert "    | To: the copyright holder (The Harbour Gazette)" in web_request
    assert "'daily-print'" not in explained.out and "our endpoint" not in explained.out
    assert explained.out.count("    | Thank you,") == 2  # only the refused pairs
    rows = json.loads(run_cli("--config", str(config), "plan", "--explain", "--format", "json").out)
    by_pair = {(r["article"], r["endpoint"]): r["permission_request"] for r in rows}
    assert "for our commercial website, Daily Example:" in by_pair[(harbour, "dx-web")]
    assert by_pair[(harbour, "archive")] is None
    assert "permission_request" not in json.loads(run_cli("--config", str(config), "plan", "--format", "json").out)[0]

    assert run_cli("--config", str(config), "push").status == 0
    status = run_cli("--config", str(config), "status", "--explain")
    assert status.status == 0
    assert f"\n{harbour} -> dx-web: refused; to ask for it:\n    | To: the copyright holder" in status.out
    assert "| To:" not in run_cli("--config", str(config), "status").out
    rows = json.loads(run_cli("--config", str(config), "status", "--explain", "--format", "json").out)
    assert [r["endpoint"] for r in rows if r["permission_request"]] == ["daily-print", "dx-web"]


def test_licenses_lists_and_explains(run_cli: Any) -> None:
    listing = run_cli("licenses")
    assert listing.status == 0
    assert "globalresearch-crosspost  community-web" in listing.out
    assert len(listing.out.splitlines()) == 29  # 17, and 12 national ports
    assert "CC-BY-SA-3.0-DE " in listing.out
    one = run_cli("licenses", "CC-BY-NC-ND-4.0")
    assert one.status == 0
    assert one.out.startswith("CC-BY-NC-ND-4.0: Creative Commons Attribution-NonCommercial-NoDerivatives 4.0")
    assert "Needs permission from the rights holder:\n  commercial-web" in one.out
    unknown = run_cli("licenses", "CC-BY-4")
    assert unknown.status == 2
    assert "did you mean 'CC-BY-4.0'?" in unknown.err
    lower_case = run_cli("licenses", "cc-by-nc-nd-4.0")
    assert lower_case.status == 2 and "did you mean 'CC-BY-NC-ND-4.0'?" in lower_case.err


def test_site_licence_folder_adds_profiles(run_cli: Any, site: Path) -> None:
    folder = site / "licenses"
    folder.mkdir()
    profile = json.loads((REPO / "schemas" / "licenses" / "globalresearch-crosspost.json").read_text())
    profile["id"] = "partner-syndication"
    (folder / "partner-syndication.json").write_text(json.dumps(profile))
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text().replace('state = ".syndicate/state.db"', 'state = ".s.db"\nlicenses = "licenses"')
    )
    result = run_cli("--config", str(config), "licenses")
    assert "partner-syndication" in result.out
    (folder / "bad.json").write_text('{"id": "bad"}')
    broken = run_cli("--config", str(config), "licenses")
    assert broken.status == 2
    assert "bad.json: invalid licence profile" in broken.err
    assert "missing required field 'name'" in broken.err


def test_every_problem_in_every_file_in_one_run(run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(GOLDEN)
    result = run_cli("-q", "validate", "invalid", "valid")
    files_with_findings = {line.split(":", 1)[0] for line in result.out.splitlines()}
    assert len(files_with_findings) == len(list((GOLDEN / "invalid").glob("*.md")))
    assert result.status == 1


def test_unknown_endpoint_named_by_article_is_an_error(run_cli: Any, site: Path) -> None:
    article = site / "content" / "eastbrook-council-election-turnout-by-ward.md"
    article.write_text(article.read_text().replace("  - archive\n", "  - archive\n  - partner\n"))
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 1
    assert "unknown-endpoint endpoints[1] 'partner' is not an endpoint of syndicate.toml" in result.out


def test_duplicate_slug_across_files(run_cli: Any, site: Path) -> None:
    content = site / "content"
    shutil.copy(content / "alder-valley-water-board-approves-tiered-rates.md", content / "copy.md")
    result = run_cli("--config", str(site / "syndicate.toml"), "validate")
    assert result.status == 1
    slug = "alder-valley-water-board-approves-tiered-rates"
    original, copy = content / f"{slug}.md", content / "copy.md"
    flagged = [line for line in result.out.splitlines() if " duplicate-slug " in line]
    assert flagged == [  # every file of the slug, not all but the first
        f"{original}:4: duplicate-slug slug '{slug}' is also used by {copy} {DUPLICATE_HINT}",
        f"{copy}:4: duplicate-slug slug '{slug}' is also used by {original} {DUPLICATE_HINT}",
    ]
    plan = run_cli("--config", str(site / "syndicate.toml"), "plan").out
    assert len([row for row in plan.splitlines() if f" {slug} " in row]) == 1  # one row, not one per file


def test_a_file_named_alone_is_checked_against_the_slugs_of_the_content_folder(
    run_cli: Any, site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What the pre-commit hook runs: `validate` of the staged files only."""
    monkeypatch.chdir(site)
    slug = "alder-valley-water-board-approves-tiered-rates"
    text = (site / "content" / f"{slug}.md").read_text()
    Path("content/new.md").write_text(text.replace(f"slug: {slug}", f'slug: "{slug}"'))
    alone = run_cli("validate", "content/new.md")
    assert alone.status == 1
    assert f"content/new.md:4: duplicate-slug slug '{slug}' is also used by content/{slug}.md" in alone.out
    assert len(alone.out.splitlines()) == 1  # the other file is named, not checked
    Path("content/new.md").write_text(text.replace(f"slug: {slug}", "slug: a-new-story"))
    assert run_cli("validate", "content/new.md").status == 0


DUPLICATE_HINT = (
    "(hint: each article needs its own slug (copies are named after it): change or remove all but one; "
    "until then none of them is pushed)"
)


def test_three_files_of_one_slug_each_name_the_other_two(site: Path) -> None:
    from syndicate.checks.validate import validate_paths
    from syndicate.config import load_config

    content = site / "content"
    slug = "alder-valley-water-board-approves-tiered-rates"
    for name in ("a.md", "z.md"):
        shutil.copy(content / f"{slug}.md", content / name)
    report = validate_paths([], load_config(site / "syndicate.toml"))
    messages = {Path(f.path).name: f.message for f in report.findings if f.code == "duplicate-slug"}
    assert messages == {
        "a.md": f"slug '{slug}' is also used by {content / f'{slug}.md'}, {content / 'z.md'}",
        f"{slug}.md": f"slug '{slug}' is also used by {content / 'a.md'}, {content / 'z.md'}",
        "z.md": f"slug '{slug}' is also used by {content / 'a.md'}, {content / f'{slug}.md'}",
    }


def test_folder_without_articles(run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.txt").write_text("not an article")
    result = run_cli("validate", "empty")
    assert result.status == 1
    assert result.out == "empty:0: no-articles the folder has no articles (*.md, *.markdown) " + (
        "(hint: check the path, or paths.content in syndicate.toml)\n"
    )


def test_hidden_folders_are_skipped(run_cli: Any, site: Path) -> None:
    hidden = site / "content" / ".trash"
    hidden.mkdir()
    (hidden / "old.md").write_text("no front matter")
    assert run_cli("--config", str(site / "syndicate.toml"), "validate").status == 0


def test_missing_path_is_a_usage_error(run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("validate", "nowhere.md")
    assert result.status == 2
    assert "nowhere.md" in result.err


def test_no_config_and_no_paths_is_a_usage_error(run_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SYNDICATE_CONFIG", raising=False)
    result = run_cli("validate")
    assert result.status == 2
    assert result.err.startswith("syndicate: error: no syndicate.toml in this folder\n  hint: pass --config PATH")


def test_named_config_that_does_not_exist(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("--config", str(tmp_path / "nope.toml"), "validate")
    assert result.status == 2
    assert "nope.toml: config file not found (named by --config)" in result.err


def test_bad_config_lists_every_problem_with_exit_2(run_cli: Any, site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text(
        config.read_text()
        + '\n[[endpoints]]\nname = "archive"\ntype = "ftp"\nchannel = "community-web"\ncolour = "blue"\npath = "x"\n'
        + '\n[[endpoints]]\ntype = "webhook"\nchannel = "newsletter"\nurl = "https://hooks.example.org/x"\n'
    )
    result = run_cli("--config", str(config), "validate")
    assert result.status == 2
    assert result.out == ""
    assert "configuration problems" in result.err
    assert "endpoints[1].type is 'ftp', not one of: directory, webhook, wordpress" in result.err
    assert "unknown field 'endpoints[1].colour'" in result.err  # no endpoint type takes it ...
    assert "endpoints[1].path" not in result.err  # ... but a directory would take a path: the type is at fault
    assert "missing required field 'endpoints[2].name'" in result.err
    assert "endpoints[1].name 'archive' is a duplicate" in result.err
    assert "Traceback" not in result.err


def test_toml_syntax_error_names_the_line(run_cli: Any, site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text("[site]\ntitle = Community\n")
    result = run_cli("--config", str(config), "validate")
    assert result.status == 2
    assert "TOML syntax" in result.err
    assert "line 2" in result.err


# the article the project was created from (a scraped Global Research page with its licence footer)
SEED = REPO / "tests" / "golden" / "import" / "globalresearch-s400.txt"


def test_import_the_seed_then_validate(run_cli: Any, tmp_path: Path) -> None:
    result = run_cli("import", str(SEED), "--out", str(tmp_path))
    assert result.status == 0, result.err
    (written,) = tmp_path.glob("*.md")
    assert written.name.startswith("turkey-has-agreed-to-buy-russias-s-400")
    assert "  missing: source.url: the text does not give the article's address at Global Research" in result.out
    checked = run_cli("-q", "validate", str(written))
    assert checked.status == 0  # a draft: only what the text truly lacks, as warnings
    assert {line.split()[1] for line in checked.out.splitlines()} == {"missing-field", "placeholder-link"}
    again = run_cli("import", str(SEED), "--out", str(tmp_path))
    assert again.status == 2 and "exists" in again.err and "--force" in again.err
    assert run_cli("import", str(SEED), "--out", str(tmp_path), "--force").status == 0


def test_import_bad_input_is_a_clear_error(run_cli: Any, tmp_path: Path) -> None:
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"Title\n\nCaf\xe9 society\n")
    result = run_cli("import", str(bad), str(tmp_path / "missing.txt"), "--out", str(tmp_path / "out"))
    assert result.status == 2
    assert "latin1.txt:3: byte 0xe9 is not UTF-8" in result.err
    assert "missing.txt: no such file" in result.err
    assert "Traceback" not in result.err


def test_import_refuses_an_empty_file_and_an_article_that_has_front_matter(run_cli: Any, tmp_path: Path) -> None:
    empty = tmp_path / "empty.md"
    empty.write_text("\ufeff\n  \n")
    article = REPO / "tests" / "golden" / "valid" / "minimal.md"
    result = run_cli("import", str(empty), str(article), str(SEED), "--out", str(tmp_path / "out"))
    assert result.status == 2
    assert f"{empty}: the file is empty" in result.err
    assert f"{article}: already an article (it has front matter)" in result.err
    assert [p.name for p in (tmp_path / "out").iterdir()] == [result.out.splitlines()[0].rpartition("/")[2]]
    # text that merely starts with a rule is still a scraped page
    ruled = tmp_path / "ruled.txt"
    ruled.write_text("---\n\nA Title\n\n---\n\nSome text.\n")
    assert run_cli("import", str(ruled), "--out", str(tmp_path / "out")).status == 0


@pytest.mark.parametrize(
    "command", ["validate", "import", "feeds", "plan", "push", "run", "status", "licenses", "retry", "cron"]
)
def test_every_command_has_help_with_an_example(run_cli: Any, command: str) -> None:
    result = run_cli(command, "--help")
    assert result.status == 0
    assert "Example" in result.out
    assert f"syndicate {command}" in result.out


def test_top_level_help_lists_every_command(run_cli: Any) -> None:
    result = run_cli("--help")
    assert result.status == 0
    for command in ("validate", "import", "feeds", "plan", "push", "run", "status", "licenses"):
        assert f"  {command} " in result.out


def test_version(run_cli: Any) -> None:
    result = run_cli("--version")
    assert result.status == 0
    assert result.out.strip() == f"syndicate, version {__version__}"


def test_unknown_option_is_a_usage_error(run_cli: Any) -> None:
    result = run_cli("validate", "--bogus")
    assert result.status == 2
    assert "No such option" in result.err


def test_installed_entry_point_runs_in_a_real_process(tmp_path: Path) -> None:
    """The console script and `python -m syndicate` work from any folder."""
    command = [sys.executable, "-m", "syndicate", "--config", str(DEMO / "syndicate.toml"), "validate"]
    done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert "4 articles checked" in done.stderr
    # run from another folder, paths are shown in full: the config's content folder, not the working one
    assert done.stdout.startswith(str(DEMO / "content" / "turkey-agreed-to-buy-russias-s-400.md") + ":8: ")


@pytest.mark.parametrize("expires", ["soon", "5", "'2026-02-30'"])
def test_malformed_grant_dates_are_findings_not_crashes(run_cli: Any, site: Path, expires: str) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace('channel = "community-web"', 'channel = "commercial-web"', 1))
    article = site / "content" / "eastbrook-council-election-turnout-by-ward.md"
    article.write_text(article.read_text().replace("      reference:", f"      expires: {expires}\n      reference:"))
    result = run_cli("-q", "--config", str(config), "validate", str(article))
    assert result.status == 1
    assert "license.grants[0].expires" in result.out
    assert "Traceback" not in result.err


def test_config_endpoints_not_a_list(run_cli: Any, site: Path) -> None:
    config = site / "syndicate.toml"
    text = config.read_text()
    config.write_text("endpoints = 5\n" + text[: text.index("[[endpoints]]")])
    result = run_cli("--config", str(config), "validate")
    assert result.status == 2
    assert "endpoints must be a list, not a whole number" in result.err


def test_keys_with_slash_and_tilde_keep_their_name_and_line(run_cli: Any, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("---\ntitle: T\nslug: t\na/b~c: 1\n---\nBody\n")
    result = run_cli("-q", "validate", str(article))
    assert ":4: unknown-field unknown field 'a/b~c'" in result.out


def test_huge_integer_is_a_finding_at_its_line(run_cli: Any, tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text("---\ntitle: T\ncopyright: {holder: H, year: " + "9" * 5000 + "}\n---\nBody\n")
    result = run_cli("-q", "validate", str(article))
    assert ":3: invalid-value a number of 5000 digits" in result.out


def test_a_folder_endpoint_inside_the_content_folder_stops_every_command(run_cli: Any, site: Path) -> None:
    config = site / "syndicate.toml"
    config.write_text(config.read_text().replace('path = "out/archive"', 'path = "content/archive"'))
    for command in ("run", "validate", "push", "feeds"):
        result = run_cli("--config", str(config), command)
        assert result.status == 2, command
        assert f"endpoints[0] 'archive': its path {site / 'content' / 'archive'} is inside the content folder" in (
            result.err
        )
    assert sorted(p.name for p in site.iterdir()) == ["content", "syndicate.toml"]  # nothing written anywhere


def test_a_folder_endpoint_linked_into_the_content_folder_later_stops_the_run(run_cli: Any, site: Path) -> None:
    """The check is made on trusted config bytes too (a run skips revalidating a config it knows)."""
    config = str(site / "syndicate.toml")
    assert run_cli("--config", config, "run").status == 0
    shutil.rmtree(site / "out")
    (site / "out").symlink_to(site / "content", target_is_directory=True)
    result = run_cli("--config", config, "run")
    assert result.status == 2
    assert "is inside the content folder" in result.err
    assert not (site / "content" / "archive").exists()


def test_the_global_options_may_follow_the_command(run_cli: Any, site: Path) -> None:
    config = str(site / "syndicate.toml")
    after = run_cli("run", "-v", "--config", config, "--now", "2030-01-01T00:00:00+00:00")
    assert after.status == 0, after.err
    assert after.err.startswith("syndicate run: 4 articles, 0 with errors;")
    quiet = run_cli("validate", "--config", config, "--quiet")
    assert (quiet.status, quiet.err) == (0, "")


def test_verbose_validate_lists_each_file_checked(run_cli: Any, site: Path) -> None:
    listed = run_cli("-v", "--config", str(site / "syndicate.toml"), "validate")
    checked = [line for line in listed.err.splitlines() if line.startswith("checked ")]
    assert len(checked) == 4
    assert any(line.endswith("alder-valley-water-board-approves-tiered-rates.md: ok") for line in checked)
    assert any(line.endswith("turkey-agreed-to-buy-russias-s-400.md: 24 warnings") for line in checked)
