"""Golden articles: valid ones pass with no finding; invalid ones give exactly the findings beside them.

Each tests/golden/invalid/NAME.md has NAME.expected: the text output of
`syndicate validate NAME.md`, one finding a line. After a deliberate change of
messages, regenerate with: SYNDICATE_UPDATE_GOLDEN=1 pytest tests/test_golden.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import GOLDEN

VALID = sorted((GOLDEN / "valid").glob("*.md"))
INVALID = sorted((GOLDEN / "invalid").glob("*.md"))


@pytest.mark.parametrize("article", VALID, ids=lambda p: p.name)
def test_valid_article_has_no_findings(article: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(article.parent)
    result = run_cli("validate", article.name)
    assert result.out == ""
    assert result.status == 0


@pytest.mark.parametrize("article", INVALID, ids=lambda p: p.name)
def test_invalid_article_gives_expected_findings(article: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(article.parent)
    result = run_cli("-q", "validate", article.name)
    expected_file = article.with_suffix(".expected")
    if os.environ.get("SYNDICATE_UPDATE_GOLDEN"):
        expected_file.write_text(result.out, encoding="utf-8")
    assert result.out == expected_file.read_text(encoding="utf-8")
    has_error = any(" warning: " not in line for line in result.out.splitlines())
    assert result.status == (1 if has_error else 0)


@pytest.mark.parametrize("article", INVALID, ids=lambda p: p.name)
def test_json_output_matches_text_output(article: Path, run_cli: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(article.parent)
    text = run_cli("-q", "validate", article.name).out.splitlines()
    findings = json.loads(run_cli("-q", "validate", "--format", "json", article.name).out)
    assert len(findings) == len(text)
    for finding, line in zip(findings, text, strict=True):
        assert set(finding) == {"path", "line", "pointer", "code", "severity", "message", "hint"}
        assert line.startswith(f"{finding['path']}:{finding['line']}: {finding['code']} ")
        assert finding["message"] in line
        assert (finding["severity"] == "warning") == (" warning: " in line)
