"""Child processes on QGIS's own Python interpreter, on Linux, Windows and macOS.

Inside QGIS desktop, ``sys.executable`` is embedded Python's guess: on Linux the first
``python3`` on PATH (pyenv's, conda's…, which cannot import QGIS), on Windows the QGIS
program itself. The export worker is therefore started on an interpreter found where
QGIS installs lay it out, next to the Python QGIS runs (``sys.base_prefix``):

- Linux (distribution packages, Flatpak, conda): ``PREFIX/bin/python3.X``, ``PREFIX/bin/python3``;
- Windows (OSGeo4W and the standalone installer): ``PREFIX\\python.exe`` (``apps\\Python3X``),
  ``OSGEO4W_ROOT\\bin\\python3.exe``, ``OSGEO4W_ROOT\\apps\\Python3X\\python.exe``;
- macOS (QGIS.app): ``QGIS.app/Contents/MacOS/bin/python3.X`` (and ``python3``), and
  ``PREFIX/bin/python3.X`` of the bundled Python framework;

then ``sys.executable`` and the first ``python3`` on PATH, last. A candidate is used only
after it has imported ``qgis.core`` and reported this QGIS's own version
(``Qgis.QGIS_VERSION_INT``); the answer is kept for the process. ``None`` means no
interpreter qualifies: callers then export in-process and say so.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess  # nosec B404 - starts the plugin's own worker modules, no shell
import sys
from typing import Optional, Sequence

#: Set in a child's environment: the interpreter the parent verified (children trust it).
ENV_PYTHON = "HEZHANG_QGIS_PYTHON"
#: Seconds allowed for a candidate interpreter to import QGIS.
PROBE_TIMEOUT = 120

_PLUGIN_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_cache: dict = {}


def python_candidates(system: str, base_prefix: str, version: tuple, executable: str = "",
                      app_dir: str = "", env: Optional[dict] = None,
                      path_python: Optional[str] = None) -> list:
    """Interpreters to try, best first, for a QGIS install laid out as on ``system``
    ("Linux", "Windows", "Darwin"): ``base_prefix`` is the prefix of the Python QGIS runs,
    ``version`` its (major, minor), ``app_dir`` the folder of the QGIS program, ``env`` the
    environment. Pure: nothing is checked on disk here."""
    env = env if env is not None else {}
    major, minor = version[0], version[1]
    exact, generic = f"python{major}.{minor}", f"python{major}"
    out: list = []
    if system == "Windows":
        out.append(os.path.join(base_prefix, "python.exe"))
        root = env.get("OSGEO4W_ROOT", "")
        if not root and app_dir:
            root = os.path.dirname(app_dir)  # ROOT\bin\qgis-bin.exe
        if root:
            out += [os.path.join(root, "bin", "python3.exe"), os.path.join(root, "bin", "python.exe"),
                    os.path.join(root, "apps", f"Python{major}{minor}", "python.exe")]
    elif system == "Darwin":
        if app_dir:
            out += [os.path.join(app_dir, "bin", exact), os.path.join(app_dir, "bin", generic),
                    os.path.join(app_dir, "bin", "python")]
        out += [os.path.join(base_prefix, "bin", exact), os.path.join(base_prefix, "bin", generic)]
    else:
        out += [os.path.join(base_prefix, "bin", exact), os.path.join(base_prefix, "bin", generic)]
        if app_dir:
            out += [os.path.join(app_dir, exact), os.path.join(app_dir, generic)]
    if executable:
        out.append(executable)
    if path_python:
        out.append(path_python)
    seen, unique = set(), []
    for p in out:
        key = os.path.normcase(os.path.normpath(p))
        if p and key not in seen:
            seen.add(key)
            unique.append(p)
    return unique


def _app_dir() -> str:
    try:
        from qgis.core import QgsApplication

        return QgsApplication.applicationDirPath() or ""
    except (ImportError, RuntimeError):
        return ""


def _python_paths() -> list:
    """Folders a child needs on its sys.path to import what this process imports: the
    plugin's parent folder, then this process's own package folders in its order (QGIS
    adds its ``qgis`` package folder and plugin folders at run time, a virtualenv its
    site-packages: neither is on the child's default path)."""
    import sysconfig

    stdlib = {os.path.normcase(os.path.abspath(sysconfig.get_paths()[k])) for k in ("stdlib", "platstdlib")}
    paths = [_PLUGIN_PARENT]
    for p in sys.path:
        if not p or not os.path.isdir(p) or p.endswith(".zip"):
            continue
        full = os.path.normcase(os.path.abspath(p))
        if any(full == s or (full.startswith(s + os.sep) and "-packages" not in full) for s in stdlib):
            continue
        if os.path.abspath(p) not in paths:
            paths.append(os.path.abspath(p))
    return paths


def child_env(python: Optional[str] = None, proj_data: Optional[str] = None) -> dict:
    """Environment of a worker process: the plugin and QGIS's Python package importable,
    QGIS's prefix, offscreen Qt, PROJ data resolved at start-up, the verified interpreter."""
    env = dict(os.environ)
    paths = _python_paths()  # this process's order: a virtualenv's packages before the system's
    rest = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p and os.path.abspath(p) not in paths]
    env["PYTHONPATH"] = os.pathsep.join(paths + rest)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    try:
        from qgis.core import QgsApplication

        prefix = QgsApplication.prefixPath()
        if prefix:
            env.setdefault("QGIS_PREFIX_PATH", prefix)
    except (ImportError, RuntimeError):
        pass
    if proj_data is None:
        from hezhang_plugin.core import geodesy

        proj_data = geodesy.proj_data_dir()
    if proj_data and not env.get("PROJ_DATA"):
        env["PROJ_DATA"] = proj_data
    if python:
        env[ENV_PYTHON] = python
    return env


