"""The curated root on disk: plain Parquet folders that change all at once, or not at all.

Layout (only the table folders are meant for readers):

    curated/articles -> .current/articles        one relative symlink per table, made once
    curated/.current -> .gens/g000007-<run>      swapped atomically at the end of each run
    curated/.gens/g000007-<run>/<table>/part-*.parquet
    curated/.gens/g000007-<run>/_manifest/part-*.parquet   raw files seen (the intake state)
    curated/.gens/g000007-<run>/_keys/<table>/<part>.<column>.npy   key files (flows/keyfiles.py)
    curated/.lock                                 held (flock) by the run that writes

A run builds the next generation in a hidden folder (unchanged part files are hard links,
never copies or rewrites), fsyncs it, then replaces the `.current` symlink with one rename.
A crash at any moment leaves `.current` pointing at the previous, complete generation; the
next run removes the debris. Readers opening `curated/<table>/` see exactly one generation.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import signal
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from flows.interrupt import stop_if_signalled
from flows.keyfiles import KEYS, candidates, key_links, write_keys
from schemas.tables import MANIFEST, MANIFEST_LOOKUPS, TABLES, field_meta

CURRENT = ".current"
GENS = ".gens"
STAGING = ".staging"
LOCK = ".lock"
MANIFEST_DIR = "_manifest"
MANIFEST_FILE = "_manifest.parquet"  # the one file of the manifest in generations before its parts
MANIFEST_MERGE = 2  # a run's new manifest part absorbs each older part of at most twice its rows
META = "_generation.json"

def failpoint(name: str) -> None:
    """Crash tests: NEWSETL_FAILPOINT=<name> kills the process here, as kill -9 would."""
    if os.environ.get("NEWSETL_FAILPOINT") == name:
        os.kill(os.getpid(), signal.SIGKILL)


class StoreBusy(RuntimeError):
    """Another run holds the curated root."""


class StoreLayoutError(RuntimeError):
    """The curated root holds something that is not ours where a table folder belongs."""


ROW_GROUP = 50_000  # rows per Parquet row group: the unit part files are written and read back in


def write_parquet(table: pa.Table, path: Path, dictionary: bool | list[str] = True, plain: tuple[str, ...] = (),
                  row_group: int | None = None) -> None:
    """Write one Parquet file and fsync it (its folder is made visible later, atomically).
    `dictionary`: the columns to dictionary-encode (default all that pay: Arrow falls back);
    `plain`: columns written without dictionary or compression; `row_group`: rows per row group."""
    path.parent.mkdir(parents=True, exist_ok=True)
    compression: str | dict[str, str] = "zstd"
    if plain:
        compression = {name: "none" if name in plain else "zstd" for name in table.column_names}
        dictionary = [name for name in table.column_names if name not in plain
                      and (dictionary is True or (dictionary and name in dictionary))]
    pq.write_table(table, path, compression=compression, row_group_size=row_group or ROW_GROUP,
                   use_dictionary=dictionary)
    fsync(path)


def fsync(path: Path) -> None:
    """Flush a file's or a folder's data and metadata to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextmanager
