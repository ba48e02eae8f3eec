"""Practice Exchange: survey and peer-exchange platform for law-enforcement leaders."""

import os

# Piccolo finds its engine through this module path (the `piccolo` CLI and the tables alike).
os.environ.setdefault("PICCOLO_CONF", "backend.piccolo_conf")

__version__ = "0.1.0"
