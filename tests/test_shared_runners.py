"""Several runners share a PostgreSQL ledger, and runners are killed (kill -9) as they deliver:
every copy arrives, none twice.

Four `syndicate run` processes at a time, restarted as cron would when one ends, over 2,000
articles to one webhook on loopback; about every half second a random runner is killed. A killed
runner's claims come back to the pool when their lease ([ledger] lease, 3 s here) lapses, and
the next plan resends them with the same Idempotency-Key (a webhook cannot be asked whether it
has a copy). So a receiver that keeps one copy per key, as the webhook contract asks, ends with
exactly one copy of each article: never two keys for one article, never two contents.
Needs PostgreSQL (tests/pg.py); skipped, saying how to start it, without.
"""

from __future__ import annotations

import hashlib
import json
import random
import subprocess
import sys
import time
from pathlib import Path

import pytest

from syndicate.config import load_config
from syndicate.delivery.ledger_open import open_ledger, shared
from tests.conftest import DEMO
from tests.loopback import recording_server
from tests.pg import fresh_site, use_postgresql

ARTICLES = 2000
RUNNERS = 4
TEMPLATE = DEMO / "content" / "harbour-library-digitises-shipping-registers.md"
SLUG = "harbour-library-digitises-shipping-registers"


def make_site(folder: Path, hook_url: str) -> Path:
    content = folder / "content"
    content.mkdir(parents=True)
    text = TEMPLATE.read_text()
    for i in range(ARTICLES):
        article = text.replace(f"slug: {SLUG}", f"slug: harbour-{i:04}", 1)
        article = article.replace('title: "Port Carrow', f'title: "No. {i}: Port Carrow', 1)
        (content / f"harbour-{i:04}.md").write_text(article)
    (folder / "syndicate.toml").write_text(
        '[site]\ntitle = "Network"\nurl = "https://network.example.org/"\nchannel = "community-web"\n\n'
        f'[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook_url}"\n'
        "concurrency = 4\nretries = 1\n"
    )
    return folder


