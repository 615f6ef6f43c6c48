"""Token counts for text sent to the model, estimated offline.

Claude's tokenizer is not published, and a repo map has to fit its budget without a
network call. This estimate splits text the way byte-pair tokenizers tend to split code:
identifiers break at case and underscore boundaries with about four letters a token,
digits go in groups of three, each punctuation mark is a token, and a run of spaces is
one. It is an estimate, not the tokenizer: exact counts come back in the API's usage.
"""

from __future__ import annotations

import re

_PIECES = re.compile(
    r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d{1,3}|[ \t]+|\n|[^\sA-Za-z\d]",
)


def count_tokens(text: str) -> int:
    count = 0
    for piece in _PIECES.findall(text):
        n = len(piece)
        if n > 4 and piece[0].isalpha():
            count += (n + 3) // 4
        else:
            count += 1
    return count
