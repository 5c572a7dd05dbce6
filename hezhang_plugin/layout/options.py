"""What an export is asked to do and what it did."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ExportStats:
    """What an export did: ``files`` written, ``pages`` per product, the processes that
    rendered (``workers``, this one included) and the workers' peak memory in kB."""

    files: list = field(default_factory=list)
    pages: dict = field(default_factory=dict)
    workers: int = 1
    worker_rss_kb: list = field(default_factory=list)
