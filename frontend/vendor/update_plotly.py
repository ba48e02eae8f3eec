"""Vendor a partial plotly.js bundle from the npm registry, pre-compressed.

    .venv/bin/python frontend/vendor/update_plotly.py [VERSION]

Takes `plotly.js-cartesian-dist-min` (the published "cartesian" bundle: bar, box and scatter,
which the charts use, among others; the smaller "basic" bundle has no box plots) with `npm pack`,
keeps its script, licence and package.json in frontend/vendor/plotly.js-cartesian-dist-min/,
and writes the script gzipped (level 9) and, when the `brotli` module is installed, brotli-
compressed (quality 11) beside it: the app serves those bytes as they are (backend/web/assets.py),
never compressing plotly.js per request. Use the plotly.js version that the charts were checked
with (tests/unit/test_charts.py validates figures with the plotly Python package).
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

PACKAGE = "plotly.js-cartesian-dist-min"
SCRIPT = "plotly-cartesian.min.js"
KEEP = (SCRIPT, "LICENSE", "package.json", "README.md")
TARGET = Path(__file__).resolve().parent / PACKAGE


def main() -> None:
    spec = f"{PACKAGE}@{sys.argv[1]}" if len(sys.argv) > 1 else PACKAGE
    with tempfile.TemporaryDirectory() as tmp:
        command = ["npm", "pack", spec, "--pack-destination", tmp]  # npm from PATH, as a developer runs it
        subprocess.run(command, check=True, capture_output=True)  # noqa: S603
        (tarball,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tarball) as tar:
            tar.extractall(tmp, filter="data")
        if TARGET.exists():
            shutil.rmtree(TARGET)
        TARGET.mkdir(parents=True)
        for name in KEEP:
            shutil.copy(Path(tmp) / "package" / name, TARGET / name)
    data = (TARGET / SCRIPT).read_bytes()
    (TARGET / f"{SCRIPT}.gz").write_bytes(gzip.compress(data, compresslevel=9, mtime=0))
    try:
        import brotli
    except ImportError:
        print("no brotli module: only the gzip copy was written")
    else:
        (TARGET / f"{SCRIPT}.br").write_bytes(brotli.compress(data, quality=11))
    version = json.loads((TARGET / "package.json").read_text())["version"]
    sizes = ", ".join(f"{p.name} {p.stat().st_size:,} B" for p in sorted(TARGET.glob(f"{SCRIPT}*")))
    print(f"{PACKAGE} {version}: {sizes}")


if __name__ == "__main__":
    main()
