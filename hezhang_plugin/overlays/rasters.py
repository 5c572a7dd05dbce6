"""Local rasters (GeoTIFF, COG, VRT) with band presets for multispectral scenes.

Presets: true colour (R-G-B), false colour (NIR-R-G, vegetation red, water dark) and NDWI
(McFeeters: (green - NIR) / (green + NIR), water > 0). NDWI is computed once to a Float32
GeoTIFF with GDAL and numpy (block by block, so big scenes fit in memory) and shown as a
single-band pseudocolour layer: it renders in any QGIS without extra packages, unlike a
VRT pixel function written in Python.

Band numbers default to the order of Chinese GF-1/GF-2 multispectral products
(1 blue, 2 green, 3 red, 4 NIR); other sensors pass their own.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional

import numpy as np
from osgeo import gdal
from qgis.core import (
    QgsColorRampShader,
    QgsContrastEnhancement,
    QgsMultiBandColorRenderer,
    QgsRasterLayer,
    QgsRasterMinMaxOrigin,
    QgsRasterShader,
    QgsSingleBandPseudoColorRenderer,
    QgsTask,
)
from qgis.PyQt.QtCore import QCoreApplication
from qgis.PyQt.QtGui import QColor

from hezhang_plugin.core.gdalerrors import gdal_exceptions
from hezhang_plugin.overlays.sources import OverlayError

PRESETS = ("true_colour", "false_colour", "ndwi", "default")
RASTER_FILTER = "Rasters (*.tif *.tiff *.vrt *.img *.jp2);;All files (*)"



def preset_label(preset: str) -> str:
    return {
        "true_colour": QCoreApplication.translate("Hezhang", "True colour (R-G-B)"),
        "false_colour": QCoreApplication.translate("Hezhang", "False colour (NIR-R-G)"),
        "ndwi": QCoreApplication.translate("Hezhang", "NDWI water index"),
        "default": QCoreApplication.translate("Hezhang", "As stored"),
    }[preset]


@dataclass(frozen=True)
class Bands:
    blue: int = 1
    green: int = 2
    red: int = 3
    nir: int = 4

    def for_preset(self, preset: str) -> tuple[int, ...]:
        return {
            "true_colour": (self.red, self.green, self.blue),
            "false_colour": (self.nir, self.red, self.green),
            "ndwi": (self.green, self.nir),
            "default": (),
        }[preset]


@gdal_exceptions
def band_count(path: str) -> int:
    try:
        ds = gdal.Open(path)
    except RuntimeError as exc:
        raise OverlayError(QCoreApplication.translate("Hezhang", "{0} is not a readable raster: {1}").format(
            os.path.basename(path), exc)) from exc
    n = ds.RasterCount
    ds = None
    return n


def _check_bands(path: str, needed: tuple[int, ...]) -> None:
    n = band_count(path)
    bad = [b for b in needed if b < 1 or b > n]
    if bad:
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "{0} has {1} band(s); band {2} does not exist.").format(
            os.path.basename(path), n, bad[0]))


def open_raster(path: str, name: Optional[str] = None, preset: str = "default",
                bands: Optional[Bands] = None) -> QgsRasterLayer:
    """A raster layer of a local file with a band preset (NDWI: see :func:`compute_ndwi`)."""
    bands = bands or Bands()
    if preset not in PRESETS:
        raise OverlayError(QCoreApplication.translate("Hezhang", "Unknown band preset {0}.").format(preset))
    if not os.path.exists(path):
        raise OverlayError(QCoreApplication.translate("Hezhang", "{0} does not exist.").format(path))
    # An NDWI layer opens the single-band result of compute_ndwi, not the scene itself.
    needed = () if preset == "ndwi" else bands.for_preset(preset)
    _check_bands(path, needed)
    layer = QgsRasterLayer(path, name or os.path.splitext(os.path.basename(path))[0], "gdal")
    if not layer.isValid():
        raise OverlayError(QCoreApplication.translate(
            "Hezhang", "{0} could not be opened as a raster.").format(os.path.basename(path)))
    if preset in ("true_colour", "false_colour"):
        r, g, b = needed
        renderer = QgsMultiBandColorRenderer(layer.dataProvider(), r, g, b)
        layer.setRenderer(renderer)
        layer.setContrastEnhancement(QgsContrastEnhancement.ContrastEnhancementAlgorithm.StretchToMinimumMaximum,
                                     QgsRasterMinMaxOrigin.CumulativeCut)
    elif preset == "ndwi":
        if layer.bandCount() != 1:
            raise OverlayError(QCoreApplication.translate(
                "Hezhang", "Compute the NDWI raster first (compute_ndwi)."))
        style_ndwi(layer)
    layer.setCustomProperty("hezhang/overlay", "local")
    layer.setCustomProperty("hezhang/preset", preset)
    return layer


def style_ndwi(layer: QgsRasterLayer, threshold: float = 0.0) -> None:
    """Brown (dry) to white at the threshold to blue (water), on -1..1."""
    ramp = QgsColorRampShader(-1.0, 1.0)
    ramp.setColorRampType(QgsColorRampShader.Interpolated)
    ramp.setColorRampItemList([
        QgsColorRampShader.ColorRampItem(-1.0, QColor("#8c510a"), "-1"),
        QgsColorRampShader.ColorRampItem(threshold, QColor("#f5f5f5"), f"{threshold:g}"),
        QgsColorRampShader.ColorRampItem(1.0, QColor("#08519c"), "1"),
    ])
    shader = QgsRasterShader()
    shader.setRasterShaderFunction(ramp)
    renderer = QgsSingleBandPseudoColorRenderer(layer.dataProvider(), 1, shader)
    renderer.setClassificationMin(-1.0)
    renderer.setClassificationMax(1.0)
    layer.setRenderer(renderer)


def ndwi_array(green: np.ndarray, nir: np.ndarray, nodata=None) -> np.ndarray:
    """NDWI as float32; NaN where both bands are 0 or either is nodata."""
    g = green.astype("float32")
    n = nir.astype("float32")
    with np.errstate(invalid="ignore", divide="ignore"):
        out = (g - n) / (g + n)
    bad = ~np.isfinite(out)
    if nodata is not None:
        gnd, nnd = nodata
        if gnd is not None:
            bad |= green == gnd
        if nnd is not None:
            bad |= nir == nnd
    out[bad] = np.nan
    return out


@gdal_exceptions
def compute_ndwi(path: str, out_path: str, bands: Optional[Bands] = None, feedback=None,
                 block_rows: int = 512) -> str:
    """Write the NDWI of ``path`` to a Float32 GeoTIFF (NaN nodata); returns ``out_path``."""
    bands = bands or Bands()
    _check_bands(path, (bands.green, bands.nir))
    src = gdal.Open(path)
    gb, nb = src.GetRasterBand(bands.green), src.GetRasterBand(bands.nir)
    xs, ys = src.RasterXSize, src.RasterYSize
    tmp = out_path + ".part.tif"
    drv = gdal.GetDriverByName("GTiff")
    dst = drv.Create(tmp, xs, ys, 1, gdal.GDT_Float32, ["COMPRESS=DEFLATE", "TILED=YES"])
    dst.SetGeoTransform(src.GetGeoTransform())
    dst.SetProjection(src.GetProjection())
    out = dst.GetRasterBand(1)
    out.SetNoDataValue(float("nan"))
    try:
        for row in range(0, ys, block_rows):
            if feedback is not None and feedback.isCanceled():
                raise OverlayError(QCoreApplication.translate("Hezhang", "NDWI computation cancelled."))
            h = min(block_rows, ys - row)
            arr = ndwi_array(gb.ReadAsArray(0, row, xs, h), nb.ReadAsArray(0, row, xs, h),
                             (gb.GetNoDataValue(), nb.GetNoDataValue()))
            out.WriteArray(arr, 0, row)
            if feedback is not None:
                feedback.setProgress(100.0 * (row + h) / ys)
        out.FlushCache()
        dst = None
        src = None
        os.replace(tmp, out_path)
    except BaseException:
        dst = None
        if os.path.exists(tmp):
            os.remove(tmp)
        raise
    return out_path


class NdwiTask(QgsTask):
    """Computes an NDWI raster off the UI thread; the caller adds the layer on success."""

    def __init__(self, path: str, out_path: str, bands: Bands):
        super().__init__(QCoreApplication.translate(
            "Hezhang", "NDWI of {0}").format(os.path.basename(path)), QgsTask.Flag.CanCancel)
        self.path, self.out_path, self.bands = path, out_path, bands
        self.error: Optional[str] = None

    def run(self) -> bool:
        class _Feedback:
            def __init__(self, task):
                self.task = task

            def isCanceled(self):
                return self.task.isCanceled()

            def setProgress(self, value):
                self.task.setProgress(value)

        try:
            compute_ndwi(self.path, self.out_path, self.bands, _Feedback(self))
        except (OverlayError, RuntimeError, OSError) as exc:
            self.error = str(exc)
            return False
        return True