def test_four_runners_killed_at_random_deliver_every_copy_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with fresh_site(monkeypatch) as settings, recording_server() as hook:
        # slow enough that the eight kills fall while copies are in flight, on an idle machine too
        hook.delay = 0.05
        site = make_site(tmp_path / "site", hook.url)
        use_postgresql(site, settings)
        command = [sys.executable, "-m", "syndicate", "--config", str(site / "syndicate.toml"), "run"]
        chance = random.Random(21)
        runners: list[subprocess.Popen[bytes]] = []
        kills, ended, deadline = 0, [], time.monotonic() + 240
        next_kill = time.monotonic()

        place = load_config(site / "syndicate.toml").ledger_at

        def delivered() -> int:
            with open_ledger(place) as ledger:
                return sum(d.state == "delivered" for d in ledger.all())

        def delivering() -> list[subprocess.Popen[bytes]]:
            """The runners holding claims now: killed, they leave deliveries half done."""
            with open_ledger(place) as ledger:
                pids = {int(str(d.claimed_by).split(":")[1]) for d in ledger.all() if d.claimed_by}
            return [r for r in runners if r.pid in pids and r.poll() is None]

        while time.monotonic() < deadline:
            for runner in [r for r in runners if r.poll() is not None]:
                runners.remove(runner)
                ended.append(runner.returncode)
            # one runner first (it reads and validates the 2,000 articles once, for all), the others once
            # it delivers; cron starts another when one ends, until every copy is recorded delivered
            if len(runners) < (RUNNERS if hook.requests else 1):
                if len(hook.requests) >= ARTICLES and delivered() == ARTICLES:
                    break
                runners.append(subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            busy = delivering() if kills < 8 and time.monotonic() >= next_kill else []
            if busy:
                victim = chance.choice(busy)
                victim.kill()  # SIGKILL: no clean-up of any kind
                victim.wait()
                runners.remove(victim)
                kills += 1
                next_kill = time.monotonic() + chance.uniform(0.3, 0.9)
            time.sleep(0.25)
        ended += [runner.wait(timeout=60) for runner in runners]

        assert kills == 8
        assert set(ended) <= {0}, ended  # a runner without the site's lock does its share and exits 0
        keys: dict[str, set[str]] = {}
        contents: dict[str, set[str]] = {}
        per_key: dict[str, int] = {}
        torn = 0
        for received in hook.requests:
            try:
                event = json.loads(received.body)
            except ValueError:  # cut off by a kill mid-send: a receiver refuses it (and the key comes again)
                torn += 1
                continue
            key = received.headers["Idempotency-Key"]
            keys.setdefault(event["article"], set()).add(key)
            copy = json.dumps(event.get("copy"), sort_keys=True).encode()
            contents.setdefault(event["article"], set()).add(hashlib.sha256(copy).hexdigest())
            per_key[key] = per_key.get(key, 0) + 1
        assert len(keys) == ARTICLES  # none lost
        assert all(len(k) == 1 for k in keys.values())  # no article under two keys: no second copy
        assert all(len(c) == 1 for c in contents.values())  # nor twice with the same content
        # a key is sent again only where a killed runner may have sent it (its claims in flight)
        resent = sum(n - 1 for n in per_key.values())
        assert resent + torn <= kills * 4 * 4  # concurrency x [ledger] batch in flight per runner
        assert delivered() == ARTICLES  # every row delivered


def test_a_runner_that_finds_the_sites_lock_held_delivers_its_share_and_exits_0(
    site: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The site-wide work (feeds, what a run remembers) is the lock holder's; the deliveries anyone's."""
    with fresh_site(monkeypatch) as settings, recording_server() as hook:
        use_postgresql(site, settings)
        config = site / "syndicate.toml"
        config.write_text(
            config.read_text()
            + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
        )
        with shared(settings) as (holder, alone):
            assert alone  # another runner, busy with the site-wide work
            helper = subprocess.run(
                [sys.executable, "-m", "syndicate", "-v", "--config", str(config), "run"],
                capture_output=True,
                text=True,
                check=False,
            )
            assert helper.returncode == 0, helper.stderr
            assert len(hook.requests) == 2  # its share: here, every copy
            assert not (site / "feeds").exists()  # the feeds are the lock holder's work
            assert holder.get_state("next_wakeup") is None  # and so is what a run remembers
        assert "another process (a runner or an audit) holds the site's lock" in helper.stderr
        done = subprocess.run(
            [sys.executable, "-m", "syndicate", "--config", str(config), "run"], capture_output=True, check=False
        )
        assert done.returncode == 0 and (site / "feeds" / "atom.xml").exists()
        assert len(hook.requests) == 2  # nothing sent twice


def test_no_claim_outlives_a_run_that_stopped_early(site: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A credentials failure stops the endpoint: what the run tried has its outcome, and whatever
    it claimed and did not start is given back (whether a batch held any depends on timing;
    test_ledger_engines.py tests the giving back itself), so no lease is left for others to wait on."""
    with fresh_site(monkeypatch) as settings, recording_server() as hook:
        hook.status = 401
        use_postgresql(site, settings, lease=600)
        config = site / "syndicate.toml"
        config.write_text(
            config.read_text()
            + f'\n[[endpoints]]\nname = "hook"\ntype = "webhook"\nchannel = "community-web"\nurl = "{hook.url}"\n'
            + 'concurrency = 1\nretries = 1\nsecret_env = "HOOK_SECRET"\n'
        )
        monkeypatch.setenv("HOOK_SECRET", "s")
        done = subprocess.run(
            [sys.executable, "-m", "syndicate", "--config", str(config), "run"], capture_output=True, check=False
        )
        assert done.returncode == 1
        assert len(hook.requests) == 1  # the first copy's answer stopped the endpoint
        with open_ledger(settings) as ledger:
            rows = [d for d in ledger.all() if d.endpoint == "hook"]
        assert [d.state for d in rows if d.last_error] == ["failed"]
        assert rows and all(d.claimed_by is None and d.lease_until is None for d in rows)
