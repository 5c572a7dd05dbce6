"""The plugin's one logger, bridged into the QGIS message log under the tag "Hezhang"."""

from __future__ import annotations

import logging

from qgis.core import Qgis, QgsMessageLog

TAG = "Hezhang"
LOGGER_NAME = "hezhang_plugin"


class QgisLogHandler(logging.Handler):
    LEVELS = {
        logging.DEBUG: Qgis.Info,
        logging.INFO: Qgis.Info,
        logging.WARNING: Qgis.Warning,
        logging.ERROR: Qgis.Critical,
        logging.CRITICAL: Qgis.Critical,
    }

    def emit(self, record: logging.LogRecord) -> None:
        try:
            QgsMessageLog.logMessage(self.format(record), TAG, self.LEVELS.get(record.levelno, Qgis.Info))
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
