"""The vendored plotly.js: its licence is kept, and the pre-compressed copies the app serves are
the script itself (frontend/vendor/update_plotly.py writes them)."""

from __future__ import annotations

import gzip
import json

import pytest

from backend.web.assets import PLOTLY_DIR, PLOTLY_SCRIPT, PLOTLY_URL, PLOTLY_VERSION


def test_vendored_plotly_has_its_licence_and_version() -> None:
    package = json.loads((PLOTLY_DIR / "package.json").read_text())
    assert package["license"] == "MIT" and "MIT" in (PLOTLY_DIR / "LICENSE").read_text()
    assert package["version"] == PLOTLY_VERSION and PLOTLY_VERSION in PLOTLY_URL
    script = (PLOTLY_DIR / PLOTLY_SCRIPT).read_text()
    assert f"plotly.js (cartesian - minified) v{PLOTLY_VERSION}" in script[:500]
    # the traces the charts draw (backend/publication/charts.py)
    for trace in ("bar", "box", "scatter"):
        assert f'moduleType:"trace",name:"{trace}"' in script


def test_precompressed_copies_are_the_script() -> None:
    script = (PLOTLY_DIR / PLOTLY_SCRIPT).read_bytes()
    assert gzip.decompress((PLOTLY_DIR / f"{PLOTLY_SCRIPT}.gz").read_bytes()) == script
    brotli = pytest.importorskip("brotli")
    assert brotli.decompress((PLOTLY_DIR / f"{PLOTLY_SCRIPT}.br").read_bytes()) == script
