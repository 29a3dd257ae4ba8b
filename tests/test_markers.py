"""The copy markers: a site's own posts, the first releases' posts, and never another site's."""

from __future__ import annotations

from syndicate.delivery.endpoints.markers import (
    copy_marker,
    legacy_marker,
    marked_by_another_site,
    marked_ours,
    shows_marker,
    site_id,
)

OURS = "https://review.example.org/"
THEIRS = "https://other.example.net/news/"


def test_the_marker_names_the_site_by_host_and_path() -> None:
    assert copy_marker("alder", OURS) == "<!-- syndicate-copy: alder site: review.example.org -->"
    assert site_id(THEIRS) == "other.example.net/news"
    assert site_id("https://Review.Example.org") == "review.example.org"


def test_an_address_a_comment_could_not_carry_is_named_by_a_digest() -> None:
    for odd in ("https://ex.org/a--b/", "https://ex.org/it's/", "https://ex.org/a b/"):
        assert site_id(odd).startswith("sha256-")
    assert site_id("https://xn--bcher-kva.example/") == "xn--bcher-kva.example"  # IDN hosts stay readable


def test_ours_and_the_first_releases_are_ours_and_another_sites_never() -> None:
    assert marked_ours("body" + copy_marker("alder", OURS), "alder", OURS)
    assert marked_ours("body" + legacy_marker("alder"), "alder", OURS)
    assert not marked_ours(copy_marker("alder", THEIRS), "alder", OURS)
    assert not marked_ours(copy_marker("alder-2", OURS), "alder", OURS)
    assert marked_by_another_site(copy_marker("alder", THEIRS), OURS)
    assert not marked_by_another_site(copy_marker("alder", OURS) + legacy_marker("x"), OURS)


def test_the_audit_sees_any_marker_of_the_slug() -> None:
    assert shows_marker(copy_marker("alder", THEIRS), "alder")
    assert shows_marker(legacy_marker("alder"), "alder")
    assert not shows_marker(copy_marker("alder-valley", OURS), "alder")
