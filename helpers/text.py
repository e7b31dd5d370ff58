"""Text as integers: a vocabulary of characters or words, corpus loading, and batches
for truncated backpropagation through time."""
import pathlib
import re

import numpy as np

from .validate import check_array, check_ids, check_int

DATA_DIR = pathlib.Path(__file__).resolve().parent.parent / "data"


def data_path(*parts):
    """Path of a file under the course's data/ folder, e.g. data_path('shakespeare', 'train.txt')."""
    p = DATA_DIR.joinpath(*parts)
    if not p.exists():
        raise ValueError(f"{p} does not exist; rebuild the data with: python data/build_data.py")
    return p


def load_text(*parts):
    """The text of data/<parts...> (UTF-8)."""
    return data_path(*parts).read_text(encoding="utf-8")


WORD_RE = re.compile(r"[A-Za-z']+|[^A-Za-z'\s]|\n| ")


def word_tokens(text):
    """Split text into words, punctuation marks, single spaces and newlines.

    Keeping spaces and newlines as tokens means ''.join(word_tokens(t)) rebuilds t when t
    has no runs of other whitespace, so a word model can print its samples as text.
    """
    return WORD_RE.findall(text)


class Vocab:
    """A bijection between symbols (characters or word tokens) and integer ids.

    Vocab.from_text('hello')              chars, sorted: e h l o
    Vocab(word_tokens(text), unk='<unk>') words; unseen words map to '<unk>'

    Encoding a symbol that is not in the vocabulary raises ValueError naming it, unless the
    vocabulary was built with an explicit `unk` symbol.
    """

    def __init__(self, symbols, unk=None, min_count=1):
        if unk is not None and not isinstance(unk, str):
            raise ValueError(f"unk must be None or a symbol (a str), got {unk!r}")
        min_count = check_int(min_count, "min_count", minimum=1)
        symbols = list(symbols)
        counts = {}
        for s in symbols:
            counts[s] = counts.get(s, 0) + 1
        kept = sorted(s for s, c in counts.items() if c >= min_count)
        if unk is not None:
            kept = [unk] + [s for s in kept if s != unk]
        if not kept:
            raise ValueError("a vocabulary needs at least one symbol")
        self.itos = kept
        self.stoi = {s: i for i, s in enumerate(kept)}
        self.unk = unk

    @classmethod
    def from_text(cls, text, unk=None):
        """Character vocabulary of `text`."""
        return cls(text, unk=unk)

    @classmethod
    def from_symbols(cls, itos, unk=None):
        """Exactly these symbols with ids 0, 1, 2, ... in the order given (not sorted): how a
        snapshot stores its vocabulary, so that the ids keep matching the weights.
        unk: None, or one of the symbols (the id unknown symbols are encoded as)."""
        itos = list(itos)
        if not itos:
            raise ValueError("a vocabulary needs at least one symbol")
        bad = [s for s in itos if not isinstance(s, str)]
        if bad:
            raise ValueError(f"symbols must be strings, got {bad[0]!r} ({type(bad[0]).__name__})")
        if len(set(itos)) != len(itos):
            twice = sorted({s for s in itos if itos.count(s) > 1})
            raise ValueError(f"every symbol may appear once (an id each), got {twice} twice")
        if unk is not None and unk not in itos:
            raise ValueError(f"the unknown symbol {unk!r} must be one of the symbols")
        vocab = cls.__new__(cls)
        vocab.itos, vocab.stoi, vocab.unk = itos, {s: i for i, s in enumerate(itos)}, unk
        return vocab

    def __len__(self):
        return len(self.itos)

    def __contains__(self, symbol):
        return symbol in self.stoi

    def __getitem__(self, symbol):
        """Id of one symbol: vocab[':']."""
        return self.encode([symbol])[0]

    def __repr__(self):
        shown = "".join(repr(s)[1:-1] if len(s) == 1 else f"[{s}]" for s in self.itos[:40])
        return f"Vocab({len(self)} symbols: {shown}{'...' if len(self) > 40 else ''})"

    def encode(self, symbols):
        """Sequence of symbols (a string for chars) -> int64 array of ids."""
        out = np.empty(len(symbols), dtype=np.int64)
        for i, s in enumerate(symbols):
            j = self.stoi.get(s)
            if j is None:
                if self.unk is None:
                    raise ValueError(f"symbol {s!r} (at position {i}) is not in the vocabulary of "
                                     f"{len(self)} symbols; allowed: {self.itos[:80]!r}")
                j = self.stoi[self.unk]
            out[i] = j
        return out

    def decode(self, ids, sep=""):
        """Ids -> string (symbols joined with `sep`)."""
        ids = check_ids(np.ravel(ids), len(self), "ids")   # 1.5 is not an id, -1 not the last
        return sep.join(self.itos[i] for i in ids)


def stream_batches(ids, batch_size, seq_len):
    """Contiguous (x, y) windows for truncated BPTT, one pass over the corpus.

    The corpus is cut into `batch_size` equal streams laid side by side; window k holds
    characters [k*seq_len, (k+1)*seq_len) of every stream, so row n of one window continues
    row n of the previous one and the hidden state can be carried across windows.

    ids (L,) -> yields x (batch_size, seq_len), y (batch_size, seq_len) with y the next ids.
    """
    ids = check_array(ids, "ids", ndim=1)
    batch_size = check_int(batch_size, "batch_size", minimum=1)
    seq_len = check_int(seq_len, "seq_len", minimum=1)
    per_stream = (len(ids) - 1) // batch_size
    if per_stream < seq_len:
        raise ValueError(f"corpus of {len(ids)} symbols is shorter than one training window: "
                         f"batch_size * seq_len + 1 = {batch_size * seq_len + 1} needed")
    x = ids[:batch_size * per_stream].reshape(batch_size, per_stream)
    y = ids[1:batch_size * per_stream + 1].reshape(batch_size, per_stream)
    for start in range(0, per_stream - seq_len + 1, seq_len):
        yield x[:, start:start + seq_len], y[:, start:start + seq_len]
