"""What an export is asked to do (:class:`ExportOptions`) and what it did (:class:`ExportStats`).

One :class:`ExportOptions` is built by each way in: the dock's Export tab (from its
widgets), ``hezhang:exportmaps`` (from its parameters) and the export worker's command line
(:meth:`ExportOptions.from_args`, written by :meth:`ExportOptions.to_args`). Every check of
what was asked is made here, once (:meth:`ExportOptions.checked`, and
:meth:`ExportOptions.prepare_folder` for the output folder on disk), with a message naming
the setting and what is allowed, in the UI language.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
from dataclasses import dataclass, field
from typing import Optional, Sequence

from hezhang_plugin.core import dates
from hezhang_plugin.layout import common as c
from hezhang_plugin.layout.errors import ExportError, tr

#: Resolutions accepted (dpi), by the Export tab's spin box and the algorithm's DPI too.
DPI_RANGE = (30, 1200)
DEFAULT_DPI = 300


@dataclass(frozen=True)
class ExportOptions:
    """An export of a workspace's maps.

    - ``workspace``: a GeoPackage path or a PostgreSQL workspace ``service=NAME``;
    - ``products``: keys of :data:`layout.common.PRODUCTS` ("coverage", "atlas", "boards",
      "patrols"), exported in this order; default :data:`layout.common.DEFAULT_PRODUCTS`;
    - ``fmt``: "pdf", "png" or "svg";
    - ``folder``: output folder (default: ``maps`` beside a GeoPackage workspace; required
      for a PostgreSQL one);
    - ``dpi``: resolution, 30–1200 (:data:`DPI_RANGE`);
    - ``page_size``: "A3", "A4" or "A0" (coverage map and town atlas; boards keep the board's
      proportions);
    - ``one_file_per_page``: one PDF per town / segment instead of one multi-page PDF;
    - ``imagery``: the 遥感影像 group's rasters under the coverage map and the town atlas;
    - ``as_of``: the date the maps show (who is responsible, which segments are current),
      ISO ``YYYY-MM-DD``; ``None``: today;
    - ``patrol_start``, ``patrol_end``: the period of the patrol map (ISO dates, inclusive);
      both empty: the calendar month before the as-of date (before today without one);
    - ``patrol_profile``: the patrol rule profile of the patrol map (a key or name of the
      workspace's patrol_rules, checked when the export reads the workspace); empty: the
      workspace's default profile;
    - ``workers``: processes rendering a large atlas (this one included); ``None``: by the
      number of pages and cores; 1: this process only;
    - ``rebuild``: build the layouts anew even where the project holds them;
    - ``save_project``: store the layouts in the workspace's project;
    - ``isolated``: read the workspace into a private project (for a background thread).
    """

    workspace: str
    products: tuple = c.DEFAULT_PRODUCTS
    fmt: str = "pdf"
    folder: Optional[str] = None
    dpi: int = DEFAULT_DPI
    page_size: str = c.DEFAULT_PAGE
    one_file_per_page: bool = False
    imagery: bool = False
    as_of: Optional[str] = None
    workers: Optional[int] = None
    rebuild: bool = False
    save_project: bool = True
    isolated: bool = False
    patrol_start: Optional[str] = None
    patrol_end: Optional[str] = None
    patrol_profile: Optional[str] = None

    def replace(self, **changes) -> ExportOptions:
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------ checks

    def checked(self) -> ExportOptions:
        """These options, normalised (format in lower case, products as a tuple, the
        workspace absolute or ``service=NAME``, the folder absolute, the date ISO); raises
        :class:`ExportError` naming the first setting that is wrong. Touches no file."""
        fmt = (self.fmt or "").lower()
        if fmt not in c.FORMATS:
            raise ExportError(tr("Unknown format {0}: use PDF, PNG or SVG").format(self.fmt))
        products = tuple(self.products or ())
        if not products:
            raise ExportError(tr("Choose at least one product"))
        unknown = [p for p in products if p not in c.PRODUCTS]
        if unknown:
            raise ExportError(tr("Unknown product {0}: use coverage, atlas, boards or patrols").format(unknown[0]))
        if self.page_size not in c.PAGE_SIZES:
            raise ExportError(tr("Unknown page size {0}: use A4, A3 or A0").format(self.page_size))
        if not isinstance(self.dpi, int) or not DPI_RANGE[0] <= self.dpi <= DPI_RANGE[1]:
            raise ExportError(tr("Resolution {0} dpi: use {1} to {2} dpi").format(self.dpi, *DPI_RANGE))
        as_of = None
        if self.as_of not in (None, ""):
            as_of = dates.parse_date(self.as_of)
            if as_of is None:
                raise ExportError(tr("{0} is not a date: give the as-of date as YYYY-MM-DD").format(self.as_of))
        start, end = self._patrol_period(as_of) if "patrols" in products else (None, None)
        if self.workers is not None and (not isinstance(self.workers, int) or self.workers < 1):
            raise ExportError(tr("Processes {0}: use 1 or more").format(self.workers))
        if not self.workspace:
            raise ExportError(tr("Choose a workspace"))
        workspace = normalise_workspace(self.workspace)
        if not self.folder and not os.path.isabs(workspace):
            raise ExportError(tr("Give an output folder"))
        folder = os.path.abspath(self.folder or os.path.join(os.path.dirname(workspace), "maps"))
        profile = (self.patrol_profile or "").strip() or None
        return self.replace(workspace=workspace, products=products, fmt=fmt, folder=folder, as_of=as_of,
                            patrol_start=start, patrol_end=end, patrol_profile=profile)

    def _patrol_period(self, as_of: Optional[str]) -> tuple[str, str]:
        """(first, last) day of the patrol map's period, ISO; :class:`ExportError` naming
        the day that is wrong."""
        import datetime as dt

        given = [v not in (None, "") for v in (self.patrol_start, self.patrol_end)]
        if not any(given):
            first_of_month = (dates.to_date(as_of) if as_of else dt.date.today()).replace(day=1)
            last = first_of_month - dt.timedelta(days=1)
            return last.replace(day=1).isoformat(), last.isoformat()
        if not all(given):
            raise ExportError(tr("Give both the first and the last day of the patrol period"))
        start, end = dates.parse_date(self.patrol_start), dates.parse_date(self.patrol_end)
        if start is None:
            raise ExportError(tr("{0} is not a date: give the first day of the patrol period as "
                                 "YYYY-MM-DD").format(self.patrol_start))
        if end is None:
            raise ExportError(tr("{0} is not a date: give the last day of the patrol period as "
                                 "YYYY-MM-DD").format(self.patrol_end))
        if end < start:
            raise ExportError(tr("The patrol period ends on {1}, before it starts on {0}: give a last day on or "
                                 "after the first").format(start, end))
        return start, end

    def prepare_folder(self) -> str:
        """The output folder, created when missing; :class:`ExportError` when it cannot be
        created or written (call on :meth:`checked` options)."""
        folder = self.folder or ""
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            raise ExportError(tr("The output folder {0} cannot be created: {1}").format(
                folder, exc.strerror)) from exc
        if not os.access(folder, os.W_OK):
            raise ExportError(tr("The output folder {0} cannot be written; choose another folder").format(folder))
        return folder

    # ------------------------------------------------------------ the worker's command line

    def to_args(self) -> list[str]:
        """Arguments of ``python -m hezhang_plugin.layout.worker export`` for these options
        (read back by :meth:`from_args`)."""
        args = ["--workspace", self.workspace, "--products", ",".join(self.products), "--format", self.fmt,
                "--dpi", str(self.dpi), "--page-size", self.page_size]
        if self.folder:
            args += ["--out", self.folder]
        if self.one_file_per_page:
            args.append("--one-file-per-page")
        if self.imagery:
            args.append("--imagery")
        if self.as_of:
            args += ["--as-of", self.as_of]
        if self.patrol_start:
            args += ["--patrol-start", self.patrol_start]
        if self.patrol_end:
            args += ["--patrol-end", self.patrol_end]
        if self.patrol_profile:
            args += ["--patrol-profile", self.patrol_profile]
        if self.workers is not None:
            args += ["--workers", str(self.workers)]
        if self.rebuild:
            args.append("--rebuild")
        if not self.save_project:
            args.append("--no-save-project")
        return args

    @classmethod
    def argument_parser(cls, prog: str = "python -m hezhang_plugin.layout.worker export") -> argparse.ArgumentParser:
        ap = argparse.ArgumentParser(prog=prog)
        ap.add_argument("--workspace", required=True, help="a GeoPackage path or service=NAME")
        ap.add_argument("--products", default=",".join(c.DEFAULT_PRODUCTS),
                        help="comma-separated: " + ", ".join(c.PRODUCTS))
        ap.add_argument("--format", default="pdf", help="pdf, png or svg")
        ap.add_argument("--out", help="output folder (default: maps beside the workspace)")
        ap.add_argument("--dpi", type=int, default=DEFAULT_DPI)
        ap.add_argument("--page-size", default=c.DEFAULT_PAGE)
        ap.add_argument("--one-file-per-page", action="store_true")
        ap.add_argument("--imagery", action="store_true")
        ap.add_argument("--as-of", help="the date the maps show, YYYY-MM-DD (default: today)")
        ap.add_argument("--patrol-start", help="first day of the patrol map's period, YYYY-MM-DD")
        ap.add_argument("--patrol-end", help="last day of the patrol map's period, YYYY-MM-DD")
        ap.add_argument("--patrol-profile", help="patrol rule profile of the patrol map (default: the workspace's)")
        ap.add_argument("--workers", type=int, help="processes for a large atlas (default: by pages and cores)")
        ap.add_argument("--rebuild", action="store_true", help="build the layouts anew")
        ap.add_argument("--no-save-project", action="store_true", help="do not store the layouts in the workspace")
        return ap

    @classmethod
    def from_args(cls, argv: Sequence[str]) -> ExportOptions:
        """Options from the worker's command line (see :meth:`to_args`); not yet checked."""
        a = cls.argument_parser().parse_args(list(argv))
        return cls(workspace=a.workspace, products=tuple(p for p in a.products.split(",") if p), fmt=a.format,
                   folder=a.out, dpi=a.dpi, page_size=a.page_size, one_file_per_page=a.one_file_per_page,
                   imagery=a.imagery, as_of=a.as_of, workers=a.workers, rebuild=a.rebuild,
                   patrol_start=a.patrol_start, patrol_end=a.patrol_end, patrol_profile=a.patrol_profile,
                   save_project=not a.no_save_project)


def normalise_workspace(workspace: str) -> str:
    """An absolute GeoPackage path, or ``service=NAME`` as it is."""
    from hezhang_plugin.data.postgres.connection import is_postgres, normalise

    return normalise(workspace) if is_postgres(workspace) else os.path.abspath(workspace)


@dataclass
class ExportStats:
    """What an export did: ``files`` written, ``pages`` per product, the processes that
    rendered (``workers``, this one included) and the workers' peak memory in kB."""

    files: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)
    workers: int = 1
    worker_rss_kb: list = field(default_factory=list)