def locked(root: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the curated root's lock; a dead holder's lock is released by the kernel."""
    root.mkdir(parents=True, exist_ok=True)
    fd = _lock(root, time.monotonic() + wait)
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()} since {time.strftime('%Y-%m-%dT%H:%M:%S')}".encode(), 0)
        yield
    finally:
        os.close(fd)


def _lock(root: Path, deadline: float) -> int:
    """A descriptor holding the lock on the root's lock file. A store copied with hard links
    (`cp -al`) shares that file's inode with the original, and the kernel locks inodes: the
    first run on either, holding the shared lock, gives its store a lock file of its own, so
    runs on the two stores no longer exclude each other. A run that waited while the file was
    replaced locks the new one."""
    path = root / LOCK
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            _flock(fd, root, deadline)
            held = os.fstat(fd)
            current = _same_file(held, path)
            if current and held.st_nlink == 1:
                return fd
            if current:
                fresh = path.with_name(f"{LOCK}.{os.getpid()}")
                fresh.write_bytes(b"")
                os.replace(fresh, path)
        except BaseException:
            os.close(fd)
            raise
        os.close(fd)


def _flock(fd: int, root: Path, deadline: float) -> None:
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "unknown"
                raise StoreBusy(f"another newsetl run holds {root} ({holder}); try again when it ends") from None
            time.sleep(0.5)


def _same_file(held: os.stat_result, path: Path) -> bool:
    try:
        return os.path.samestat(held, os.stat(path))
    except FileNotFoundError:
        return False


@dataclass
class Generation:
    """A complete, immutable set of tables (a folder under `.gens`)."""

    path: Path | None
    number: int
    tombstones: dict[str, frozenset[str]] = field(default_factory=dict)  # table -> empty stand-ins (see commit)
    columns: dict[str, list[str]] = field(default_factory=dict)  # table -> the columns every part of it has

    def parts(self, table: str) -> list[Path]:
        """The part files of `table` that hold its rows (tombstones aside)."""
        if self.path is None:
            return []
        folder = self.path / table
        gone = self.tombstones.get(table, frozenset())
        return sorted(p for p in folder.glob("*.parquet") if p.name not in gone) if folder.is_dir() else []

    def read(self, table: str, columns: list[str] | None = None) -> pa.Table:
        parts = self.parts(table)
        schema = TABLES[table].schema if table in TABLES else None
        if not parts:
            empty = schema.empty_table() if schema is not None else pa.table({})
            return empty.select(columns) if columns else empty
        tables = [_read_part(p, schema, columns) for p in parts]
        return pa.concat_tables(tables)

    def read_part(self, table: str, part: Path, columns: list[str]) -> pa.Table:
        """One part file's `columns` in the declared schema (an older part's filled as `read` does)."""
        return _read_part(part, TABLES[table].schema, columns)

    def manifest_parts(self) -> list[Path]:
        """The manifest's part files (a generation of an older layout: its one file)."""
        if self.path is None:
            return []
        folder = self.path / MANIFEST_DIR
        if folder.is_dir():
            return sorted(folder.glob("*.parquet"))
        return [self.path / MANIFEST_FILE] if (self.path / MANIFEST_FILE).exists() else []

    def manifest(self) -> pa.Table:
        """Every raw file seen, a row each (in no particular order)."""
        parts = self.manifest_parts()
        if not parts:
            return MANIFEST.empty_table()
        return pa.concat_tables([pq.read_table(p).cast(MANIFEST) for p in parts])


def conform(rows: pa.Table, schema: pa.Schema) -> pa.Table:
    """Rows of an older generation in `schema`: columns added since are filled as their
    declaration says (`legacy`: a copy of another column, its hexadecimal digits read as a number,
    or a constant) or null; in order."""
    for f in schema:
        if f.name not in rows.column_names:
            legacy = field_meta(f).get("legacy", "")
            kind, _, what = legacy.partition(":")
            if kind == "column" and what in rows.column_names:
                values = rows[what].cast(f.type)
            elif kind == "hex" and what in rows.column_names:
                digits = pl.from_arrow(rows.select([what]))[what]
                values = digits.str.to_integer(base=16, dtype=pl.UInt64).to_arrow().cast(f.type)
            elif kind == "value":
                values = pa.array([what] * rows.num_rows, pa.string()).cast(f.type)
            else:
                values = pa.nulls(rows.num_rows, f.type)
            rows = rows.append_column(f.with_nullable(True), values)
    return rows.select(schema.names)


def read_parts(parts: Path | list[Path], **options) -> pl.DataFrame:
    """Part files read with polars by name, never as a glob pattern: a store's folder may be
    named `news [2026] *?` (polars expands `[`, `*` and `?` in a path by default)."""
    return pl.read_parquet(parts, glob=False, **options)


def scan_parts(parts: list[Path], **options) -> pl.LazyFrame:
    """A lazy scan of part files, read by name (see `read_parts`)."""
    return pl.scan_parquet(parts, glob=False, **options)


def holders(parts: list[Path], key: str, ids: set[str]) -> pl.DataFrame:
    """The `key` of every row of the `parts` whose `key` is one of `ids`, with its part's path as
    a string (`_part`): one polars scan of the key column of the parts their key files name
    (flows/keyfiles.py; parts of older layouts included)."""
    parts = candidates(parts, key, ids)  # none when there are no ids
    if not parts:
        return pl.DataFrame(schema={key: pl.String, "_part": pl.String})
    wanted = pl.Series(key, sorted(ids), pl.String).implode()
    return scan_parts(parts, schema={key: pl.String}, extra_columns="ignore", include_file_paths="_part") \
        .select(key, "_part").filter(pl.col(key).is_in(wanted)).collect()


def holding_parts(parts: list[Path], key: str, ids: set[str]) -> set[str]:
    """The paths (as strings) of the `parts` holding a row whose `key` is one of `ids`."""
    return set(holders(parts, key, ids)["_part"].to_list())


