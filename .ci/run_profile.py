"""Write the QGIS settings of the `make run` profile: the plugin enabled, locale kept."""

from __future__ import annotations

import configparser
import os
import sys


def main(path: str) -> None:
    cp = configparser.RawConfigParser()
    cp.optionxform = str
    if os.path.exists(path):
        cp.read(path, encoding="utf-8")
    for section, key, value in (
        ("PythonPlugins", "hezhang_plugin", "true"),
        ("qgis", "checkVersion", "false"),
        ("qgis", "showTips", "false"),
        ("qgis", "allowVersionCheck", "false"),
        ("app", "qgis\\warnOldProjectVersion", "false"),
    ):
        if not cp.has_section(section):
            cp.add_section(section)
        cp.set(section, key, value)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        cp.write(fh, space_around_delimiters=False)


if __name__ == "__main__":
    main(sys.argv[1])
