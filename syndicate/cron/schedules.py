"""What `syndicate cron` prints: a crontab line, and a systemd service and timer, for one config.

Text only (the cli package prints it). Paths are quoted for each reader: /bin/sh for the
crontab line, where "%" is also special to cron; systemd's own rules for ExecStart, where "%"
and "$" are. Secrets are never written here: the endpoints' variables are named, to be set
where cron or systemd can read them.
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from collections.abc import Sequence
from pathlib import Path
from shutil import which

from syndicate.config import Config
from syndicate.errors import ExitStatus


def syndicate_program() -> list[str]:
    """How this syndicate is started again: its console script, else this Python with -m."""
    script = Path(sys.argv[0])
    if script.name == "syndicate" and script.is_file():
        return [str(script.resolve())]
    found = which("syndicate")
    return [found] if found else [sys.executable, "-m", "syndicate"]


def secret_variables(config: Config) -> list[str]:
    """The environment variables the endpoints read their secrets from (`*_env` settings)."""
    names = [str(value) for e in config.endpoints for key, value in e.settings.items() if key.endswith("_env")]
    return list(dict.fromkeys(names))


def unit_name(config: Config) -> str:
    """syndicate-FOLDER: one pair of units per site, so that a second site does not replace the first."""
    folder = re.sub(r"[^A-Za-z0-9_.-]+", "-", config.root.name).strip("-.") or "site"
    return f"syndicate-{folder}"


def cron_text(program: Sequence[str], config: Config, every: int) -> str:
    argv = [*program, "--config", str(config.path), "run"]
    # 75: another run held the lock and this one did nothing: exit 0, so that cron mails no error
    command = " ".join(shlex.quote(arg) for arg in argv) + f"; s=$?; [ $s -eq {ExitStatus.LOCKED} ] && exit 0; exit $s"
    crontab = command.replace("%", "\\%")
    exec_start = " ".join(_systemd_quoted(arg) for arg in argv)
    name, secrets = unit_name(config), secret_variables(config)
    env_lines = ""
    if secrets:
        listed = ", ".join(secrets)
        env_lines = (
            f"# the endpoints read {listed} from the environment: cron gives a bare one, so set\n"
            f"# them at the top of the crontab (NAME=value lines) or in a file only this user reads\n"
        )
    environment = f"EnvironmentFile=/etc/syndicate/{name}.env\n" if secrets else ""
    secrets_note = f"  ({', '.join(secrets)}=...; mode 0600)" if secrets else ""
    user = _user_line()
    return f"""# crontab (crontab -e, as the user that owns the site): every {every} minutes;
# cron mails what a run prints (only problems); exit 75 (another run held the lock) is not one
{env_lines}*/{every} * * * *  {crontab}

# systemd: /etc/systemd/system/{name}.service{secrets_note}
[Unit]
Description=syndicate run for {_systemd_text(config.site.title)}

[Service]
Type=oneshot
{user}WorkingDirectory={_systemd_text(str(config.root))}
{environment}ExecStart={exec_start}
# 75: another run held the lock and this one did nothing; not a failure
SuccessExitStatus=75

# systemd: /etc/systemd/system/{name}.timer  (then: systemctl enable --now {name}.timer)
[Unit]
Description=syndicate run every {every} minutes ({_systemd_text(config.site.title)})

[Timer]
OnCalendar=*:0/{every}
Persistent=true

[Install]
WantedBy=timers.target"""


def _user_line() -> str:
    """User= the one running this command; as root, a placeholder (root would own the ledger and feeds)."""
    if hasattr(os, "geteuid") and os.geteuid() != 0:
        import getpass

        return f"User={getpass.getuser()}\n"
    return "# User=the user that owns the site (as root, the ledger, lock and feeds would be root's)\n"


def _systemd_quoted(arg: str) -> str:
    """One ExecStart word: quoted when it holds a space or a quote; "%" and "$" doubled."""
    text = arg.replace("%", "%%").replace("$", "$$")
    if re.search(r"[\s\"'\\;]", text):
        text = '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


def _systemd_text(text: str) -> str:
    """A value in a unit file: one line, "%" doubled (a specifier otherwise)."""
    return " ".join(text.split()).replace("%", "%%")
