"""Check a plugin zip against the QGIS plugin repository's upload rules."""

from __future__ import annotations

import configparser
import re
import sys
import zipfile

REQUIRED = ["name", "qgisMinimumVersion", "description", "about", "version", "author", "email",
            "repository"]
BINARY_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".dll", ".exe", ".dylib", ".bin", ".o", ".a")
URL_KEYS = ("homepage", "tracker", "repository")
MAX_BYTES = 25 * 1024 * 1024


def problems(path: str) -> list[str]:
    out = []
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        tops = {n.split("/", 1)[0] for n in names}
        if len(tops) != 1:
            return [f"the zip must hold exactly one top folder, it holds {sorted(tops)}"]
        top = tops.pop()
        if not re.match(r"^[A-Za-z_][A-Za-z0-9_]*$", top):
            out.append(f"top folder {top!r} is not a valid Python package name")
        for required in ("__init__.py", "metadata.txt", "LICENSE"):
            if f"{top}/{required}" not in names:
                out.append(f"{top}/{required} is missing")
        for n in names:
            parts = n.split("/")
            if "__pycache__" in parts or ".git" in parts or n.endswith(BINARY_SUFFIXES):
                out.append(f"forbidden file in the zip: {n}")
            if zf.getinfo(n).external_attr >> 16 & 0o111:
                out.append(f"executable file in the zip: {n}")
        if sum(i.file_size for i in zf.infolist()) > MAX_BYTES:
            out.append("the plugin is larger than 25 MB")
        if f"{top}/metadata.txt" in names:
            cp = configparser.ConfigParser()
            cp.read_string(zf.read(f"{top}/metadata.txt").decode("utf-8"))
            meta = dict(cp["general"]) if cp.has_section("general") else {}
            meta = {k.lower(): v for k, v in meta.items()}
            for key in REQUIRED:
                if not meta.get(key.lower(), "").strip():
                    out.append(f"metadata.txt lacks {key}")
            for key in URL_KEYS:
                url = meta.get(key, "")
                if url and not re.match(r"^https?://[^\s/]+\.[^\s/]+/\S+$", url):
                    out.append(f"metadata.txt {key} is not a real URL: {url!r}")
                if "example.com" in url or "localhost" in url:
                    out.append(f"metadata.txt {key} is a placeholder URL: {url!r}")
            if not re.match(r"^\d+\.\d+(\.\d+)?$", meta.get("version", "")):
                out.append("metadata.txt version is not of the form X.Y[.Z]")
            icon = meta.get("icon")
            if icon and f"{top}/{icon}" not in names:
                out.append(f"metadata.txt icon {icon} is not in the zip")
    return out


def main() -> int:
    found = problems(sys.argv[1])
    for p in found:
        sys.stderr.write(f"invalid: {p}\n")
    if not found:
        sys.stdout.write(f"{sys.argv[1]}: valid for the QGIS plugin repository\n")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
