"""What every endpoint type is: the interface push, plan and reconcile use, and Remote, a copy
at an endpoint.

    create(copy, key) -> Remote       deliver a new copy
    update(remote, copy, key) -> Remote
    delete(remote, slug, key)         retraction, or no longer allowed
    unpublish(remote, slug, key)      the article went back to draft: take the copy down
    restore(remote, copy, key) -> Remote
                                      a copy taken down earlier is wanted again (the same post
                                      where the endpoint kept it, else a new copy)
    find(slug, key) -> Remote | None  look a copy up after a crash, before creating it again
    can_find                          whether find can tell (a webhook cannot be asked)

`key` is the idempotency key the ledger recorded before the call. Failures
raise syndicate.errors.DeliveryError (transient or not).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

    from syndicate.render.copies import Copy

_Settings = TypeVar("_Settings", bound="DataclassInstance")


def secret_from_env(endpoint: str, variable: str, environ: Mapping[str, str], what: str) -> str:
    """The secret in the environment variable `variable`; a ConfigError naming the variable (never a
    value) when it is unset or empty, whose hint says to export `what`: "<an app password of ...>"."""
    value = environ.get(variable)
    if not value:
        from syndicate.errors import ConfigError

        raise ConfigError(
            f"endpoint {endpoint!r}: the environment variable {variable} is not set", f"export {variable}={what}"
        )
    return value


def typed_settings(cls: type[_Settings], settings: Mapping[str, Any]) -> _Settings:
    """An endpoint type's own keys as its settings dataclass (the config schema checked them); a key
    left out takes the dataclass's default."""
    return cls(**{f.name: settings[f.name] for f in fields(cls) if f.name in settings})


@dataclass(frozen=True)
class Remote:
    """A copy at an endpoint: its id there and its address, and what the endpoint had to leave out."""

    id: str
    url: str
    #: delivered all the same, but not whole (a WordPress tag the site refused)
    warnings: tuple[str, ...] = field(default=(), compare=False)


class Endpoint(Protocol):
    name: str
    #: whether find() can tell if the endpoint holds a copy (reconcile asks it; a webhook cannot be asked)
    can_find: ClassVar[bool]

    def create(self, copy: Copy, key: str) -> Remote: ...

    def update(self, remote: Remote, copy: Copy, key: str) -> Remote: ...

    def delete(self, remote: Remote, slug: str, key: str) -> None: ...

    def unpublish(self, remote: Remote, slug: str, key: str) -> None: ...

    def restore(self, remote: Remote, copy: Copy, key: str) -> Remote: ...

    def find(self, slug: str, key: str) -> Remote | None: ...

    def close(self) -> None: ...
