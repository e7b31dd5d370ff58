"""How the course's code asks BLAS (NumPy's matrix products) for speed.

The products of a small RNN (say 32 x 256 by 256 x 256) are too small to gain from several
threads, and on a busy machine BLAS threads that wait for each other can make a training step
many times slower. The trainers therefore run inside blas_threads(1).

The LSTM's step products (4H x H by H x N) are also cut into row blocks where that is faster
(row_block).
"""
import contextlib
import functools

from threadpoolctl import ThreadpoolController, threadpool_limits

from .validate import check_int

# OpenBLAS's AVX-512 kernels multiply small products (M * N * K <= 100**3, the limit in its
# kernel/x86_64/sgemm_small_kernel_permit_skylakex.c) without first copying both operands into
# packed panels, on one thread; since OpenBLAS 0.3.16.
_SMALL_PRODUCT_CORES = ("SkylakeX", "Cooperlake", "SapphireRapids")
_SMALL_PRODUCT_SINCE = (0, 3, 16)
_SMALL_PRODUCT_SIZE = 100 ** 3


def blas_threads(n):
    """Context manager: at most n BLAS threads inside the block (None: leave BLAS as it is).

        with blas_threads(1):
            train(...)
    """
    if n is None:
        return contextlib.nullcontext()
    n = check_int(n, "the number of BLAS threads", minimum=1, hint="or None: leave BLAS as it is")
    return threadpool_limits(limits=n, user_api="blas")


@functools.lru_cache(maxsize=None)
def _openblas():
    """threadpoolctl's handle on the OpenBLAS that NumPy loaded, or None (another BLAS)."""
    import numpy  # noqa: F401  (loads NumPy's BLAS before threadpoolctl looks for it)
    libs = [lib for lib in ThreadpoolController().lib_controllers if lib.internal_api == "openblas"]
    libs = [lib for lib in libs if "numpy" in lib.filepath] or libs   # SciPy may bring its own
    return libs[0] if len(libs) == 1 else None


def _version(text):
    """The leading numbers of a version: '0.3.31.188.0' -> (0, 3, 31, 188, 0),
    '0.3.23.dev' -> (0, 3, 23); () where there are none."""
    numbers = []
    for part in str(text).split("."):
        if not part.isdigit():
            break
        numbers.append(int(part))
    return tuple(numbers)


def row_block(m, n, k):
    """Rows per block for an (m, k) @ (k, n) product computed in equal row blocks, or m (whole).

    A product repeated at every time step, such as the LSTM's 1024 x 256 @ 256 x 32, runs about
    1.2 times as fast on one thread cut into blocks that OpenBLAS's small-product path takes
    (benchmarks/README.md). Stack the weights as (blocks, rows, k), the last block padded with
    zero rows, and np.matmul does all blocks in one call. Anywhere else (another OpenBLAS kernel,
    another BLAS library, several threads, a product that cannot be cut small enough) cutting
    only adds work, and this gives m. (The two paths may round the last bits differently.)
    """
    lib = _openblas()
    if (lib is None or lib.architecture not in _SMALL_PRODUCT_CORES
            or _version(lib.version) < _SMALL_PRODUCT_SINCE or lib.get_num_threads() != 1):
        return m
    most = _SMALL_PRODUCT_SIZE // (n * k)             # rows per block that the path takes
    if most >= m or most < 8:
        return m
    count = -(-m // most)
    return -(-m // count)                             # as equal as the blocks can be
