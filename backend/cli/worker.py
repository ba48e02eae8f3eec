"""The app factory uvicorn calls in each `serve` worker: the app, plus the promise that the
worker ends when the process that started it does.

uvicorn's supervisor (the `serve` process) holds the listening socket and passes it to its
workers. If the supervisor is killed outright (SIGKILL, the OOM killer), nothing tells the
workers: they keep the port and serve on with no one to stop them, and the next `serve`
cannot start. Each worker therefore asks Linux for SIGTERM when its parent dies
(PR_SET_PDEATHSIG), and elsewhere watches its parent's pid; SIGTERM is uvicorn's graceful
stop, which closes the socket first.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time

from litestar import Litestar

#: From <linux/prctl.h>.
PR_SET_PDEATHSIG = 1
#: How often the fallback watchdog looks at the parent's pid (seconds).
WATCH_INTERVAL = 0.5


def create_worker_app() -> Litestar:
    exit_with_parent()
    from backend.app import create_app

    return create_app()


def exit_with_parent() -> None:
    """SIGTERM to this process when its parent dies; nothing when not a worker (with one
    worker, uvicorn serves in the `serve` process itself, whose parent is a shell or a
    supervisor that must be free to go)."""
    parent = multiprocessing.parent_process()
    if parent is None or parent.pid is None:
        return
    if not _ask_kernel(signal.SIGTERM):
        threading.Thread(target=_watch, args=(parent.pid,), name="parent-watchdog", daemon=True).start()
    # The parent may have died before the request above: then no signal will ever come.
    if os.getppid() != parent.pid:
        os.kill(os.getpid(), signal.SIGTERM)


def _ask_kernel(sig: signal.Signals) -> bool:
    """prctl(PR_SET_PDEATHSIG): the kernel sends `sig` when the parent exits, however it dies."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def _watch(parent_pid: int) -> None:
    """Where there is no PR_SET_PDEATHSIG: an orphan is adopted by another process, so its
    parent's pid changes."""
    while os.getppid() == parent_pid:
        time.sleep(WATCH_INTERVAL)
    os.kill(os.getpid(), signal.SIGTERM)
