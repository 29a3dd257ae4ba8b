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

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, Protocol

if TYPE_CHECKING:
    from syndicate.render.copies import Copy


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
