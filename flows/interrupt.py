"""Stop signals of a `newsetl` command (SIGINT, SIGTERM): they unwind the run, and are never lost.

The handler raises, as Python's own would (KeyboardInterrupt for SIGINT, SystemExit(128 + n) for
SIGTERM), and also records the signal, because a raised stop can be swallowed: Prefect's flow
engine drops a BaseException that lands after the flow function returned (it logs "BaseException
was raised after user code finished executing" and the flow ends as completed), and any library
may catch one mid-run. With the record,
- every commit of the store checks it just before its rename (`stop_if_signalled`, in
  flows/store.py): a stop seen there unwinds the run, the tables stay as they were;
- the command ends with 128 + the signal's number whenever one came (`honoured`), also when it
  would have ended well: a run's tables are then the whole run's, committed before the signal came.

After the command, the process's exit still cleans up: Prefect's exit handlers send its last logs
and events and stop its temporary API server, about a second. A stop signal then would end the
process at once and leave that server running with no parent; `deferred_to_exit` makes it wait for
the cleanup instead (the process then ends with 128 + its number), and a second one ends it at once.
"""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOPS = (signal.SIGINT, signal.SIGTERM)
_received: list[int] = []  # the signals received while `honoured` is in force, first first
_at_exit: list[int] = []  # the stop signal received outside it, once `deferred_to_exit` is called


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + signum)


def _stop(signum: int, frame) -> None:
    _received.append(signum)
    _raise(signum)


def signalled() -> int | None:
    """The first stop signal received while `honoured` is in force, if any."""
    return _received[0] if _received else None


def stop_if_signalled() -> None:
    """Raise the stop again if one was received (and swallowed on its way): called before a commit."""
    if _received:
        _raise(_received[0])


@contextmanager
def honoured() -> Iterator[None]:
    """The stop signals' handler for the body; a body that exits (or ends well) after one came
    exits with 128 + its number. Outside the main thread (where no handler can be set) the body
    runs as is."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    before = {s: signal.getsignal(s) for s in STOPS}
    _received.clear()
    for s in STOPS:
        signal.signal(s, _stop)
    finished = True  # the body ended well, or exited with 0
    try:
        yield
    except SystemExit as exc:
        if signalled() is None:
            raise
        finished = exc.code in (0, None)
    finally:
        for s, handler in before.items():
            signal.signal(s, handler)
        signum = signalled()
        _received.clear()
    if signum is not None:
        if finished:
            print(f"stopped by {signal.Signals(signum).name} after the command had done its work (a run's "
                  "tables are then the whole run's)", file=sys.stderr)
        raise SystemExit(128 + signum)


def _defer(signum: int, frame) -> None:
    _at_exit.append(signum)
    for s in STOPS:
        signal.signal(s, signal.SIG_DFL)  # a second stop ends the process at once


def _exit_as_stopped() -> None:
    if _at_exit:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(128 + _at_exit[0])  # the only way an exit handler sets the exit status


def deferred_to_exit() -> None:
    """From now on, a stop signal outside `honoured` waits for the exit handlers to run (Prefect's
    drain its logs and stop its temporary server), then ends the process with 128 + its number.
    Called first in a command's process: the handler that ends it is then the last to run."""
    atexit.register(_exit_as_stopped)  # exit handlers run last registered first
    for s in STOPS:
        signal.signal(s, _defer)
