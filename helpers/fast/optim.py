"""OPTIMISATION: helpers.optim.Adam without temporaries (the same numbers, bit for bit).

The textbook lines of optim.Adam.step allocate a few arrays per parameter and step; here they
are computed into scratch arrays kept between steps, with the same operations in the same
order, so the numbers are the same bit for bit (tests/test_fast.py). lr * m_hat has the dtype
NumPy gives it: float64 for a NumPy float64 lr (the cosine schedule's) and a float32 model.
"""
import numpy as np

from .. import optim


class Adam(optim.Adam):
    """optim.Adam with an in-place step (same settings, same state m, v, t)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._work = {}

    def step(self, params, grads):
        optim._check_same_keys(params, grads)
        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        lr = self.learning_rate
        for k, p in params.items():
            g = grads[k]
            if k not in self.m:                            # (setdefault would zero a new
                self.m[k], self.v[k] = np.zeros_like(p), np.zeros_like(p)   # pair every step)
            m, v = self.m[k], self.v[k]
            a, u, x = self._scratch(k, p, np.result_type(lr, p))
            np.multiply(g, 1 - self.beta1, out=a)
            m *= self.beta1
            m += a                                         # m = b1 m + (1 - b1) g
            np.multiply(g, 1 - self.beta2, out=a)
            a *= g
            v *= self.beta2
            v += a                                         # v = b2 v + (1 - b2) g g
            np.divide(v, c2, out=a)
            np.sqrt(a, out=a)
            a += self.eps                                  # a = sqrt(v_hat) + eps
            np.divide(m, c1, out=u)
            np.multiply(u, lr, out=x)
            x /= a
            p -= x                                         # p -= lr m_hat / (sqrt(v_hat) + eps)
        optim._decay_weights(params, self.learning_rate, self.weight_decay)

    def _scratch(self, name, p, step_dtype):
        """Work arrays for parameter `name`: a, u like p, x of the step's dtype (u itself when
        that is p's dtype)."""
        key = (name, p.shape, p.dtype, step_dtype)
        if key not in self._work:
            a, u = np.empty_like(p), np.empty_like(p)
            self._work[key] = (a, u, u if step_dtype == p.dtype else np.empty(p.shape, step_dtype))
        return self._work[key]
