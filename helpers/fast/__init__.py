"""Code that exists only for speed: each piece computes what a reference function computes
(the same numbers up to rounding, tested in tests/test_fast.py) and is used only by the
trainers, never by a notebook's maths. Read the reference to learn the model.

    char_rnn   the vanilla char-RNN's fused loss and gradients   (reference: cells 'rnn')
    lstm       the LSTM char model's fused loss and gradients     (reference: cells 'lstm')
    optim      Adam without temporaries                           (reference: helpers.optim.Adam)

helpers.cells registers which cell has a fast step (Cell.fast_step names the module here);
char_rnn.training_step looks it up, and `cells.fast_paths = False` (or train(fast=False))
turns the fast paths off.
"""
from . import char_rnn, lstm, optim  # noqa: F401
