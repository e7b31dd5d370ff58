"""How the course's code asks BLAS (NumPy's matrix products) for speed.

The products of a small RNN (say 32 x 256 by 256 x 256) are too small to gain from several
threads, and on a busy machine BLAS threads that wait for each other can make a training step
many times slower. The trainers therefore run inside blas_threads(1).

Nothing in the course asks which BLAS, kernel or version it runs on: a learner's laptop must
compute what ours computes, up to rounding.
"""
import contextlib

from threadpoolctl import threadpool_limits

from .validate import check_int


def blas_threads(n):
    """Context manager: at most n BLAS threads inside the block (None: leave BLAS as it is).

        with blas_threads(1):
            train(...)
    """
    if n is None:
        return contextlib.nullcontext()
    n = check_int(n, "the number of BLAS threads", minimum=1, hint="or None: leave BLAS as it is")
    return threadpool_limits(limits=n, user_api="blas")
