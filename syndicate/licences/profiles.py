"""Licence profiles (data files validated by schemas/license.schema.json) and the registry.

Built-in profiles ship in `schemas/licenses/`; a site adds its own from the
folder named by `paths.licenses` in syndicate.toml. A site profile may not
reuse a built-in id: an article's licence must mean the same on every site.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from syndicate.errors import ConfigError
from syndicate.schemas import schema_dir, schema_problems

CHANNELS = ("community-web", "commercial-web", "print", "newsletter", "social")
CONDITIONS = ("attribution", "copyright-notice", "link-to-original", "no-derivatives", "non-commercial", "share-alike")

CHANNEL_WORDS = {
    "community-web": "non-commercial community web sites",
    "commercial-web": "commercial web sites",
    "print": "print publications",
    "newsletter": "email newsletters",
    "social": "social-media posts",
}
#: a channel as a rights desk names its own publication on it ("our print edition, Daily Example")
CHANNEL_PLACE = {
    "community-web": "our community website",
    "commercial-web": "our commercial website",
    "print": "our print edition",
    "newsletter": "our email newsletter",
    "social": "our social-media accounts",
}
CONDITION_WORDS = {
    "attribution": "credit the author and the source",
    "copyright-notice": "keep the copyright notice",
    "link-to-original": "link to the original article",
    "no-derivatives": "publish the text unchanged",
    "non-commercial": "no commercial use",
    "share-alike": "adaptations under the same licence",
}


@dataclass(frozen=True)
class LicenseProfile:
    id: str
    name: str
    channels: frozenset[str]
    conditions: frozenset[str]
    summary: str
    terms: str
    url: str | None = None
    spdx: bool = False
    version: str | None = None
    #: the file the profile was read from
    origin: Path | None = None

    def allows(self, channel: str) -> bool:
        return channel in self.channels

    def requires(self, condition: str) -> bool:
        return condition in self.conditions

    @property
    def short_name(self) -> str:
        """How CC asks the licence to be named in attribution: "CC BY-ND 4.0", a port "CC BY-SA 3.0 DE"."""
        if self.spdx and self.id.startswith("CC"):
            kind, _, version = self.id.rpartition("-")
            if version.isalpha():  # a national port: CC-BY-SA-3.0-DE
                kind, _, number = kind.rpartition("-")
                version = f"{number} {version}"
            return f"CC {kind.removeprefix('CC-')} {version}" if kind != "CC0" else f"CC0 {version}"
        return self.name


@dataclass(frozen=True)
class LicenseRegistry:
    profiles: Mapping[str, LicenseProfile]

    def get(self, license_id: str) -> LicenseProfile | None:
        return self.profiles.get(license_id)

    def __iter__(self) -> Iterator[LicenseProfile]:
        return iter(sorted(self.profiles.values(), key=lambda p: p.id.lower()))

    def __len__(self) -> int:
        return len(self.profiles)


def builtin_license_dir() -> Path:
    return schema_dir() / "licenses"


def load_profile(path: Path) -> LicenseProfile:
    """Read and validate one profile file; a bad file is a ConfigError naming it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        raise ConfigError(f"{path}: cannot read the licence profile: {e}", "it must be a UTF-8 JSON file") from e
    problems = [f"{p.message} (hint: {p.hint})" for p in schema_problems("license", data)]
    if not problems and data["id"] != path.stem:
        problems.append(f"id {data['id']!r} differs from the file name (hint: name the file {data['id']}.json)")
    if problems:
        raise ConfigError(
            f"{path}: invalid licence profile",
            "fix the fields named above; the schema is schemas/license.schema.json",
            tuple(problems),
        )
    return LicenseProfile(
        id=data["id"],
        name=data["name"],
        channels=frozenset(data["channels"]),
        conditions=frozenset(data["conditions"]),
        summary=data["summary"],
        terms=data["terms"],
        url=data.get("url"),
        spdx=data.get("spdx", False),
        version=data.get("version"),
        origin=path,
    )


def load_registry(site_dir: Path | None = None) -> LicenseRegistry:
    """The built-in profiles, plus the site's own from `site_dir`."""
    profiles = {p.id: p for p in map(load_profile, sorted(builtin_license_dir().glob("*.json")))}
    if site_dir is not None:
        if not site_dir.is_dir():
            raise ConfigError(
                f"{site_dir}: the licence folder named by paths.licenses does not exist",
                "create it, or remove paths.licenses from syndicate.toml",
            )
        for path in sorted(site_dir.glob("*.json")):
            profile = load_profile(path)
            if profile.id in profiles:
                raise ConfigError(
                    f"{path}: licence id {profile.id!r} is built in",
                    "give the site's profile its own id, e.g. prefix it with the site's name",
                )
            profiles[profile.id] = profile
    return LicenseRegistry(MappingProxyType(profiles))
