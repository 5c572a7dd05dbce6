"""Use cases between the dock/algorithms and core.

Each use case reads through a workspace backend (:mod:`hezhang_plugin.data.backend`: a
GeoPackage path today, ``service=NAME`` for PostgreSQL), calls core's pure planners, which
take rows and return one :class:`~hezhang_plugin.core.changes.ChangeSet`, and applies it:

- batch (Processing algorithms, the dock's background tasks): ``backend.apply(changeset)``,
  one transaction, all rows or none;
- interactive (the dock, with the workspace's layers in the QGIS project): the same change
  set through the QGIS edit buffers in one undoable edit command
  (``hezhang_plugin.gui.edit_buffer``), saved when the user saves.

Every function takes a workspace URI or an open :class:`~hezhang_plugin.data.backend.Backend`.
"""
