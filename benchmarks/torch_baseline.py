"""The PyTorch CPU baseline of the speed benchmarks: the course's character model in torch.

One-hot inputs -> torch.nn.RNN (tanh) or torch.nn.LSTM -> torch.nn.Linear, cross-entropy,
clip_grad_value_(5), clip_grad_norm_(1) and torch.optim.Adam: the step of helpers.char_rnn.train,
over the same parallel streams, with the state carried from window to window (detached).
PyTorch is not a course requirement; the benchmarks import this module only with --torch.
"""
import time

import numpy as np


class TorchCharModel:
    def __init__(self, torch, cell, V, hidden, lr, seed):
        if cell not in ("rnn", "lstm"):
            raise ValueError(f"cell must be 'rnn' or 'lstm', got {cell!r}")
        self.torch, self.cell, self.V, self.hidden = torch, cell, V, hidden
        torch.manual_seed(seed)
        if cell == "rnn":
            self.layer = torch.nn.RNN(V, hidden, nonlinearity="tanh", batch_first=True)
        else:
            self.layer = torch.nn.LSTM(V, hidden, batch_first=True)
        self.out = torch.nn.Linear(hidden, V)
        self.params = list(self.layer.parameters()) + list(self.out.parameters())
        self.opt = torch.optim.Adam(self.params, lr=lr)

    def _zero_state(self, batch):
        zeros = self.torch.zeros(1, batch, self.hidden)
        return (zeros, zeros.clone()) if self.cell == "lstm" else zeros

    def _detached(self, state):
        return tuple(s.detach() for s in state) if self.cell == "lstm" else state.detach()

    def train_round(self, ids, batch, seq, seconds):
        """Train for `seconds` of wall clock -> (characters per second, last loss)."""
        torch = self.torch
        eye = torch.eye(self.V)
        data = torch.from_numpy(np.asarray(ids, dtype=np.int64))
        per = (len(data) - 1) // batch
        X = data[:batch * per].view(batch, per)
        Y = data[1:batch * per + 1].view(batch, per)
        state = self._zero_state(batch)
        chars, k, start = 0, 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            if (k + 1) * seq > per:
                k, state = 0, self._zero_state(batch)
            x, y = X[:, k * seq:(k + 1) * seq], Y[:, k * seq:(k + 1) * seq]
            hs, state = self.layer(eye[x], self._detached(state))
            loss = torch.nn.functional.cross_entropy(self.out(hs).reshape(-1, self.V), y.reshape(-1))
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_value_(self.params, 5.0)
            torch.nn.utils.clip_grad_norm_(self.params, 1.0)
            self.opt.step()
            chars += batch * seq
            k += 1
        return chars / (time.perf_counter() - start), loss.item()
