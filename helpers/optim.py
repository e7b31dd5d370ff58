"""Optimizers over a dict of parameters, and gradient clipping.

Each optimizer updates the arrays of `params` in place from the same-named arrays in
`grads`, so a model can keep references to its weights:

    opt = Adagrad(learning_rate=0.1)
    opt.step(params, grads)
"""
import numpy as np

from .validate import check_choice, check_fraction, check_number, check_positive


class TrainingDiverged(ValueError, RuntimeError):
    """The loss of a training run became NaN or infinite (or far worse than guessing): every
    trainer raises this one exception, naming the step and what to change."""


SCHEDULES = ("cosine", "linear", "constant")


def scheduled_learning_rate(learning_rate, fraction, final_learning_rate=None, shape="cosine"):
    """The learning rate when `fraction` (0..1) of the budget is done, falling from
    learning_rate to final_learning_rate (a value, not a factor) along half a cosine or a line.

    shape 'constant', or final_learning_rate None: learning_rate throughout. Every trainer of
    the course uses this one schedule and chooses its shape by name. A fraction outside [0, 1]
    (or NaN) is refused, not clamped.
    """
    check_schedule(learning_rate, None if shape == "constant" else final_learning_rate, shape)
    f = check_number(fraction, "fraction", low=0, high=1, hint="the share of the budget done")
    if final_learning_rate is None or shape == "constant":
        return learning_rate
    if shape == "linear":
        return float(learning_rate + (final_learning_rate - learning_rate) * f)
    ratio = final_learning_rate / learning_rate
    # a NumPy float64, not a Python float: with NumPy 2 it makes a float32 model's update be
    # computed in float64 before it is stored, as the shipped snapshot was trained
    return learning_rate * (ratio + (1 - ratio) * 0.5 * (1 + np.cos(np.pi * f)))


def check_schedule(learning_rate, final_learning_rate, shape):
    """Validate a schedule's settings: both rates finite and > 0, shape one of SCHEDULES;
    'constant' takes no final_learning_rate."""
    check_positive(learning_rate, "learning_rate")
    check_choice(shape, "schedule", SCHEDULES)
    if final_learning_rate is not None:
        check_positive(final_learning_rate, "final_learning_rate")
        if shape == "constant":
            raise ValueError(f"schedule 'constant' keeps learning_rate throughout; give "
                             f"final_learning_rate=None, or schedule 'cosine' or 'linear' to "
                             f"fall to {final_learning_rate!r}")


def _check_lr(learning_rate):
    return check_positive(learning_rate, "learning_rate")


def _check_weight_decay(weight_decay):
    return check_number(weight_decay, "weight_decay", low=0)


def _decay_weights(params, learning_rate, weight_decay):
    """Decoupled weight decay (as in AdamW): shrink every weight matrix by lr * weight_decay.
    Biases (1-D arrays) are left alone: they do not make the model more complex."""
    if weight_decay:
        for p in params.values():
            if p.ndim >= 2:
                p *= 1 - learning_rate * weight_decay


def _check_same_keys(params, grads):
    for name, d in (("params", params), ("grads", grads)):
        if not isinstance(d, dict):
            raise ValueError(f"{name} must be a dict of arrays (name -> array), "
                             f"got {type(d).__name__}")
    if set(params) != set(grads):
        raise ValueError(f"params and grads must have the same keys: "
                         f"{sorted(params)} vs {sorted(grads)}")
    for k, p in params.items():        # a gradient of another shape would broadcast
        if np.shape(grads[k]) != np.shape(p):
            raise ValueError(f"the gradient of {k} must have the shape of {k}, "
                             f"{np.shape(p)}, got {np.shape(grads[k])}")


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
        self.learning_rate, self.eps = _check_lr(learning_rate), check_positive(eps, "eps")
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
        self.beta1, self.beta2 = check_fraction(beta1, "beta1"), check_fraction(beta2, "beta2")
        self.eps = check_positive(eps, "eps")
        self.m, self.v, self.t = {}, {}, 0             # moving averages of g and g^2, step count

    def step(self, params, grads):
        _check_same_keys(params, grads)
        self.t += 1
        b1, b2, lr = self.beta1, self.beta2, self.learning_rate
        for k, p in params.items():
            g = grads[k]
            m = self.m[k] = b1 * self.m.get(k, np.zeros_like(p)) + (1 - b1) * g
            v = self.v[k] = b2 * self.v.get(k, np.zeros_like(p)) + (1 - b2) * g * g
            m_hat, v_hat = m / (1 - b1 ** self.t), v / (1 - b2 ** self.t)   # bias correction
            p -= lr * m_hat / (np.sqrt(v_hat) + self.eps)
        _decay_weights(params, self.learning_rate, self.weight_decay)


def clip_by_value(grads, limit=5.0):
    """Clip every gradient entry to [-limit, limit] in place (min-char-rnn's np.clip)."""
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    check_positive(limit, "limit")
    for g in grads.values():
        np.clip(g, -limit, limit, out=g)
    return grads


def global_norm(grads):
    """sqrt of the sum of squares of every entry of every gradient."""
    if not isinstance(grads, dict):
        raise ValueError(f"grads must be a dict of arrays, got {type(grads).__name__}")
    return float(np.sqrt(sum(float(np.sum(np.square(g, dtype=np.float64))) for g in grads.values())))


def clip_by_global_norm(grads, max_norm=5.0):
    """Scale all gradients together so their global norm is at most max_norm (in place).

    Unlike clipping by value this keeps the direction of the update. Returns the norm
    before clipping, which is worth logging: spikes show exploding gradients.
    """
    check_positive(max_norm, "max_norm")
    norm = global_norm(grads)
    if norm > max_norm:
        for g in grads.values():
            g *= max_norm / norm
    return norm
