"""Signs that text was decoded with the wrong encoding (mojibake).

A Chinese shapefile written in GBK without a ``.cpg`` file is read by GDAL/QGIS as UTF-8 or
Latin-1 unless the user sets the layer's encoding: 沙河 (GBK bytes C9 B3 BA D3) arrives as
``ɳ��`` (UTF-8 with replacement characters) or ``É³ºÓ`` (Latin-1). Such text must never be
copied into segment names or other output, so readers check it first.

The checks, in order:

* U+FFFD REPLACEMENT CHARACTER: bytes that were not valid in the encoding used to read them;
  nothing else produces it in real attribute text.
* C1 control characters (U+0080–U+009F): what Latin-1 decoding makes of many GBK/UTF-8 bytes;
  never typed by anyone.
* Latin-1 mojibake: text made only of ASCII and Latin-1/Latin-Extended letters that, encoded
  back to Latin-1 (or Windows-1252), decodes as valid GB18030 or UTF-8 holding CJK
  characters — the bytes were Chinese all along.

The functions are pure (no QGIS); callers turn the result into a message naming the layer.
"""

from __future__ import annotations

import re
from typing import Iterable, Optional

REPLACEMENT = "\ufffd"
#: any character that one of the checks looks at (screens many values in one scan)
_SUSPECT = re.compile("[\ufffd\u0080-\u009f\u00a0-\u02ff]")


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def _recovers_cjk(text: str) -> bool:
    for wrong in ("latin-1", "cp1252"):
        try:
            raw = text.encode(wrong)
        except UnicodeEncodeError:
            continue
        for right in ("utf-8", "gb18030"):
            try:
                again = raw.decode(right)
            except UnicodeDecodeError:
                continue
            if _has_cjk(again):
                return True
    return False


def garbled(text) -> Optional[str]:
    """Why ``text`` looks wrongly decoded: ``'replacement'``, ``'control'``, ``'latin1'``,
    or None when it looks fine (non-strings are fine)."""
    if not isinstance(text, str) or not text:
        return None
    if REPLACEMENT in text:
        return "replacement"
    if any("\x80" <= ch <= "\x9f" for ch in text):
        return "control"
    if not _has_cjk(text) and any("\u00a0" <= ch <= "\u02ff" for ch in text) and _recovers_cjk(text):
        return "latin1"
    return None


def suspects(values: Iterable) -> list:
    """Positions of the values that :func:`garbled` needs to look at (one scan of all the text;
    clean ASCII and Chinese text is passed over without a per-value check)."""
    values = list(values)
    text = "\n".join(v if isinstance(v, str) else "" for v in values)
    if not _SUSPECT.search(text):
        return []
    return [i for i, v in enumerate(values) if isinstance(v, str) and _SUSPECT.search(v)]


def garbled_values(values: Iterable) -> list:
    """(position, value, reason) of every garbled value."""
    values = list(values)
    out = []
    for i in suspects(values):
        why = garbled(values[i])
        if why:
            out.append((i, values[i], why))
    return out
