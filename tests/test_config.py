"""Unit tests of config loading: defaults, relative paths, and every kind of configuration error."""

from __future__ import annotations

from pathlib import Path

import pytest

from syndicate.config import find_config, load_config
from syndicate.errors import ConfigError, ExitStatus
from tests.conftest import DEMO

SITE = '[site]\ntitle = "T"\nurl = "https://t.example.org/"\nchannel = "community-web"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "syndicate.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> tuple[str, ...]:
    with pytest.raises(ConfigError) as info:
        load_config(write(tmp_path, text))
    assert info.value.exit_status == ExitStatus.USAGE
    return info.value.problems


def test_demo_config_loads_into_frozen_dataclasses() -> None:
    config = load_config(DEMO / "syndicate.toml")
    assert config.site.channel == "community-web"
    assert config.paths.content == DEMO.resolve() / "content"
    assert config.paths.state == DEMO.resolve() / ".syndicate" / "state.db"
    archive = config.endpoint("archive")
    assert archive is not None
    assert archive.type == "directory"
    assert archive.settings["path"] == "out/archive"
    with pytest.raises(AttributeError):
        config.site.title = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        archive.settings["path"] = "elsewhere"  # type: ignore[index]


def test_defaults_apply_when_paths_is_absent(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, SITE))
    assert config.paths.content == tmp_path.resolve() / "content"
    assert config.paths.feeds == tmp_path.resolve() / "feeds"
    assert config.endpoints == ()


def test_unknown_keys_are_named(tmp_path: Path) -> None:
    found = problems(tmp_path, SITE + 'titel = "x"\n[paths]\ncontnet = "c"\n')
    assert any("unknown field 'site.titel'" in p and "did you mean 'title'?" in p for p in found)
    assert any("unknown field 'paths.contnet'" in p and "did you mean 'content'?" in p for p in found)


def test_endpoint_type_specific_keys(tmp_path: Path) -> None:
    endpoint = '[[endpoints]]\nname = "wp"\ntype = "wordpress"\nchannel = "community-web"\nurl = "http://127.0.0.1/"\n'
    found = problems(tmp_path, SITE + endpoint + 'password = "hunter2"\npath = "x"\n')
    assert any("missing required field 'endpoints[0].username_env'" in p for p in found)
    assert any("unknown field 'endpoints[0].password'" in p and "'password_env'" in p for p in found)
    assert any("unknown field 'endpoints[0].path'" in p for p in found)
    assert not any("hunter2" in p for p in found)


def test_missing_site_and_bad_channel(tmp_path: Path) -> None:
    assert any(
        "missing required field 'site' (hint: add 'site': a [site] table: title, url and channel" in p
        for p in problems(tmp_path, "[paths]\n")
    )
    found = problems(tmp_path, SITE.replace("community-web", "web"))
    assert found == (
        "site.channel is 'web', not one of: community-web, commercial-web, print, newsletter, social "
        "(hint: use one of: community-web, commercial-web, print, newsletter, social)",
    )


def test_find_config_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    env_config = write(tmp_path, SITE)
    assert find_config(None, {}) == Path("syndicate.toml")
    assert find_config(None, {"SYNDICATE_CONFIG": str(env_config)}) == env_config
    assert find_config(str(DEMO / "syndicate.toml"), {"SYNDICATE_CONFIG": "nope"}) == DEMO / "syndicate.toml"
    env_config.unlink()
    assert find_config(None, {}) is None
    with pytest.raises(ConfigError, match=r"named by \$SYNDICATE_CONFIG"):
        find_config(None, {"SYNDICATE_CONFIG": "missing.toml"})


def test_config_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "syndicate.toml"
    path.write_bytes(b'[site]\ntitle = "\xff"\n')
    with pytest.raises(ConfigError, match="not UTF-8"):
        load_config(path)


def folder_endpoint(path: str, content: str = "content") -> str:
    endpoint = f'[[endpoints]]\nname = "archive"\ntype = "directory"\nchannel = "community-web"\npath = "{path}"\n'
    return SITE + f'[paths]\ncontent = "{content}"\n' + endpoint


@pytest.mark.parametrize(
    ("path", "content", "where"),
    [
        ("content/archive", "content", "is inside the content folder"),
        ("content", "content", "is the content folder"),
        ("./out/../content/", "content", "is the content folder"),
        ("site/articles/copies", "site/articles", "is inside the content folder"),
    ],
)
def test_a_folder_endpoint_inside_the_content_folder_is_refused(
    tmp_path: Path, path: str, content: str, where: str
) -> None:
    found = problems(tmp_path, folder_endpoint(path, content))
    assert len(found) == 1
    assert found[0].startswith(f"endpoints[0] 'archive': its path {(tmp_path / path).resolve()} ")
    assert where in found[0] and "(paths.content)" in found[0]
    assert str((tmp_path / content).resolve()) in found[0]
    assert "hint: give the endpoint a folder outside the content folder" in found[0]


@pytest.mark.parametrize("path", ["out/archive", "content-copies", ".", ".."])
def test_a_folder_endpoint_beside_or_around_the_content_folder_is_fine(tmp_path: Path, path: str) -> None:
    config = load_config(write(tmp_path, folder_endpoint(path)))
    assert config.endpoints[0].settings["path"] == path


def test_a_folder_endpoint_reaching_the_content_folder_through_a_link_is_refused(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "out").symlink_to(tmp_path / "content", target_is_directory=True)
    found = problems(tmp_path, folder_endpoint("out/archive"))
    assert any(f"its path {(tmp_path / 'content' / 'archive').resolve()} is inside" in p for p in found)


def test_a_folder_endpoint_path_that_cannot_be_resolved_is_a_config_problem(tmp_path: Path) -> None:
    (tmp_path / "content").mkdir()
    (tmp_path / "loop").symlink_to(tmp_path / "loop")  # a link to itself
    found = problems(tmp_path, folder_endpoint("loop/archive"))
    assert any("endpoints[0].path 'loop/archive' cannot be resolved" in p for p in found)
    found = problems(tmp_path, folder_endpoint("out\\u0000archive"))  # TOML's escape: a NUL in the path
    assert any("endpoints[0].path 'out\\x00archive' cannot be resolved" in p for p in found)


@pytest.mark.parametrize("url", ["http://[::1", "https://m.example:99999", "https://m.example:port/"])
def test_a_url_urllib_cannot_read_is_a_config_problem(tmp_path: Path, url: str) -> None:
    endpoint = (
        f'[[endpoints]]\nname = "m"\ntype = "mastodon"\nchannel = "social"\naccess_token_env = "T"\nurl = "{url}"\n'
    )
    found = problems(tmp_path, SITE + endpoint)
    assert any(p.startswith("endpoints[0].url is not a URL that can be read") for p in found), found
