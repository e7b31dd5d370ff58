import numpy as np
import pytest
from threadpoolctl import threadpool_info

from helpers.threads import blas_threads


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
