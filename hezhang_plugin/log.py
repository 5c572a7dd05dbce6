"""The plugin's one logger, bridged into the QGIS message log under the tag "Hezhang"."""

from __future__ import annotations

import logging

from qgis.core import Qgis, QgsMessageLog

TAG = "Hezhang"
LOGGER_NAME = "hezhang_plugin"


class QgisLogHandler(logging.Handler):
    LEVELS = {
        logging.DEBUG: Qgis.MessageLevel.Info,
        logging.INFO: Qgis.MessageLevel.Info,
        logging.WARNING: Qgis.MessageLevel.Warning,
        logging.ERROR: Qgis.MessageLevel.Critical,
        logging.CRITICAL: Qgis.MessageLevel.Critical,
    }

    def emit(self, record: logging.LogRecord) -> None:
        try:
            QgsMessageLog.logMessage(self.format(record), TAG, self.LEVELS.get(record.levelno, Qgis.MessageLevel.Info))
        except RuntimeError:  # QGIS already shut down
            pass


def get_logger() -> logging.Logger:
    return logging.getLogger(LOGGER_NAME)


def install_handler() -> QgisLogHandler:
    handler = QgisLogHandler()
    handler.setFormatter(logging.Formatter("%(message)s"))
    logger = get_logger()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def remove_handler(handler: QgisLogHandler) -> None:
    get_logger().removeHandler(handler)
