"""Small images for tests that serve map tiles or WMS responses."""

from __future__ import annotations


def png_bytes(width: int, height: int, rgb: tuple) -> bytes:
    """A PNG of one colour, encoded by Qt."""
    from qgis.PyQt.QtCore import QBuffer, QByteArray, QIODevice
    from qgis.PyQt.QtGui import QColor, QImage

    img = QImage(width, height, QImage.Format.Format_RGB32)
    img.fill(QColor(*rgb))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    return bytes(data)
