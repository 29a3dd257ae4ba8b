"""The wheel carries the schemas: an installed syndicate validates from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import DEMO, REPO


def test_wheel_ships_schemas_and_validates_outside_the_checkout(tmp_path: Path) -> None:
    from hatchling.builders.wheel import WheelBuilder

    wheel = Path(next(iter(WheelBuilder(str(REPO)).build(directory=str(tmp_path / "dist"), versions=["standard"]))))
    names = zipfile.ZipFile(wheel).namelist()
    assert "syndicate/_schemas/article.schema.json" in names
    assert "syndicate/_schemas/config.schema.json" in names
    assert "syndicate/_schemas/licenses/CC-BY-4.0.json" in names
    assert "syndicate/feeds/feed.xsl" in names
    installed = tmp_path / "site-packages"
    zipfile.ZipFile(wheel).extractall(installed)
    probe = (
        "import syndicate, syndicate.schemas as s, sys; from syndicate.cli.main import main; "
        "print(syndicate.__file__, s.schema_dir(), file=sys.stderr); main()"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--config", str(DEMO / "syndicate.toml"), "validate"],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    first_line = done.stderr.splitlines()[0]
    assert first_line.startswith(str(installed / "syndicate" / "__init__.py"))
    assert first_line.endswith(str(installed / "syndicate" / "_schemas"))
    assert "4 articles checked" in done.stderr
