"""Resources: where the catalogue, the raw store and the warehouse are."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from pipelines import settings, warehouse
from pipelines.catalog import Catalog, CatalogEntry, load_catalog, load_catalog_file
from pipelines.rawstore import RawStore
from pipelines.workers import Limits
from pipelines.writer_lock import writer_lock


class NoticesConfig(dg.ConfigurableResource):
    """Paths used by the pipeline. Defaults come from NOTICES_CATALOG, NOTICES_WAREHOUSE and
    NOTICES_RAW_DIR (or the repo's catalog.yaml, warehouse/notices.duckdb and raw/)."""

    catalog_path: str
    warehouse_path: str
    raw_dir: str

    @classmethod
    def from_env(cls) -> NoticesConfig:
        return cls(
            catalog_path=str(settings.catalog_path()),
            warehouse_path=str(settings.warehouse_path()),
            raw_dir=str(settings.raw_dir()),
        )

    def catalog(self) -> list[CatalogEntry]:
        """The catalogue's own notices (``entries`` adds the discovered ones)."""
        return load_catalog(Path(self.catalog_path))

    def catalog_file(self) -> Catalog:
        """Notices, listings and host limits of the catalogue."""
        return load_catalog_file(Path(self.catalog_path))

    def notice_entries(self, conn: duckdb.DuckDBPyConnection) -> list[CatalogEntry]:
        """The catalogue's notices and the notices discovered from its listings."""
        from pipelines.discovery_log import all_entries, read_discovered

        return all_entries(self.catalog(), read_discovered(conn))

    def entries(self, conn: duckdb.DuckDBPyConnection) -> list[CatalogEntry]:
        """What the pipeline works on: the notices and the attachments the fetch stage found on them."""
        from pipelines.attachment_log import attachment_entries, read_attachments

        notices = self.notice_entries(conn)
        return [*notices, *attachment_entries(read_attachments(conn), notices, self.catalog_dir())]

    def catalog_dir(self) -> Path:
        """The catalogue's folder: local files are shown by their path relative to it."""
        return Path(self.catalog_path).resolve().parent

    def store(self) -> RawStore:
        return RawStore(Path(self.raw_dir))

    def limits(self) -> Limits:
        """Per-source time and memory limits of the compute stages (NOTICES_SOURCE_TIMEOUT, …)."""
        return Limits.from_env()

    def writer_lock(self, what: str):
        """The warehouse's writer lock (held by every writing connection; dbt takes it explicitly)."""
        return writer_lock(Path(self.warehouse_path), what)

    @contextmanager
    def connect(self, read_only: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        with warehouse.connect(Path(self.warehouse_path), read_only=read_only) as conn:
            yield conn
