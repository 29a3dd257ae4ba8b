"""The mastodon and bluesky endpoints' keys: validated like the others', secrets only by variable."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from syndicate.config import load_config
from syndicate.cron.schedules import secret_variables
from syndicate.delivery.endpoints.rate_limits import reset_seconds
from tests.test_config import SITE, problems, write

MASTODON = '[[endpoints]]\nname = "toots"\ntype = "mastodon"\nurl = "https://social.example"\n'
BLUESKY = '[[endpoints]]\nname = "sky"\ntype = "bluesky"\nhandle = "newsroom.bsky.social"\n'


def test_social_endpoints_publish_on_the_social_channel_unless_told(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            SITE
            + MASTODON
            + 'access_token_env = "MASTODON_TOKEN"\n'
            + BLUESKY
            + 'app_password_env = "BSKY_APP_PASSWORD"\nchannel = "newsletter"\n',
        )
    )
    assert [(e.name, e.channel) for e in config.endpoints] == [("toots", "social"), ("sky", "newsletter")]
    assert secret_variables(config) == ["MASTODON_TOKEN", "BSKY_APP_PASSWORD"]


def test_other_types_still_need_a_channel(tmp_path: Path) -> None:
    found = problems(tmp_path, SITE + '[[endpoints]]\nname = "a"\ntype = "directory"\npath = "out"\n')
    assert any("missing required field 'endpoints[0].channel'" in p for p in found)


def test_unknown_keys_and_literal_secrets(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        SITE
        + MASTODON
        + 'acces_token_env = "T"\nvisibility = "everyone"\n'
        + BLUESKY
        + 'app_password = "abcd-efgh-ijkl-mnop"\n',
    )
    assert any("unknown field 'endpoints[0].acces_token_env'" in p and "'access_token_env'" in p for p in found)
    assert any("missing required field 'endpoints[0].access_token_env'" in p for p in found)
    assert any("endpoints[0].visibility" in p for p in found)
    assert any("endpoints[1].app_password" in p for p in found)
    assert not any("abcd-efgh-ijkl-mnop" in p for p in found)


def test_bluesky_record_keys_are_tids_of_the_site_endpoint_and_slug() -> None:
    from syndicate.delivery.endpoints.bluesky import record_key

    sites = ("https://a.example/", "https://b.example/")  # two newsrooms sharing one account
    keys = {record_key(site, e, slug) for site in sites for e in ("sky", "sky2") for slug in ("a", "b", "a-b")}
    assert len(keys) == 12
    assert all(re.fullmatch(r"[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}", key) for key in keys)
    assert record_key(sites[0], "sky", "a") == record_key(sites[0], "sky", "a")


def test_rate_limit_resets_as_mastodon_and_atproto_say_them() -> None:
    now = dt.datetime(2026, 12, 7, 12, 0, tzinfo=dt.UTC)
    assert reset_seconds("2026-12-07T12:00:30.000Z", now) == 30.0
    assert reset_seconds(str(int(now.timestamp()) + 45), now) == 45.0
    assert reset_seconds("2026-12-07T11:00:00Z", now) == 0.0
    assert reset_seconds("2027-12-07T11:00:00Z", now) == 3600.0  # bounded
    assert reset_seconds("soon", now) is None