def _read_part(part: Path, schema: pa.Schema | None, columns: list[str] | None) -> pa.Table:
    """A part file's `columns` (all when None) in the declared schema; only the columns asked for,
    and those an older part's missing columns are filled from, are read."""
    if schema is None:
        return pq.read_table(part, columns=columns)
    if not columns:
        return conform(pq.read_table(part), schema)
    present = pq.read_schema(part).names
    need = set(columns)
    for name in columns:
        kind, _, what = field_meta(schema.field(name)).get("legacy", "").partition(":")
        if name not in present and kind in ("column", "hex"):
            need.add(what)
    wanted = pa.schema([schema.field(name) for name in columns])
    return conform(pq.read_table(part, columns=[n for n in present if n in need]), wanted)


class _PartStream:
    """Rows of one table written to a builder's new part files, a row group at a time."""

    def __init__(self, builder: Builder, table: str, rows_per_part: int):
        self.builder, self.table, self.rows_per_part = builder, table, rows_per_part
        self.schema = TABLES[table].schema
        self.pending: list[pa.Table] = []
        self.writer: pq.ParquetWriter | None = None
        self.path: Path | None = None
        self.n_written = 0

    def write(self, rows: pa.Table) -> None:
        if rows.num_rows == 0:
            return
        self.pending.append(rows.select(TABLES[self.table].columns).cast(self.schema))
        while sum(t.num_rows for t in self.pending) >= ROW_GROUP:
            rows = pa.concat_tables(self.pending)
            self._group(rows.slice(0, ROW_GROUP))
            rest = rows.slice(ROW_GROUP)
            self.pending = [rest] if rest.num_rows else []

    def finish(self) -> None:
        if self.pending:
            self._group(pa.concat_tables(self.pending))
            self.pending = []
        self._close()

    def abandon(self) -> None:
        """After an error: the unfinished file stays out of the generation."""
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def _group(self, rows: pa.Table) -> None:
        while rows.num_rows:
            if self.writer is None:
                self.path = self.builder.new_part(self.table)
                self.writer = pq.ParquetWriter(self.path, self.schema, compression="zstd")
            room = min(self.rows_per_part - self.n_written, rows.num_rows)
            self.writer.write_table(rows.slice(0, room), row_group_size=ROW_GROUP)
            self.n_written += room
            rows = rows.slice(room)
            if self.n_written >= self.rows_per_part:
                self._close()

    def _close(self) -> None:
        if self.writer is None:
            return
        self.writer.close()
        self.writer = None
        fsync(self.path)
        self.builder.added(self.table, self.path)
        self.n_written = 0


