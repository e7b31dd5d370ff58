import numpy as np
import pytest
from threadpoolctl import threadpool_info

from helpers.threads import _version, blas_threads, row_block


def blas_counts():
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def test_limits_inside_and_restores_after():
    np.ones((2, 2)) @ np.ones((2, 2))  # make sure BLAS is loaded
    before = blas_counts()
    assert before, "NumPy's BLAS is not visible to threadpoolctl"
    with blas_threads(1):
        assert blas_counts() == [1] * len(before)
    assert blas_counts() == before
    with blas_threads(None):
        assert blas_counts() == before


@pytest.mark.parametrize("bad", [0, -2, 1.5, "2"])
def test_bad_thread_count(bad):
    with pytest.raises(ValueError, match="the number of BLAS threads must be an integer >= 1 \\(or None: leave BLAS as it is\\)"):
        blas_threads(bad)


@pytest.mark.parametrize("m, n, k", [(1024, 32, 256), (256, 32, 1024), (4, 3, 2), (1000, 1, 1)])
def test_row_block(m, n, k):
    for threads in (1, 2):
        with blas_threads(threads):
            rows = row_block(m, n, k)
        assert isinstance(rows, int) and 1 <= rows <= m
        if rows < m:  # only cut for OpenBLAS's small-product path, and as evenly as it can
            assert threads == 1
            assert rows * n * k <= 100 ** 3
            blocks = -(-m // rows)
            assert blocks * rows - m < blocks, "the padding of the last block is under a row per block"


def test_version_numbers():
    assert _version("0.3.31.188.0") == (0, 3, 31, 188, 0)
    assert _version("0.3.23.dev") == (0, 3, 23)              # what NumPy 1.26's OpenBLAS says
    assert _version(None) == () and _version("dev") == ()
    assert _version("0.3.23.dev") >= (0, 3, 16) > _version("0.3.15")


def test_row_block_only_where_the_small_product_path_is():
    info = [p for p in threadpool_info() if p["user_api"] == "blas"]
    small = (len(info) == 1 and info[0]["internal_api"] == "openblas"
             and info[0].get("architecture") in ("SkylakeX", "Cooperlake", "SapphireRapids")
             and tuple(int(v) for v in info[0]["version"].split(".")[:3]) >= (0, 3, 16))
    with blas_threads(1):
        assert (row_block(1024, 32, 256) == 114) == small   # 1024 rows in 9 blocks of 114
        assert row_block(100, 32, 256) == 100               # small enough as it is
