"""hezhang:adduser — a login for one person with a role and a unit-code scope (PostgreSQL)."""

from __future__ import annotations

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputString,
    QgsProcessingParameterEnum,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.core import scope
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter


class AddUserAlgorithm(HezhangAlgorithm):
    ALG_ID = "adduser"
    DISPLAY = QT_TRANSLATE_NOOP("AddUserAlgorithm", "Add user (PostgreSQL workspace)")
    HELP = QT_TRANSLATE_NOOP(
        "AddUserAlgorithm",
        "Creates (or updates) the database login of one person in a PostgreSQL workspace "
        "(service=NAME) with one role — viewer, village editor, town editor, district manager or "
        "administrator — and the unit code of the area they edit: a village code for a village "
        "editor, a town code for a town editor, a district (or city) code for a district manager. "
        "Editors change only rows of units whose code starts with their area's prefix; the database "
        "refuses anything else with a message naming the unit. Everyone reads the whole workspace. "
        "No password is set here: the server's administrator gives the login its password or "
        "another authentication method. Run it with an administrator's login that may create roles."
    )

    def initAlgorithm(self, config=None):
        self.addParameter(WorkspaceParameter("WORKSPACE", self.tr("PostgreSQL workspace (service=NAME)")))
        self.addParameter(QgsProcessingParameterString("LOGIN", self.tr("Login")))
        # In the order of core.scope.ROLES.
        roles = [self.tr("Viewer"), self.tr("Village editor"), self.tr("Town editor"),
                 self.tr("District manager"), self.tr("Administrator")]
        if len(roles) != len(scope.ROLES):
            raise RuntimeError("the ROLE options must list core.scope.ROLES")
        self.addParameter(QgsProcessingParameterEnum("ROLE", self.tr("Role"), options=roles, defaultValue=2))
        self.addParameter(QgsProcessingParameterString(
            "UNIT_CODE", self.tr("Unit code of the area (12 digits)"), optional=True))
        self.addParameter(QgsProcessingParameterString("FULL_NAME", self.tr("Full name"), optional=True))
        self.addOutput(QgsProcessingOutputString("LOGIN", self.tr("Login")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data.gpkg import WorkspaceError
        from hezhang_plugin.data.postgres import connection, users

        workspace = self.parameterAsFile(parameters, "WORKSPACE", context)
        if not connection.is_postgres(workspace):
            raise QgsProcessingException(self.tr(
                "Users exist only in a PostgreSQL workspace (service=NAME); a GeoPackage has one writer."))
        role = scope.ROLES[self.parameterAsEnum(parameters, "ROLE", context)].key
        try:
            user = users.add_user(workspace, self.parameterAsString(parameters, "LOGIN", context), role,
                                  self.parameterAsString(parameters, "UNIT_CODE", context) or None,
                                  self.parameterAsString(parameters, "FULL_NAME", context) or None)
        except WorkspaceError as exc:
            raise QgsProcessingException(self.tr("The user was not added: {0}").format(exc)) from exc
        feedback.pushInfo(self.tr("{0}: {1}, area {2}").format(user.login, role, user.unit_prefix or "-"))
        return {"LOGIN": user.login}