@dataclass
class Builder:
    """The next generation under construction, in a hidden folder."""

    store: CuratedStore
    base: Generation
    run_id: str
    path: Path
    tables: dict[str, list[str]] = field(default_factory=dict)

    def keep(self, table: str, part: Path) -> None:
        """Carry an unchanged part file over (hard link: no copy, no rewrite); a part of an older
        layout of the table (columns added since) is rewritten in the declared one, so every
        part of a table has the same columns for any reader."""
        if part.name.endswith("-empty.parquet"):
            return  # placeholders are written afresh when the table is still empty at commit
        if table in TABLES and not self._declared(table, part) and pq.read_schema(part).names != TABLES[table].columns:
            self.add(table, conform(pq.read_table(part), TABLES[table].schema))
            return
        self._link(part, self.path / table / part.name, TABLES[table].lookups if table in TABLES else ())
        self.tables.setdefault(table, []).append(part.name)

    def _declared(self, table: str, part: Path) -> bool:
        """Whether `part` is of the base generation, whose every part of `table` has the declared
        columns (its metadata says so): then its own schema need not be read (a million articles:
        250 parts of mentions and claims, 0.1 s of footers a run)."""
        return part.parent.parent == self.base.path and self.base.columns.get(table) == TABLES[table].columns

    @staticmethod
    def _link(part: Path, dest: Path, lookups: tuple[str, ...] = ()) -> None:
        """Hard-link a part file (a copy where links fail) and its key files of `lookups`."""
        for src, target in [(part, dest), *key_links(part, dest, lookups)]:
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, target)
            except OSError:
                shutil.copy2(src, target)

    def add(self, table: str, rows: pa.Table, name: str | None = None) -> None:
        """Write rows as a new part file of `table`, cast to its declared schema."""
        if rows.num_rows == 0:
            return
        spec = TABLES[table]
        rows = rows.select(spec.columns).cast(spec.schema)
        path = self.path / table / name if name else self.new_part(table)
        write_parquet(rows, path, plain=spec.plain, row_group=spec.row_group)
        self.added(table, path, rows)

    def new_part(self, table: str) -> Path:
        """A fresh part file path of `table` in this generation (its folder made)."""
        path = self.path / table / f"part-{self.run_id}-{uuid.uuid4().hex[:8]}.parquet"
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def added(self, table: str, path: Path, rows: pa.Table | None = None) -> None:
        """Record a part file written into this generation (with its key files, from its `rows`
        when the caller has them)."""
        write_keys(path, TABLES[table].lookups, rows)
        self.tables.setdefault(table, []).append(path.name)
        failpoint(f"store.wrote-{table}")

    @contextmanager
    def stream(self, table: str, rows_per_part: int) -> Iterator[Callable[[pa.Table], None]]:
        """A `write(rows)` that streams rows into new part files of `table` of at most
        `rows_per_part` rows, one row group at a time: memory holds a row group, not a part."""
        stream = _PartStream(self, table, rows_per_part)
        try:
            yield stream.write
            stream.finish()
        finally:
            stream.abandon()

    def set_manifest(self, manifest: pa.Table) -> None:
        """The whole manifest, written as one part (a compaction, a store's first run)."""
        self._manifest_part(manifest)

    def keep_manifest(self) -> None:
        """The base's manifest as it is (its parts hard-linked)."""
        self.update_manifest(MANIFEST.empty_table(), set())

    def update_manifest(self, rows: pa.Table, replaced: set[str]) -> None:
        """The base's manifest without the rows of the `replaced` names, with `rows` added. Parts
        without a replaced name are kept (hard links), those with one are rewritten without it;
        the new rows go to a new part, which absorbs every older part of at most MANIFEST_MERGE
        times its rows (smallest first), so a store keeps O(log N) parts and a run adding K files
        writes K rows plus, amortised, K·log(N/K): not the whole manifest, as one file made every
        run do (a million files: ~0.5 s of writing, growing with the archive)."""
        parts = self.base.manifest_parts()
        holding = holding_parts(parts, "source_uri", replaced)
        pool: list[tuple[int, Path | pa.Table]] = []
        for part in parts:
            if str(part) in holding:
                kept = pq.read_table(part).cast(MANIFEST)
                kept = kept.filter(pc.invert(pc.is_in(kept["source_uri"], pa.array(sorted(replaced), pa.string()))))
                if kept.num_rows:
                    pool.append((kept.num_rows, kept))
            else:
                pool.append((pq.ParquetFile(part).metadata.num_rows, part))
        pool.sort(key=lambda p: p[0])
        new = [rows.cast(MANIFEST)] if rows.num_rows else []
        n_new = rows.num_rows
        while new and pool and pool[0][0] <= MANIFEST_MERGE * n_new:
            n, what = pool.pop(0)
            new.append(what if isinstance(what, pa.Table) else pq.read_table(what).cast(MANIFEST))
            n_new += n
        if new:
            # sorted by polars (~5x faster than Arrow's sort on a million names)
            merged = pl.from_arrow(pa.concat_tables(new)).sort("source_uri", maintain_order=True)
            self._manifest_part(merged.to_arrow())
        for _rows, what in pool:
            if isinstance(what, pa.Table):
                self._manifest_part(what)
            else:
                dest = self.path / MANIFEST_DIR / (what.name if what.name != MANIFEST_FILE
                                                   else f"part-{self.base.number:06d}-whole.parquet")
                self._link(what, dest, MANIFEST_LOOKUPS)

    def _manifest_part(self, rows: pa.Table) -> None:
        # a row per raw file ever read: names, sizes and hashes are all distinct, so only the few
        # status, run and version values are dictionary-encoded (a million rows: half the time, a sixth the size)
        path = self.path / MANIFEST_DIR / f"part-{self.run_id}-{uuid.uuid4().hex[:8]}.parquet"
        write_parquet(rows.cast(MANIFEST), path, dictionary=["status", "pipeline_version", "run_id"])
        write_keys(path, MANIFEST_LOOKUPS, rows)

    def commit(self) -> Generation:
        """Make this generation the current one, atomically."""
        for name, table in TABLES.items():
            if not self.tables.get(name):
                # an empty table is still a table: one zero-row file carries its schema for any reader
                write_parquet(table.schema.empty_table(), self.path / name / f"part-{self.run_id}-empty.parquet")
                self.tables[name] = [f"part-{self.run_id}-empty.parquet"]
        # a reader that listed a table's files before this commit and opens them after it goes through
        # `.current`, now this generation: every part name of the last generation stays here, as itself
        # or as an empty stand-in (a tombstone, dropped by the next generation), so no listed path breaks
        tombstones: dict[str, list[str]] = {}
        for name, table in TABLES.items():
            for part in self.base.parts(name):
                if part.name not in self.tables[name]:
                    write_parquet(table.schema.empty_table(), self.path / name / part.name)
                    tombstones.setdefault(name, []).append(part.name)
        # every part of a table has its declared columns: `add` casts to them, `keep` conforms an older part
        columns = {name: table.columns for name, table in TABLES.items()}
        meta = {"number": self.base.number + 1, "run_id": self.run_id, "tables": self.tables,
                "tombstones": tombstones, "columns": columns,
                "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        (self.path / META).write_text(json.dumps(meta, indent=1), encoding="utf-8")
        keys = self.path / KEYS
        for folder in [self.path, *(p for p in self.path.iterdir() if p.is_dir()),
                       *([p for p in keys.iterdir() if p.is_dir()] if keys.is_dir() else [])]:
            fsync(folder)
        final = self.path.with_name(self.path.name.removesuffix(".tmp"))
        failpoint("store.before-rename")
        stop_if_signalled()  # a stop signal swallowed on its way (flows/interrupt.py) still stops the commit
        os.rename(self.path, final)
        fsync(final.parent)
        failpoint("store.before-swap")
        self.store.point_current(final)
        failpoint("store.after-swap")
        return Generation(final, self.base.number + 1, {t: frozenset(n) for t, n in tombstones.items()}, columns)


class CuratedStore:
    def __init__(self, root: Path | str):
        self.root = Path(root)

    # -------------------------------------------------------------------- reading
    def current(self) -> Generation:
        link = self.root / CURRENT
        if not link.is_symlink():
            return Generation(None, 0)
        target = (self.root / os.readlink(link)).resolve()
        meta = json.loads((target / META).read_text()) if (target / META).exists() else {}
        return Generation(target, meta.get("number", 0),
                          {t: frozenset(names) for t, names in meta.get("tombstones", {}).items()},
                          meta.get("columns", {}))

    # -------------------------------------------------------------------- writing
    def ensure_layout(self) -> None:
        """Create the table symlinks on first use and clear debris of crashed runs."""
        self.root.mkdir(parents=True, exist_ok=True)
        for name in TABLES:
            link = self.root / name
            want = os.path.join(CURRENT, name)
            if link.is_symlink():
                if os.readlink(link) != want:
                    raise StoreLayoutError(f"{link} points at {os.readlink(link)}, expected {want}")
            elif link.exists():
                raise StoreLayoutError(f"{link} exists and is not a newsetl table link; move it away")
            else:
                os.symlink(want, link)
        self.collect_garbage()

    def builder(self, run_id: str) -> Builder:
        base = self.current()
        path = self.root / GENS / f"g{base.number + 1:06d}-{run_id}.tmp"
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return Builder(self, base, run_id, path)

    def point_current(self, target: Path) -> None:
        tmp = self.root / f"{CURRENT}.{uuid.uuid4().hex[:8]}.tmp"
        os.symlink(os.path.relpath(target, self.root), tmp)
        os.replace(tmp, self.root / CURRENT)
        fsync(self.root)

    def collect_garbage(self) -> None:
        """Remove unfinished or orphaned generations and stale staging; keep the current one and
        the last one committed before it (for readers that listed files just before the swap).

        Call only while holding the lock.
        """
        for tmp in self.root.glob(f"{CURRENT}.*.tmp"):
            tmp.unlink(missing_ok=True)
        gens = self.root / GENS
        current = self.current()
        if gens.is_dir():
            finished = []
            for d in gens.iterdir():
                if d.name.endswith(".tmp"):
                    shutil.rmtree(d, ignore_errors=True)
                else:
                    finished.append(d)
            older = [d for d in finished if _number(d) < current.number]
            keep = {current.path, max(older, key=lambda d: (_number(d), d.name)) if older else None}
            keep = {k.resolve() for k in keep if k is not None}
            for d in finished:
                if d.resolve() not in keep:
                    shutil.rmtree(d, ignore_errors=True)
        shutil.rmtree(self.root / STAGING, ignore_errors=True)


def _number(gen: Path) -> int:
    try:
        return int(gen.name[1:7])
    except ValueError:
        return -1
