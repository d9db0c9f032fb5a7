"""Arrow's allocations go through jemalloc, not the mimalloc its wheels default to (see
flows/__init__.py), however pyarrow and newsetl were imported."""

import subprocess
import sys

import pytest


@pytest.mark.parametrize("first", ["import pyarrow as pa; pa.default_memory_pool(); import flows",
                                   "import flows; import pyarrow as pa"])
def test_arrow_allocates_through_jemalloc(first):
    code = f"{first}; print(pa.default_memory_pool().backend_name)"
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True,
                         cwd=__file__.rsplit("/tests/", 1)[0])
    assert out.stdout.strip() in ("jemalloc", "system")


def test_a_pool_named_by_the_environment_is_kept():
    code = "import flows; import pyarrow as pa; print(pa.default_memory_pool().backend_name)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PATH": "/usr/bin:/bin", "ARROW_DEFAULT_MEMORY_POOL": "system"},
                         cwd=__file__.rsplit("/tests/", 1)[0])
    assert out.stdout.strip() == "system"
