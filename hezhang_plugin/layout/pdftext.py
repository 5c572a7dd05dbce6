"""The text layer of the PDFs Qt writes: read back as the characters printed.

Qt writes, for each embedded font, a ToUnicode map from glyphs to characters and takes for
a glyph the lowest code point the font maps to it. Fonts such as Noto Sans CJK and
Source Han Sans draw the radical ⻓ (U+2ED3) and the ideograph 长 (U+957F), or ⼀ (U+2F00)
and 一 (U+4E00), with one glyph, so a map printed with them says 河⻓ in its text layer:
copying, searching and ``pdftotext`` find no 河长. :func:`repair_text_layer` rewrites
those entries of the ToUnicode maps to the unified ideograph the radical stands for:

- Kangxi Radicals (U+2F00–U+2FD5): their compatibility decomposition (NFKC);
- CJK Radicals Supplement (U+2E80–U+2EFF) and CJK Strokes (U+31C0–U+31EF): Unicode's
  Equivalent_Unified_Ideograph property (EquivalentUnifiedIdeograph.txt, Unicode 15.0),
  where the ideograph is in the Basic Multilingual Plane.

Qt writes ToUnicode maps as uncompressed streams with four-digit hex codes, so each code
is replaced in place by one of the same length: offsets and cross-references stay valid
and no PDF library is needed. Drawing is unchanged: only the text layer is corrected.
"""

from __future__ import annotations

import os
import re
import unicodedata

#: Equivalent_Unified_Ideograph of the radicals and strokes QGIS maps may carry
#: (Unicode 15.0 EquivalentUnifiedIdeograph.txt, BMP targets only).
EQUIVALENT = {
    0x2E81: 0x5382, 0x2E82: 0x4E5B, 0x2E83: 0x4E5A, 0x2E84: 0x4E59, 0x2E85: 0x4EBB, 0x2E86: 0x5182, 0x2E88: 0x5200,
    0x2E89: 0x5202, 0x2E8A: 0x535C, 0x2E8B: 0x353E, 0x2E8C: 0x5C0F, 0x2E8D: 0x5C0F, 0x2E8E: 0x5140, 0x2E8F: 0x5C23,
    0x2E90: 0x5C22, 0x2E92: 0x5DF3, 0x2E93: 0x5E7A, 0x2E94: 0x5F51, 0x2E96: 0x5FC4, 0x2E97: 0x5FC3, 0x2E98: 0x624C,
    0x2E99: 0x6535, 0x2E9B: 0x65E1, 0x2E9C: 0x65E5, 0x2E9D: 0x6708, 0x2E9E: 0x6B7A, 0x2E9F: 0x6BCD, 0x2EA0: 0x6C11,
    0x2EA1: 0x6C35, 0x2EA2: 0x6C3A, 0x2EA3: 0x706C, 0x2EA4: 0x722B, 0x2EA5: 0x722B, 0x2EA6: 0x4E2C, 0x2EA7: 0x725B,
    0x2EA8: 0x72AD, 0x2EA9: 0x738B, 0x2EAB: 0x76EE, 0x2EAC: 0x793A, 0x2EAD: 0x793B, 0x2EAF: 0x7CF9, 0x2EB0: 0x7E9F,
    0x2EB1: 0x7F53, 0x2EB2: 0x7F52, 0x2EB3: 0x34C1, 0x2EB4: 0x5197, 0x2EB6: 0x7F8A, 0x2EB9: 0x8002, 0x2EBA: 0x8080,
    0x2EBB: 0x807F, 0x2EBC: 0x8089, 0x2EBE: 0x8279, 0x2EBF: 0x8279, 0x2EC0: 0x8279, 0x2EC1: 0x864E, 0x2EC2: 0x8864,
    0x2EC3: 0x8980, 0x2EC4: 0x897F, 0x2EC5: 0x89C1, 0x2EC6: 0x89D2, 0x2EC8: 0x8BA0, 0x2EC9: 0x8D1D, 0x2ECB: 0x8F66,
    0x2ECC: 0x8FB6, 0x2ECD: 0x8FB6, 0x2ECE: 0x8FB6, 0x2ECF: 0x9091, 0x2ED0: 0x9485, 0x2ED1: 0x9577, 0x2ED2: 0x9578,
    0x2ED3: 0x957F, 0x2ED4: 0x95E8, 0x2ED6: 0x961D, 0x2ED7: 0x96E8, 0x2ED8: 0x9752, 0x2ED9: 0x97E6, 0x2EDA: 0x9875,
    0x2EDB: 0x98CE, 0x2EDC: 0x98DE, 0x2EDD: 0x98DF, 0x2EDF: 0x98E0, 0x2EE0: 0x9963, 0x2EE2: 0x9A6C, 0x2EE3: 0x9AA8,
    0x2EE4: 0x9B3C, 0x2EE5: 0x9C7C, 0x2EE6: 0x9E1F, 0x2EE7: 0x5364, 0x2EE8: 0x9EA6, 0x2EE9: 0x9EC4, 0x2EEA: 0x9EFE,
    0x2EEB: 0x6589, 0x2EEC: 0x9F50, 0x2EED: 0x6B6F, 0x2EEE: 0x9F7F, 0x2EEF: 0x7ADC, 0x2EF0: 0x9F99, 0x2EF1: 0x9F9C,
    0x2EF2: 0x4E80, 0x2EF3: 0x9F9F, 0x31CF: 0x4E40, 0x31D0: 0x4E00, 0x31D1: 0x4E28, 0x31D2: 0x4E3F, 0x31D3: 0x4E3F,
    0x31D4: 0x4E36, 0x31D6: 0x4E5B, 0x31DA: 0x4E85, 0x31DD: 0x4E40, 0x31DF: 0x4E5A, 0x31E0: 0x4E59,
}

