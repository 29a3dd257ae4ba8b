"""Secrets written in the config file itself: found (a password or token key with a literal value,
a URL with a password or a secret query parameter) and kept out of every message about the file.

Secrets belong in environment variables that the endpoints name (`*_env` keys).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

#: keys whose value would be a secret (a key ending in _env names a variable instead)
_SECRET_KEY = re.compile(
    r"(?:^|[_.-])(?:password|passwd|passphrase|pwd|secret|token|api[_-]?key|apikey|admin[_-]?key|access[_-]?key|"
    r"private[_-]?key|auth|authorization|credentials?)$",
    re.IGNORECASE,
)
#: query parameters that carry a secret in a URL (besides the secret-looking names)
_SECRET_PARAMS = frozenset({"key", "sig", "signature", "code"})
_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*\Z")


def literal_secrets(value: Any, where: str, found: set[str]) -> list[str]:
    """A problem for each secret written in the file; the values go to `found`, to be kept out of every message."""
    problems: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if str(key).lower().endswith("_env"):
                if isinstance(item, str) and not _ENV_NAME.match(item):
                    found.add(item)
                    problems.append(
                        f"{name} must be the name of an environment variable, not the secret itself "
                        f'(hint: write {key} = "SOME_NAME" and export SOME_NAME=<the secret>)'
                    )
            elif _SECRET_KEY.search(str(key)) and isinstance(item, (str, int, float)) and not isinstance(item, bool):
                found.add(str(item))
                problems.append(
                    f"{name} writes a secret in the file (hint: secrets come only from the environment: remove it, "
                    "and name the variable that holds it, e.g. secret_env or password_env)"
                )
            else:
                problems += literal_secrets(item, name, found)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += literal_secrets(item, f"{where}[{index}]", found)
    elif isinstance(value, str) and _URL.match(value):
        problems += _url_secrets(value, where, found)
    return problems


def _url_secrets(url: str, where: str, found: set[str]) -> list[str]:
    try:
        parts = urlsplit(url)
        user, password = parts.username, parts.password
    except ValueError:
        return []  # not a URL the schema accepts either
    problems = []
    # a database URL's user name is no secret (its password is: libpq reads PGPASSWORD)
    named = user is not None and not parts.scheme.lower().startswith("postgres")
    if named or password is not None:
        found.update(v for v in (parts.netloc.rpartition("@")[0], password) if v)
        problems.append(
            f"{where}: the URL holds credentials (user:password@) (hint: remove them; an endpoint reads its "
            "credentials from the environment variables it names: username_env, password_env, secret_env)"
        )
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if value and (_SECRET_KEY.search(name) or name.lower() in _SECRET_PARAMS):
            found.add(value)
            problems.append(
                f"{where}: the URL's query holds a secret ({name}=...) (hint: remove it from the URL; "
                "secrets come only from the environment)"
            )
    return problems


def redact_secrets(text: str, secrets: set[str]) -> str:
    """`text` with every secret, in any form (a problem quotes a value as its repr), written as ***; one of
    a few characters only where it stands quoted, as a value ("endpoints[1]" keeps its 1: see redact.py)."""
    from syndicate import redact  # (here: only a config with problems needs it)

    return redact.redactor(tuple(sorted(secrets))).hide_quoted(text)
