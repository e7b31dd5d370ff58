"""Optimizers over a dict of parameters, and gradient clipping.

Each optimizer updates the arrays of `params` in place from the same-named arrays in
`grads`, so a model can keep references to its weights:

    opt = Adagrad(learning_rate=0.1)
    opt.step(params, grads)
"""
import numpy as np


def _check_lr(learning_rate):
    if not np.isfinite(learning_rate) or learning_rate <= 0:
        raise ValueError(f"learning_rate must be finite and > 0, got {learning_rate!r}")
    return float(learning_rate)


def _check_weight_decay(weight_decay):
    if not np.isfinite(weight_decay) or weight_decay < 0:
        raise ValueError(f"weight_decay must be finite and >= 0, got {weight_decay!r}")
    return float(weight_decay)


def _decay_weights(params, learning_rate, weight_decay):
    """Decoupled weight decay (as in AdamW): shrink every weight matrix by lr * weight_decay.
    Biases (1-D arrays) are left alone: they do not make the model more complex."""
    if weight_decay:
        for p in params.values():
            if p.ndim >= 2:
                p *= 1 - learning_rate * weight_decay


def _check_same_keys(params, grads):
    if set(params) != set(grads):
        raise ValueError(f"params and grads must have the same keys: "
                         f"{sorted(params)} vs {sorted(grads)}")


class SGD:
    """p -= learning_rate * g

    Every optimizer here takes weight_decay >= 0 (default 0): after the update each weight
    matrix shrinks by the factor 1 - learning_rate * weight_decay (decoupled, as in AdamW).
    """

    def __init__(self, learning_rate=0.01, weight_decay=0.0):
        self.learning_rate = _check_lr(learning_rate)
        self.weight_decay = _check_weight_decay(weight_decay)

    def step(self, params, grads):
        _check_same_keys(params, grads)
        for k, p in params.items():
            p -= self.learning_rate * grads[k]
        _decay_weights(params, self.learning_rate, self.weight_decay)


class Adagrad:
    """min-char-rnn's optimizer: mem += g*g; p -= lr * g / sqrt(mem + eps)."""

    def __init__(self, learning_rate=0.1, eps=1e-8, weight_decay=0.0):
        self.learning_rate, self.eps = _check_lr(learning_rate), eps
        self.weight_decay = _check_weight_decay(weight_decay)
        self.mem = {}

    def step(self, params, grads):
        _check_same_keys(params, grads)
        for k, p in params.items():
            g = grads[k]
            mem = self.mem.setdefault(k, np.zeros_like(p))
            mem += g * g
            p -= self.learning_rate * g / np.sqrt(mem + self.eps)
        _decay_weights(params, self.learning_rate, self.weight_decay)


class Adam:
    """Adam with bias correction (Kingma & Ba, 2015); with weight_decay > 0 it is AdamW."""

    def __init__(self, learning_rate=1e-3, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0.0):
        self.learning_rate = _check_lr(learning_rate)
        self.weight_decay = _check_weight_decay(weight_decay)
        self.beta1, self.beta2, self.eps = beta1, beta2, eps
        self.m, self.v, self.t = {}, {}, 0

    def step(self, params, grads):
        _check_same_keys(params, grads)
        self.t += 1
        c1, c2 = 1 - self.beta1 ** self.t, 1 - self.beta2 ** self.t
        for k, p in params.items():
            g = grads[k]
            m = self.m.setdefault(k, np.zeros_like(p))
            v = self.v.setdefault(k, np.zeros_like(p))
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            p -= self.learning_rate * (m / c1) / (np.sqrt(v / c2) + self.eps)
        _decay_weights(params, self.learning_rate, self.weight_decay)


def clip_by_value(grads, limit=5.0):
    """Clip every gradient entry to [-limit, limit] in place (min-char-rnn's np.clip)."""
    if not limit > 0:
        raise ValueError(f"clip limit must be > 0, got {limit!r}")
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)
    return grads


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient."""
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def clip_by_global_norm(grads, max_norm=5.0):
    """Scale all gradients together so their global norm is at most max_norm (in place).

    Unlike clipping by value this keeps the direction of the update. Returns the norm
    before clipping, which is worth logging: spikes show exploding gradients.
    """
    if not max_norm > 0:
        raise ValueError(f"max_norm must be > 0, got {max_norm!r}")
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
