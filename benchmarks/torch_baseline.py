"""The PyTorch CPU baseline of the benchmarks: the course's character model in torch.

One-hot inputs -> torch.nn.RNN (tanh) or torch.nn.LSTM -> torch.nn.Linear, cross-entropy,
clip_grad_value_(5), clip_grad_norm_(1) and torch.optim.Adam: the step of helpers.char_rnn.train,
over the windows that trainer reads (the same streams and per-epoch offsets for the same seed),
with the state carried from window to window (detached) and optionally the trainer's cosine
schedule over the budget. `params()` gives the weights in the course's names, so that
helpers.char_rnn.evaluate scores both sides with the same code.
PyTorch is not a course requirement; the benchmarks import this module only with --torch.
"""
import time

import numpy as np

from helpers.optim import scheduled_learning_rate
from helpers.text import stream_batches


def trainer_windows(ids, batch, seq, seed):
    """(x, y, first) windows forever, as helpers.char_rnn.train reads them: every epoch starts at
    an offset drawn from default_rng(seed) and from a zero state (first is True)."""
    rng = np.random.default_rng(seed)
    while True:
        offset = int(rng.integers(0, min(seq, len(ids) - batch * seq)))
        for k, (x, y) in enumerate(stream_batches(ids[offset:], batch, seq)):
            yield x, y, k == 0


class TorchCharModel:
    def __init__(self, torch, cell, V, hidden, lr, seed, final_lr=None, init=None, output_bias=None):
        """final_lr: None, a constant rate; else the rate falls from lr to final_lr along the
        trainer's cosine (helpers.optim.scheduled_learning_rate) over each train_round's budget.
        init: None, torch's own initialisation; or the course's parameters (LSTM: Wx, Wh, b, Why,
        by) to start from, with b in bias_ih and bias_hh held at zero (one bias, as ours).
        output_bias: None, or (V,) numbers for the Linear layer's first bias (e.g. the
        characters' log frequencies, helpers.char_rnn.unigram_bias)."""
        if cell not in ("rnn", "lstm"):
            raise ValueError(f"cell must be 'rnn' or 'lstm', got {cell!r}")
        self.torch, self.cell, self.V, self.hidden = torch, cell, V, hidden
        self.lr, self.final_lr, self.seed = lr, final_lr, seed
        torch.manual_seed(seed)
        if cell == "rnn":
            self.layer = torch.nn.RNN(V, hidden, nonlinearity="tanh", batch_first=True)
        else:
            self.layer = torch.nn.LSTM(V, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, V)
        if init is not None:
            if cell != "lstm":
                raise ValueError("init= is implemented for the LSTM only")
            with torch.no_grad():
                for name, key in (("weight_ih_l0", "Wx"), ("weight_hh_l0", "Wh"), ("bias_ih_l0", "b")):
                    getattr(self.layer, name).copy_(torch.from_numpy(init[key]))
                self.layer.bias_hh_l0.zero_()
                self.out.weight.copy_(torch.from_numpy(init["Why"]))
                self.out.bias.copy_(torch.from_numpy(init["by"]))
            self.layer.bias_hh_l0.requires_grad_(False)
        if output_bias is not None:
            with torch.no_grad():
                self.out.bias.copy_(torch.as_tensor(np.asarray(output_bias, np.float32)))
        self.params_list = [p for p in list(self.layer.parameters()) + list(self.out.parameters())
                            if p.requires_grad]
        self.opt = torch.optim.Adam(self.params_list, lr=lr)
        self.windows, self.state, self.steps = None, None, 0

    def params(self):
        """The weights as the course names them (torch's two bias vectors added up)."""
        get = {name: p.detach().numpy().astype(np.float32)
               for name, p in self.layer.named_parameters()}
        names = ("Wxh", "Whh", "bh") if self.cell == "rnn" else ("Wx", "Wh", "b")
        return {names[0]: get["weight_ih_l0"], names[1]: get["weight_hh_l0"],
                names[2]: get["bias_ih_l0"] + get["bias_hh_l0"],
                "Why": self.out.weight.detach().numpy().copy(),
                "by": self.out.bias.detach().numpy().copy()}

    def _zero_state(self, batch):
        zeros = self.torch.zeros(1, batch, self.hidden)
        return (zeros, zeros.clone()) if self.cell == "lstm" else zeros

    def _detached(self, state):
        return tuple(s.detach() for s in state) if self.cell == "lstm" else state.detach()

    def train_round(self, ids, batch, seq, seconds=None, steps=None):
        """Train for `seconds` of wall clock or `steps` updates, continuing where the last round
        stopped -> (characters per second, last loss)."""
        if (seconds is None) == (steps is None):
            raise ValueError("give seconds or steps")
        torch = self.torch
        if self.windows is None:
            self.windows = trainer_windows(np.asarray(ids, dtype=np.int64), batch, seq, self.seed)
            self.eye = torch.eye(self.V)
        chars, k, start = 0, 0, time.perf_counter()
        while True:
            elapsed = time.perf_counter() - start
            if (steps is not None and k >= steps) or (seconds is not None and elapsed >= seconds):
                break
            x, y, first = next(self.windows)
            if first:
                self.state = self._zero_state(batch)
            x, y = (torch.from_numpy(np.ascontiguousarray(v)) for v in (x, y))
            hs, self.state = self.layer(self.eye[x], self._detached(self.state))
            loss = torch.nn.functional.cross_entropy(self.out(hs).reshape(-1, self.V), y.reshape(-1))
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_value_(self.params_list, 5.0)
            torch.nn.utils.clip_grad_norm_(self.params_list, 1.0)
            if self.final_lr is not None:
                fraction = k / steps if steps is not None else elapsed / seconds
                self.opt.param_groups[0]["lr"] = float(scheduled_learning_rate(self.lr, fraction,
                                                                              self.final_lr))
            self.opt.step()
            chars += batch * seq
            k += 1
        self.steps += k
        return chars / (time.perf_counter() - start), loss.item()
