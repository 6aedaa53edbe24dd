"""Process helpers shared by the store (stale scan detection) and the lab."""

from __future__ import annotations

import os
from collections.abc import Callable


def pid_alive(pid: int) -> bool:
    """Whether a process with this pid exists (it may belong to another user)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


PR_SET_PDEATHSIG = 1


def die_with_parent() -> Callable[[], None]:
    """A ``preexec_fn`` for helper programs (nmap): the child gets SIGKILL when
    the scanner dies, even by ``kill -9`` (prctl PR_SET_PDEATHSIG; Linux). The
    libc function is looked up here, before the fork, so the child only
    calls it. The signal is cleared if the child execs a set-uid or
    file-capability binary; the scanner also kills its children itself on
    every orderly stop."""
    import ctypes
    import signal

    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):  # not Linux: orderly stops still kill the children
        return lambda: None
    parent = os.getpid()

    def preexec() -> None:
        prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
        if os.getppid() != parent:  # the scanner died between fork and prctl
            os._exit(1)

    return preexec
