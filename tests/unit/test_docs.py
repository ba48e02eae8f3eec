"""The documentation stays true to the code."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

from backend import settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


def environment_variables() -> list[str]:
    names = []
    for node in ast.walk(ast.parse(inspect.getsource(settings.Settings))):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "").startswith("_env"):
            names.append(node.args[0].value)  # type: ignore[attr-defined]
    return names


def test_every_setting_is_documented() -> None:
    text = (DOCS / "configuration.md").read_text()
    names = environment_variables()
    assert len(names) >= 15
    for name in names:
        assert f"`{name}`" in text, f"{name} is not in docs/configuration.md"


def test_readme_links_exist() -> None:
    readme = (DOCS.parent / "README.md").read_text()
    for target in (
        "docs/architecture.md",
        "docs/configuration.md",
        "docs/deployment.md",
        "docs/operations.md",
        "docs/performance.md",
        "docs/disclosure-control.md",
        "docs/security.md",
        "docs/questionnaire-format.md",
        "docs/images/partner-dashboard.png",
    ):
        assert target in readme
        assert (DOCS.parent / target).exists(), target
