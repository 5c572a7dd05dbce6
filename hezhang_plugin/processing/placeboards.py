"""hezhang:placeboards — a notice board for each segment lacking one, content dates, stale boards."""

from __future__ import annotations

import datetime as dt

from qgis.core import (
    QgsProcessingException,
    QgsProcessingOutputNumber,
    QgsProcessingOutputString,
    QgsProcessingParameterBoolean,
    QgsProcessingParameterDateTime,
    QgsProcessingParameterNumber,
    QgsProcessingParameterString,
)
from qgis.PyQt.QtCore import QT_TRANSLATE_NOOP

from hezhang_plugin.i18n import user_text
from hezhang_plugin.processing.base import HezhangAlgorithm
from hezhang_plugin.processing.workspace_param import WorkspaceParameter


class PlaceBoardsAlgorithm(HezhangAlgorithm):
    ALG_ID = "placeboards"
    DISPLAY = QT_TRANSLATE_NOOP("PlaceBoardsAlgorithm", "Place notice boards")
    GROUP = "Maps"
    GROUP_ID = "maps"
    HELP = QT_TRANSLATE_NOOP(
        "PlaceBoardsAlgorithm",
        "Places a notice board (公示牌) on every current segment lacking one, following the "
        "common provincial rule: one board per river per village, plus one for each further "
        "KM_PER_BOARD km (default 8) of the segment. Boards are put at evenly spaced points on "
        "the segment and can be moved afterwards. With REFRESH_DATES, boards whose chiefs "
        "changed after their content date get today's content date (they are to be reprinted). "
        "Lists stale boards: boards older than their chiefs' current appointments.")

    def initAlgorithm(self, config=None):
        self.addParameter(WorkspaceParameter("WORKSPACE", self.tr("Workspace")))
        self.addParameter(QgsProcessingParameterNumber(
            "KM_PER_BOARD", self.tr("One more board per (km)"), QgsProcessingParameterNumber.Double, 8.0,
            True, 0.5))
        self.addParameter(QgsProcessingParameterString(
            "HOTLINE", self.tr("Supervision hotline for new boards"), "12345", optional=True))
        self.addParameter(QgsProcessingParameterBoolean(
            "REFRESH_DATES", self.tr("Refresh content dates of stale boards"), False, True))
        self.addParameter(QgsProcessingParameterDateTime(
            "DATE", self.tr("Date (default today)"), QgsProcessingParameterDateTime.Date, optional=True))
        self.addOutput(QgsProcessingOutputNumber("PLACED", self.tr("Boards placed")))
        self.addOutput(QgsProcessingOutputNumber("STALE", self.tr("Stale boards")))
        self.addOutput(QgsProcessingOutputString("STALE_CODES", self.tr("Stale board codes")))

    def processAlgorithm(self, parameters, context, feedback):
        from hezhang_plugin.data import io
        from hezhang_plugin.data.gpkg import check_not_busy, check_writable
        from hezhang_plugin.data.postgres.connection import is_postgres
        from hezhang_plugin.data.workspace import WorkspaceError, check_workspace

        path = self.parameterAsFile(parameters, "WORKSPACE", context)
        try:
            check_workspace(path)
            if not is_postgres(path):  # (a PostgreSQL workspace refuses a login without rights itself)
                check_writable(path)
                check_not_busy(path)
        except WorkspaceError as exc:
            raise QgsProcessingException(user_text(exc)) from exc
        try:
            return self._place(path, parameters, context, feedback)
        except (WorkspaceError, io.WriteError) as exc:
            raise QgsProcessingException(user_text(exc)) from exc

    def _place(self, path, parameters, context, feedback):
        from hezhang_plugin.core import boards, codes
        from hezhang_plugin.services.boards import place_boards

        km = self.parameterAsDouble(parameters, "KM_PER_BOARD", context) or boards.KM_PER_BOARD
        hotline = codes.normalise_phone(self.parameterAsString(parameters, "HOTLINE", context) or "")
        err = codes.check_phone(hotline) if hotline else None
        if err:
            raise QgsProcessingException(self.tr("Hotline: {0}").format(user_text(err)))
        qdate = self.parameterAsDateTime(parameters, "DATE", context)
        on = dt.date(qdate.date().year(), qdate.date().month(), qdate.date().day()) \
            if qdate is not None and qdate.isValid() else dt.date.today()
        refresh = self.parameterAsBool(parameters, "REFRESH_DATES", context)
        result = place_boards(path, km, hotline or None, on, refresh)
        plan, stale = result.placed, result.stale
        feedback.pushInfo(self.tr("{0} notice board(s) placed").format(len(plan)))
        for s in stale:
            feedback.pushInfo(self.tr("Stale board {0} (segment {1}): content {2}, chiefs changed {3}{4}").format(
                s.board_code, s.seg_code, s.content_date or "—", s.changed_on,
                self.tr(", {0} days past the update deadline").format(s.days_overdue) if s.overdue else ""))
        if refresh:
            feedback.pushInfo(self.tr("{0} board content date(s) refreshed").format(result.refreshed))
        return {"PLACED": len(plan), "STALE": len(stale), "STALE_CODES": ",".join(s.board_code for s in stale)}
