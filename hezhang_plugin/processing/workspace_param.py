"""The WORKSPACE parameter: a workspace GeoPackage path or a PostgreSQL service (``service=NAME``)."""

from __future__ import annotations

from qgis.core import QgsProcessingParameterFile

from hezhang_plugin.data.postgres.connection import is_postgres


class WorkspaceParameter(QgsProcessingParameterFile):
    """A file parameter (browse button for .gpkg files) that also accepts ``service=NAME``."""

    def __init__(self, name: str, description: str, optional: bool = False):
        super().__init__(name, description, QgsProcessingParameterFile.File, "", None, optional,
                         "GeoPackage (*.gpkg *.GPKG)")
        self.setHelp("A workspace GeoPackage (.gpkg) or a PostgreSQL workspace: service=NAME "
                     "(a service of pg_service.conf)")

    def clone(self):
        return WorkspaceParameter(self.name(), self.description(),
                                  bool(self.flags() & QgsProcessingParameterFile.FlagOptional))

    def checkValueIsAcceptable(self, value, context=None) -> bool:  # noqa: N802 - Qt override
        text = "" if value is None else str(value).strip()
        if not text:
            return bool(self.flags() & QgsProcessingParameterFile.FlagOptional)
        return is_postgres(text) or text.lower().endswith(".gpkg")
