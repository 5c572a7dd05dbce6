"""Build the zip the QGIS plugin repository accepts: hezhang_plugin/ with its metadata,
LICENSE and compiled translations; no caches, bytecode or binaries. Symlinks in the
checkout (metadata.txt, LICENSE) are stored as the files they point to."""

from __future__ import annotations

import argparse
import os
import subprocess
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PLUGIN = "hezhang_plugin"
EXCLUDED_DIRS = {"__pycache__", ".pytest_cache"}
EXCLUDED_SUFFIXES = (".pyc", ".pyo", ".so", ".pyd", ".dll", ".exe", ".dylib", ".ts", ".orig", ".rej")


def tracked_files() -> set:
    out = subprocess.run(["git", "ls-files", PLUGIN], cwd=ROOT, capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def build(out: str) -> list[str]:
    tracked = tracked_files()
    names = []
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for folder, dirs, files in os.walk(os.path.join(ROOT, PLUGIN)):
            dirs[:] = sorted(d for d in dirs if d not in EXCLUDED_DIRS)
            for name in sorted(files):
                full = os.path.join(folder, name)
                rel = os.path.relpath(full, ROOT)
                if name.endswith(EXCLUDED_SUFFIXES):
                    continue
                # Only tracked files, plus the compiled translations built by transcompile.
                if rel not in tracked and not name.endswith(".qm"):
                    continue
                with open(full, "rb") as fh:
                    data = fh.read()
                info = zipfile.ZipInfo(rel, date_time=(2024, 1, 1, 0, 0, 0))
                info.external_attr = 0o644 << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, data)
                names.append(rel)
    return names


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", required=True)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    names = build(args.out)
    print(f"{args.out}: {len(names)} files")  # noqa: T201 - command-line tool


if __name__ == "__main__":
    main()
