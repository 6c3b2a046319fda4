"""The person's own data, exported: JSON tables, a ZIP of CSVs, or a FHIR R4 Bundle."""

from .csv_export import build_csv_zip
from .fhir import FHIR_MEDIA_TYPE, build_bundle
from .rows import ExportedTable, Table, collect_tables, export_tables

__all__ = [
    "FHIR_MEDIA_TYPE",
    "ExportedTable",
    "Table",
    "build_bundle",
    "build_csv_zip",
    "collect_tables",
    "export_tables",
]
