"""Failures of one item (a file, a record, an article): what failed, where, and a stable digest.

Every per-article step runs under `isolated`: an exception there becomes that item's `Failure`
(its quarantine row), never the batch's. `Fault` is the hook the flows pass in to raise on
purpose inside a step (fault-isolation tests); the default does nothing.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable
from dataclasses import dataclass

# (step, source uri): raises to simulate a failure of that step for that item
Fault = Callable[[str, str], None]


def no_fault(step: str, uri: str) -> None:
    """The production hook: nothing is injected."""


@dataclass(frozen=True)
class Failure:
    step: str  # intake | strip | parse | mentions | claims | stage
    error: str  # "TypeError: message"
    digest: str  # short digest of the exception type and the functions it passed through

    @property
    def reason(self) -> str:
        return f"{self.step} failed: {self.error} [trace {self.digest}]"


def failure(step: str, exc: BaseException) -> Failure:
    """A failure from an exception. The digest names the bug, not the input: the exception type
    and the (file, function) frames of its traceback, without line numbers or the message, so
    the same bug on many articles, or in two runs, has one digest."""
    frames = traceback.extract_tb(exc.__traceback__)
    key = "|".join([type(exc).__name__, *(f"{f.filename.rsplit('/', 1)[-1]}:{f.name}" for f in frames)])
    message = " ".join(str(exc).split())[:300]
    return Failure(step, f"{type(exc).__name__}: {message}" if message else type(exc).__name__,
                   hashlib.sha256(key.encode()).hexdigest()[:10])


def safe_text(text: str) -> str:
    """A string any UTF-8 writer accepts: undecodable bytes of a file name (surrogate escapes) and
    lone surrogates become visible escapes (\\xff, \\ud800)."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        try:
            return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
        except UnicodeEncodeError:
            return text.encode("utf-8", "backslashreplace").decode("utf-8")
