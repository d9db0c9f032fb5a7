"""Listing the raw folder: every regular file a run may read, and every entry it will not read,
with the reason (counted in `runs`, never dropped silently)."""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from tasks.faults import safe_text
from tasks.plan import RawFile

HIDDEN = "hidden (name starts with '.')"
CURATED = "the curated folder inside the raw folder"
NOT_REGULAR = "not a regular file (FIFO, socket or device)"
DANGLING = "link to nothing"
LOOP = "link loop"
OUTSIDE = "link leaving the raw folder (not followed; NEWSETL_FOLLOW_OUTSIDE_LINKS=true follows it)"
FOLDER_LINK = "link to a folder (not followed)"
UNREADABLE = "cannot be listed"


@dataclass
class Scan:
    files: list[RawFile] = field(default_factory=list)
    skipped: dict[str, list[str]] = field(default_factory=dict)  # reason -> paths (relative, escaped)
    bad_names: list[RawFile] = field(default_factory=list)  # files whose names are not UTF-8 (`rel` escaped)

    def skip(self, reason: str, rel: str) -> None:
        self.skipped.setdefault(reason, []).append(safe_text(rel))


class RootsOverlap(ValueError):
    """The raw and curated folders are one, or the raw folder is inside the curated one."""


def check_roots(raw: Path, curated: Path) -> None:
    """Refuse folders a run cannot use, before anything is created."""
    if not raw.exists():
        raise FileNotFoundError(f"raw folder {raw} does not exist")
    if not raw.is_dir():
        raise NotADirectoryError(f"raw folder {raw} is a file, not a folder")
    if curated.exists() and not curated.is_dir():
        raise NotADirectoryError(f"curated folder {curated} is a file, not a folder")
    r, c = raw.resolve(), curated.resolve()
    if r == c:
        raise RootsOverlap(f"the raw and curated folders are the same ({r}): give the tables a folder of their own")
    if c in r.parents:
        raise RootsOverlap(f"the raw folder {r} is inside the curated folder {c}: keep raw files outside it")


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def scan_raw(raw: Path, curated: Path | None = None, *, follow_outside_links: bool = False) -> Scan:
    """Every regular file under the raw root (a link to one inside the root counts), sorted; the
    curated folder, when inside the raw one, is skipped."""
    out = Scan()
    root = raw.resolve()
    curated_real = curated.resolve() if curated is not None else None
    for dirpath, dirnames, filenames in os.walk(raw, onerror=lambda e: out.skip(UNREADABLE, str(e.filename))):
        here = Path(dirpath)
        keep = []
        for d in sorted(dirnames):
            rel = (here / d).relative_to(raw).as_posix()
            if d.startswith("."):
                out.skip(HIDDEN, rel + "/")
            elif curated_real is not None and (here / d).resolve() == curated_real:
                out.skip(CURATED, rel + "/")
            elif (here / d).is_symlink():
                out.skip(FOLDER_LINK, rel + "/")
            else:
                keep.append(d)
        dirnames[:] = keep
        for name in sorted(filenames):
            path = here / name
            rel = path.relative_to(raw).as_posix()
            if name.startswith("."):
                out.skip(HIDDEN, rel)
                continue
            reason, st = _regular(path, root, follow_outside_links)
            if reason:
                out.skip(reason, rel)
            elif not _utf8(rel):
                out.bad_names.append(RawFile(safe_text(rel), st.st_size, st.st_mtime_ns))
            else:
                out.files.append(RawFile(rel, st.st_size, st.st_mtime_ns))
    out.files.sort(key=lambda f: f.rel)
    return out


def _regular(path: Path, root: Path, follow_outside_links: bool) -> tuple[str | None, os.stat_result | None]:
    """(why not, None), or (None, the stat of the regular file it is or links to)."""
    try:
        if path.is_symlink():
            try:
                target = path.resolve(strict=True)
            except FileNotFoundError:
                return DANGLING, None
            except (RuntimeError, OSError):
                return LOOP, None
            if not follow_outside_links and root not in target.parents:
                return OUTSIDE, None
        st = path.stat()
    except OSError:
        return UNREADABLE, None
    if not stat.S_ISREG(st.st_mode):
        return NOT_REGULAR, None
    return None, st
