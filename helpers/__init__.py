"""helpers: the reusable NumPy code of the RNN course, one concept per module.

    softmax    softmax with temperature, log-softmax, entropy, sampling
    layers     RNN step/sequence layers, embedding, affine, softmax loss (forward/backward)
    gradcheck  numerical gradients and rel_error
    optim      SGD, Adagrad, Adam, clipping by value and by global norm
    text       Vocab over characters or words, corpus loading, truncated-BPTT batches
    snapshot   .npz save/load of a trained RNN with validation
    plots      loss curves with a baseline, labelled heatmaps
"""
from .gradcheck import numerical_gradient, rel_error
from .layers import (affine_backward, affine_forward, embedding_backward, embedding_forward,
                     rnn_backward, rnn_backward_projected, rnn_forward, rnn_forward_projected,
                     rnn_step_backward, rnn_step_forward, temporal_softmax_loss_backward,
                     temporal_softmax_loss_forward)
from .optim import SGD, Adagrad, Adam, clip_by_global_norm, clip_by_value, global_norm
from .snapshot import load_snapshot, save_snapshot
from .softmax import check_temperature, entropy, log_softmax, sample, softmax
from .text import Vocab, data_path, load_text, stream_batches, word_tokens

__version__ = "0.1.0"
