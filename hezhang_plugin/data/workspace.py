"""Create, check, migrate and open workspace GeoPackages (tables plus stored project)."""

from __future__ import annotations

import os
import tempfile
from typing import Optional

from qgis.core import QgsProject, QgsVectorLayer

from hezhang_plugin.core import codes, schema
from hezhang_plugin.data import gpkg, migrations
from hezhang_plugin.data import project as wsproject
from hezhang_plugin.data.gpkg import WorkspaceError, WorkspaceInfo

__all__ = ["WorkspaceError", "WorkspaceInfo", "create_workspace", "open_workspace",
           "check_workspace", "layer_uri"]


def layer_uri(path: str, name: str) -> str:
    return wsproject.layer_source(path, name)


def _check_district(code: str, name: str) -> str:
    try:
        code = codes.district_code(code)
    except codes.CodeError as exc:
        raise WorkspaceError(exc.message) from exc
    if not (name or "").strip():
        raise WorkspaceError("workspace.district_name_empty")
    return code


def create_workspace(path: str, district_code: str, district_name: str, crs: Optional[str] = None,
                     lang: str = "zh", overwrite: bool = False,
                     version: int = schema.SCHEMA_VERSION) -> WorkspaceInfo:
    """Write a new workspace GeoPackage with every layer and its project.

    The file appears only when complete: everything is written to a hidden temporary file
    in the same folder and renamed into place at the end.
    """
    path = os.path.abspath(path)
    if not path.lower().endswith(".gpkg"):
        raise WorkspaceError("workspace.file_name", name=os.path.basename(path))
    code = _check_district(district_code, district_name)
    crs = gpkg.check_crs(crs)
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        raise WorkspaceError("workspace.no_folder", folder=folder)
    if not os.access(folder, os.W_OK):
        raise WorkspaceError("workspace.folder_read_only", folder=folder)
    if os.path.exists(path) and not overwrite:
        raise WorkspaceError("workspace.exists", path=path)
    fd, tmp = tempfile.mkstemp(prefix=".hezhang-", suffix=".gpkg", dir=folder)
    os.close(fd)
    os.remove(tmp)
    try:
        gpkg.create_tables(tmp, code, district_name.strip(), crs, version)
        with wsproject.NoWalWrites():
            prj = wsproject.build_project(tmp, code, district_name.strip(), crs, lang, version)
            wsproject.save_styles_to_gpkg(prj)
            wsproject.write_project(prj, tmp, path)
            prj.clear()
            del prj
        os.replace(tmp, path)
    except BaseException:
        gpkg.remove_with_sidecars(tmp)
        raise
    return gpkg.read_workspace_info(path)


def check_workspace(path: str) -> WorkspaceInfo:
    """Metadata of the workspace at ``path`` (a GeoPackage, or ``service=NAME``)."""
    from hezhang_plugin.data.postgres.connection import is_postgres

    if is_postgres(path):
        from hezhang_plugin.data.postgres.workspace import read_workspace_info

        return read_workspace_info(path)
    return gpkg.read_workspace_info(os.path.abspath(path))


def _update_project_fields(tmp_path: str, changes: list[str], final_path: str) -> None:
    """Give fields added by a migration their aliases, widgets and constraints."""
    with wsproject.NoWalWrites():
        _configure_added_fields(tmp_path, changes, final_path)


def _configure_added_fields(tmp_path: str, changes: list[str], final_path: str) -> None:
    prj = QgsProject()
    if not wsproject.read_project(prj, tmp_path):
        return
    by_layer: dict[str, set] = {}
    new_layers = []
    for item in changes:
        if item.startswith("layer:"):
            new_layers.append(item[len("layer:"):])
            continue
        lname, fname = item.split(".", 1)
        by_layer.setdefault(lname, set()).add(fname)
    layers = {}
    for vl in prj.mapLayers().values():
        if isinstance(vl, QgsVectorLayer):
            name = vl.source().split("|layername=")[-1].split("|")[0]
            vl.reload()
            layers[name] = vl
    lang = "zh" if any(vl.name() in {lyr.zh for lyr in schema.LAYERS} for vl in layers.values()) else "en"
    for lname in new_layers:
        if lname not in layers and schema.layer(lname) in schema.data_layers():
            layers[lname] = wsproject.add_workspace_layer(prj, tmp_path, schema.layer(lname), lang)
    for lname in new_layers:
        if lname in layers:
            wsproject.configure_fields(layers[lname], schema.layer(lname), layers, lang)
    wsproject.finish_layers(prj, layers, lang, new_layers)
    for lname, fields in by_layer.items():
        if lname in layers:
            wsproject.configure_fields(layers[lname], schema.layer(lname), layers, lang, only=fields)
    wsproject.write_project(prj, tmp_path, final_path)
    prj.clear()


def open_workspace(path: str, project: QgsProject, migrate: bool = True) -> WorkspaceInfo:
    """Check, migrate if older, and read the workspace's project into ``project``.

    A PostgreSQL workspace (``service=NAME``) is read as it is: it is upgraded by its
    administrator, not by whoever opens it first."""
    from hezhang_plugin.data.postgres.connection import is_postgres

    if is_postgres(path):
        info = check_workspace(path)
        if not project.read(wsproject.project_uri(info.path)):
            raise WorkspaceError(f"{info.path} has no readable Hezhang project "
                                 f"({project.error() or 'project missing'})")
        return info
    path = os.path.abspath(path)
    info = gpkg.read_workspace_info(path)
    if info.schema_version < schema.SCHEMA_VERSION:
        if not migrate:
            raise WorkspaceError("workspace.needs_migration", name=os.path.basename(path),
                                 version=info.schema_version, current=schema.SCHEMA_VERSION)
        migrations.migrate(path, _update_project_fields)
        info = gpkg.read_workspace_info(path)
    if not wsproject.read_project(project, path):
        raise WorkspaceError("workspace.no_project", name=os.path.basename(path),
                             reason=project.error() or "—")
    return info
