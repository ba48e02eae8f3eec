"""The demo points the newcomer at the example force list (docs/newcomer.md), and the example
files are what the import reads (the browser test imports them: tests/browser/test_newcomer.py)."""

from __future__ import annotations

from backend.cli.server import EXAMPLES, _newcomer_lines
from backend.settings import Settings


def test_the_demo_names_the_example_files() -> None:
    settings = Settings()
    settings.base_url = "http://127.0.0.1:8000"
    text = "\n".join(_newcomer_lines(settings))
    for name in ("newcomer-forces.csv", "newcomer-people.csv"):
        assert (EXAMPLES / name).is_file()
        assert str(EXAMPLES / name) in text
    assert "http://127.0.0.1:8000/staff/forces/import" in text
    assert "docs/newcomer.md" in text
