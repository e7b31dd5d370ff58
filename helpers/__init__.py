"""helpers: the reusable NumPy code of the RNN course, one concept per module.

    softmax    softmax with temperature, log-softmax, entropy, sampling, top-k and top-p
    layers     RNN, LSTM and GRU step/sequence layers, embedding, affine, softmax loss
               (forward/backward pairs with a cache)
    gradcheck  numerical gradients and rel_error
    optim      SGD, Adagrad, Adam, clipping, the learning-rate schedule, TrainingDiverged
    text       Vocab over characters or words, corpus loading, truncated-BPTT batches
    snapshot   .npz save/load of a trained RNN with validation
    plots      loss curves with a baseline, labelled heatmaps
    threads    blas_threads(n): one BLAS thread is fastest for the course's small matrices
    validate   the input checks every module uses (integers, finite ranges, ids, shapes, sizes)
    training   the trainer contract every trainer follows: budget, seed, schedule, clipping,
               the divergence rule, the log hook and the History of records

and one module per notebook topic, imported by name (e.g. `from helpers import char_rnn`):

    widgets    the softmax temperature explorer (ipywidgets)              notebook 01
    char_rnn   min-char-rnn's classic loop, the fast batched trainer       notebook 03
    binary     the sigmoid-RNN binary adder                               notebook 04
    interpret  hidden-state recording, ablation, text coloured by a unit   notebook 05
    seq2seq    encoder-decoder RNN with dot-product attention, beam search notebook 06
    names      name data, padded batches with a mask, the bigram baseline  notebook 07
    cells      the rnn, lstm and gru character models behind one interface notebook 08
               (the one registry of cells, and of their fast steps)
    recall     a symbol to remember across k distractors                  notebook 08

`fast` is apart: fused steps and an in-place Adam that only the trainers use, each tested
equal to the reference it speeds up (see helpers/fast/__init__.py).

and for the exercises, `check`: property checks of a learner's functions (one per exercise).
"""
from .gradcheck import numerical_gradient, rel_error
from .layers import (affine_backward, affine_forward, embedding_backward, embedding_forward,
                     rnn_backward, rnn_backward_projected, rnn_forward, rnn_forward_projected,
                     rnn_step_backward, rnn_step_forward, temporal_softmax_loss_backward,
                     temporal_softmax_loss_forward)
from .optim import (SGD, Adagrad, Adam, TrainingDiverged, clip_by_global_norm, clip_by_value,
                    global_norm, scheduled_learning_rate)
from .snapshot import load_snapshot, save_snapshot
from .softmax import check_temperature, entropy, log_softmax, sample, softmax
from .text import Vocab, data_path, load_text, stream_batches, word_tokens
from .threads import blas_threads

__version__ = "0.1.0"
