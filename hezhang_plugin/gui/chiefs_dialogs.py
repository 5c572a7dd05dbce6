"""Dialogs of the Chiefs page: add or edit a chief, assign segments."""

from __future__ import annotations

from typing import Optional

from qgis.PyQt.QtCore import QDate
from qgis.PyQt.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
)

from hezhang_plugin.core import assignments as amod
from hezhang_plugin.core import schema


def _lang() -> str:
    from hezhang_plugin.i18n import ui_language

    return ui_language()


class ChiefDialog(QDialog):
    """Add or edit a chief; refuses to close while the record is invalid."""

    def __init__(self, units: dict, chief: Optional[dict] = None, parent=None):
        super().__init__(parent)
        self.units = units
        # A new chief may come with defaults (the selected unit): only an id makes it an edit.
        self.setWindowTitle(self.tr("Edit chief") if (chief or {}).get("chief_id") else self.tr("Add chief"))
        lang = _lang()
        form = QFormLayout(self)
        self.name_edit = QLineEdit()
        self.level_combo = QComboBox()
        for c in schema.LEVELS.choices:
            self.level_combo.addItem(c.zh if lang == "zh" else c.en, c.value)
        self.role_combo = QComboBox()
        for c in schema.ROLES.choices:
            self.role_combo.addItem(c.zh if lang == "zh" else c.en, c.value)
        self.position_edit = QLineEdit()
        self.organisation_edit = QLineEdit()
        self.unit_combo = QComboBox()
        for code, u in sorted(units.items()):
            self.unit_combo.addItem(f"{u.get('name') or ''} ({code})", code)
        self.phone_edit = QLineEdit()
        # Labels are the chiefs layer's own field names (姓名, 级别…), as its form shows them.
        chiefs = schema.layer("chiefs")
        for name, widget in (("name", self.name_edit), ("level", self.level_combo), ("role", self.role_combo),
                             ("position", self.position_edit), ("organisation", self.organisation_edit),
                             ("unit_code", self.unit_combo), ("phone", self.phone_edit)):
            f = chiefs.field(name)
            form.addRow(f.zh if lang == "zh" else f.en, widget)
        self.error_label = QLabel()
        self.error_label.setObjectName("chiefErrors")
        self.error_label.setStyleSheet("color: #b00020")
        self.error_label.setWordWrap(True)
        form.addRow(self.error_label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        chief = chief or {"role": "chief"}
        self.name_edit.setText(chief.get("name") or "")
        self.level_combo.setCurrentIndex(max(0, self.level_combo.findData(chief.get("level") or "village")))
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(chief.get("role") or "chief")))
        self.position_edit.setText(chief.get("position") or "")
        self.organisation_edit.setText(chief.get("organisation") or "")
        if chief.get("unit_code"):
            self.unit_combo.setCurrentIndex(max(0, self.unit_combo.findData(chief["unit_code"])))
        self.phone_edit.setText(chief.get("phone") or "")
        # A new chief's level follows the unit chosen until the user picks a level: with no
        # unit selected the dialog showed the district with 村级, refused at once.
        self._level_chosen = bool(chief.get("chief_id") or chief.get("level"))
        self.level_combo.activated.connect(self._level_picked)
        self.unit_combo.currentIndexChanged.connect(self._unit_changed)
        self._unit_changed()

    def _level_picked(self, _index=None) -> None:
        self._level_chosen = True

    def _unit_changed(self, _index=None) -> None:
        if self._level_chosen:
            return
        level = (self.units.get(self.unit_combo.currentData()) or {}).get("level")
        index = self.level_combo.findData(level)
        if index >= 0:
            self.level_combo.setCurrentIndex(index)

    def values(self) -> dict:
        from hezhang_plugin.core.codes import normalise_phone

        return {
            "name": self.name_edit.text().strip(),
            "level": self.level_combo.currentData(),
            "role": self.role_combo.currentData(),
            "position": self.position_edit.text().strip() or None,
            "organisation": self.organisation_edit.text().strip() or None,
            "unit_code": self.unit_combo.currentData(),
            "phone": normalise_phone(self.phone_edit.text()) or None,
        }

    def errors(self) -> list[str]:
        return amod.validate_chief(self.values(), self.units, _lang())

    def accept(self) -> None:
        errors = self.errors()
        if errors:
            self.error_label.setText("\n".join(errors))
            self.adjustSize()  # the wrapped reasons were cut off below the last line shown
            return
        super().accept()


class AssignDialog(QDialog):
    """Choose a chief, start date and duty for the selected segments."""

    def __init__(self, chiefs: list, seg_count: int, date: QDate, parent=None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Assign chief to {0} segments").format(seg_count))
        lang = _lang()
        form = QFormLayout(self)
        self.chief_combo = QComboBox()
        for c in chiefs:
            self.chief_combo.addItem(
                "{} · {} {} · {}".format(
                    c.get("name"),
                    schema.LEVELS.label(c.get("level"), lang),
                    schema.ROLES.label(c.get("role"), lang),
                    c.get("position") or "",
                ),
                c["chief_id"],
            )
        self.date_edit = QDateEdit(date)
        self.date_edit.setCalendarPopup(True)
        self.date_edit.setDisplayFormat("yyyy-MM-dd")
        self.duty_edit = QLineEdit()
        form.addRow(self.tr("Chief"), self.chief_combo)
        form.addRow(self.tr("Start date"), self.date_edit)
        form.addRow(self.tr("Duty"), self.duty_edit)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