def popen_kwargs(new_group: bool = True) -> dict:
    """subprocess options: no console window on Windows; with ``new_group``, a process
    group of its own, so :func:`stop` ends the worker and the processes it started."""
    if sys.platform == "win32":
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)
        if new_group:
            flags |= getattr(subprocess, "CREATE_NEW_PROCESS_GROUP", 0)
        return {"creationflags": flags}
    return {"start_new_session": True} if new_group else {}


def stop(proc: subprocess.Popen, wait: bool = True) -> None:
    """Stop a worker started with :func:`popen_kwargs` and the processes it started
    (``wait``: until it has ended, killing it after 10 s)."""
    if proc.poll() is not None:
        return
    if sys.platform != "win32":
        import signal

        try:
            os.killpg(proc.pid, signal.SIGTERM)
        except (ProcessLookupError, PermissionError):
            proc.terminate()
    else:
        proc.terminate()
    if not wait:
        return
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def probe(python: str, expected_version: int, timeout: float = PROBE_TIMEOUT) -> bool:
    """True when ``python`` imports qgis.core and reports ``expected_version``."""
    if not python or not os.path.isfile(python):
        return False
    code = "from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)"
    try:
        res = subprocess.run([python, "-c", code], capture_output=True, text=True,  # nosec B603 - fixed arguments, no shell
                             timeout=timeout, env=child_env(proj_data=""), **popen_kwargs(new_group=False))
    except (OSError, subprocess.SubprocessError):
        return False
    lines = res.stdout.strip().splitlines()
    return res.returncode == 0 and bool(lines) and lines[-1].strip() == str(expected_version)


def qgis_python(candidates: Optional[Sequence[str]] = None) -> Optional[str]:
    """QGIS's own Python interpreter for child processes, or None (see the module doc)."""
    from qgis.core import Qgis

    explicit = candidates is not None
    if not explicit and "python" in _cache:
        return _cache["python"]
    inherited = os.environ.get(ENV_PYTHON)
    if not explicit and inherited and os.path.isfile(inherited):
        _cache["python"] = inherited  # verified by the parent process
        return inherited
    if not explicit:
        import platform

        candidates = python_candidates(platform.system(), sys.base_prefix, sys.version_info[:2],
                                       executable=sys.executable or "", app_dir=_app_dir(),
                                       env=dict(os.environ), path_python=shutil.which("python3"))
    found = None
    for candidate in candidates:
        if probe(candidate, Qgis.QGIS_VERSION_INT):
            found = candidate
            break
    if not explicit:
        _cache["python"] = found
    return found


def forget() -> None:
    """Drop the cached answer (tests; after QGIS's Python moved)."""
    _cache.clear()


# ---------------------------------------------------------------- paths GDAL reads as URIs

_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")


def needs_alias(path: str) -> bool:
    """True when GDAL would misread ``path`` as QGIS opens GeoPackages read-only: GDAL
    builds the SQLite URI ``file:PATH?nolock=1`` escaping ``?`` and ``#`` but not ``%``,
    so a ``%20`` in a folder or file name becomes a space (GDAL 3.6–3.13)."""
    return _ESCAPE.search(path) is not None


def alias_path(path: str) -> str:
    """``path``, or the same file reached through a link without ``%XX`` in its path when
    :func:`needs_alias`: a symbolic link (a directory junction on Windows) to its folder in
    ``TEMP/hezhang-links`` (and, for a file name with ``%XX``, a link to the file). Falls
    back to ``path`` itself when no link can be made (the caller's open then reports why)."""
    if not needs_alias(path):
        return path
    import hashlib
    import tempfile

    real = os.path.realpath(path)
    folder, name = os.path.split(real)
    base = os.path.join(tempfile.gettempdir(), "hezhang-links")
    link = os.path.join(base, hashlib.sha256(folder.encode("utf-8")).hexdigest()[:16])
    if needs_alias(link):
        return path
    try:
        os.makedirs(base, exist_ok=True)
        if not (os.path.isdir(link) and os.path.realpath(link) == folder):
            if os.path.islink(link) or os.path.isfile(link):
                os.remove(link)
            elif os.path.isdir(link):
                os.rmdir(link)  # a stale junction (Windows)
            _link_folder(folder, link)
        if not needs_alias(name):
            return os.path.join(link, name)
        file_link = os.path.join(link + "-files", hashlib.sha256(name.encode("utf-8")).hexdigest()[:16] +
                                 os.path.splitext(name)[1])
        os.makedirs(os.path.dirname(file_link), exist_ok=True)
        if not os.path.lexists(file_link):
            os.symlink(real, file_link)
        return file_link
    except OSError:
        return path


def _link_folder(target: str, link: str) -> None:
    if sys.platform == "win32":
        import _winapi  # a junction needs no administrator rights, unlike a symbolic link

        _winapi.CreateJunction(target, link)
    else:
        os.symlink(target, link, target_is_directory=True)