_BLOCK = re.compile(rb"beginbf(char|range)\s(.*?)endbf\1", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")


def ideograph_for(code: int) -> int:
    """The unified ideograph a radical or stroke code point stands for (``code`` itself
    when it is none of those)."""
    if 0x2F00 <= code <= 0x2FD5:
        return ord(unicodedata.normalize("NFKC", chr(code)))
    return EQUIVALENT.get(code, code)


def _fixed_code(token: bytes) -> bytes:
    if len(token) != 4:
        return token
    code = int(token, 16)
    new = ideograph_for(code)
    return token if new == code else b"%04X" % new


def _fix_entries(kind: bytes, body: bytes) -> tuple[bytes, int]:
    """``body`` of a bfchar or bfrange block with destination codes fixed; (body, count)."""
    count = 0
    lines = body.split(b"\n")
    for i, line in enumerate(lines):
        tokens = list(_HEX.finditer(line))
        if kind == b"char":
            targets = tokens[1:2]  # <src> <dst>
        elif b"[" in line:
            start = line.index(b"[")
            targets = [t for t in tokens if t.start() > start]  # <lo> <hi> [<dst>...]
        elif len(tokens) == 3 and tokens[0].group(1) == tokens[1].group(1):
            targets = tokens[2:]  # <lo> <lo> <dst>: one code
        else:
            targets = []  # a run of consecutive codes: left as it is
        if not targets:
            continue
        out, pos = [], 0
        for t in targets:
            new = _fixed_code(t.group(1))
            if new != t.group(1):
                count += 1
            out += [line[pos:t.start(1)], new]
            pos = t.end(1)
        out.append(line[pos:])
        lines[i] = b"".join(out)
    return b"\n".join(lines), count


def repair_bytes(data: bytes) -> tuple[bytes, int]:
    """PDF ``data`` with radical code points of its ToUnicode maps replaced by the
    ideographs they stand for; (data of the same length, number of entries changed)."""
    total = 0

    def fix(match):
        nonlocal total
        body, count = _fix_entries(match.group(1), match.group(2))
        total += count
        text = match.string
        return text[match.start(0):match.start(2)] + body + text[match.end(2):match.end(0)]

    out = _BLOCK.sub(fix, data)
    return out, total


def repair_text_layer(path: str) -> int:
    """Repair the text layer of the PDF at ``path`` in place (see the module doc); returns
    the number of ToUnicode entries changed (0: the file is left untouched)."""
    with open(path, "rb") as fh:
        data = fh.read()
    out, count = repair_bytes(data)
    if count:
        if len(out) != len(data):  # every code is replaced by one of the same length
            raise RuntimeError(f"{path}: text layer repair changed the file length")
        tmp = path + ".hz-tmp"
        with open(tmp, "wb") as fh:
            fh.write(out)
        os.replace(tmp, path)
    return count
