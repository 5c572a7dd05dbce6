"""Dialog asking for the district and file of a new workspace."""

from __future__ import annotations

from qgis.core import QgsCoordinateReferenceSystem
from qgis.gui import QgsFileWidget, QgsProjectionSelectionWidget
from qgis.PyQt.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit

from hezhang_plugin.core import codes


class NewWorkspaceDialog(QDialog):
    def __init__(self, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("New river-chief workspace"))
        self.setObjectName("HezhangNewWorkspaceDialog")
        form = QFormLayout(self)
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("districtCode")
        self.code_edit.setPlaceholderText(self.tr("6-digit GB/T 2260 code, e.g. 411171"))
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("districtName")
        self.crs_widget = QgsProjectionSelectionWidget()
        self.crs_widget.setCrs(QgsCoordinateReferenceSystem("EPSG:4490"))
        self.file_widget = QgsFileWidget()
        self.file_widget.setStorageMode(QgsFileWidget.StorageMode.SaveFile)
        self.file_widget.setFilter(self.tr("GeoPackage (*.gpkg)"))
        self.error_label = QLabel()
        self.error_label.setStyleSheet("color: #c00000")
        self.error_label.setWordWrap(True)
        form.addRow(self.tr("District code"), self.code_edit)
        form.addRow(self.tr("District name"), self.name_edit)
        form.addRow(self.tr("CRS"), self.crs_widget)
        form.addRow(self.tr("Workspace file"), self.file_widget)
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def values(self) -> dict:
        path = self.file_widget.filePath().strip()
        if path and not path.lower().endswith(".gpkg"):
            path += ".gpkg"
        return {
            "DISTRICT_CODE": self.code_edit.text().strip(),
            "DISTRICT_NAME": self.name_edit.text().strip(),
            "CRS": self.crs_widget.crs().authid(),
            "OUTPUT": path,
        }

    def validation_error(self) -> str:
        v = self.values()
        try:
            codes.district_code(v["DISTRICT_CODE"])
        except codes.CodeError as exc:
            if exc.message.key == "district_code.not_county":
                return self.tr("District code must end in 000000 (a county-level unit).")
            return self.tr("District code must be the 6-digit or 12-digit code of the district.")
        if not v["DISTRICT_NAME"]:
            return self.tr("District name is empty.")
        if not v["OUTPUT"]:
            return self.tr("Choose where to save the workspace.")
        return ""

    def accept(self):
        err = self.validation_error()
        if err:
            self.error_label.setText(err)
            return
        super().accept()
