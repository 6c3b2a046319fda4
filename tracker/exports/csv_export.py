"""The export as a ZIP of CSV files: one per table (header row, then the rows) and a README."""

import csv
import io
import json
import zipfile
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from .rows import ExportedTable


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def table_csv(table: ExportedTable) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")  # RFC 4180 line ends
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([csv_cell(row[column]) for column in table.columns])
    return out.getvalue()


def readme_text(tables: Sequence[ExportedTable], *, exported_at: datetime, disclaimer: str) -> str:
    listing = "\n".join(
        f"  {table.name}.csv  ({len(table.rows)} row{'' if len(table.rows) == 1 else 's'})"
        for table in tables
    )
    return (
        "B12 Tracker: all the data stored for your account\n"
        f"Exported at {exported_at.isoformat()}\n"
        "\n"
        "Tables (one CSV file each: UTF-8, comma-separated, a header row first):\n"
        f"{listing}\n"
        "\n"
        "How to read the files:\n"
        "- Times are ISO 8601 in UTC with their offset (+00:00); dates are YYYY-MM-DD.\n"
        "- Amounts are decimals exactly as stored; *_ug columns are micrograms (µg).\n"
        "- Columns holding lists or objects contain JSON text. An empty cell means no value.\n"
        "- Rows with a deleted_at time were deleted in the app; they are included because this\n"
        "  export holds everything stored for you.\n"
        "- *_id columns refer to the id column of another table (food_id may be a catalogue\n"
        "  food, which is shared and not part of your data).\n"
        "\n"
        f"{disclaimer}\n"
    )


def build_csv_zip(
    tables: Sequence[ExportedTable], *, exported_at: datetime, disclaimer: str
) -> bytes:
    buffer = io.BytesIO()
    stamp = exported_at.timetuple()[:6]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("README.txt", date_time=stamp),
            readme_text(tables, exported_at=exported_at, disclaimer=disclaimer),
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for table in tables:
            archive.writestr(
                zipfile.ZipInfo(f"{table.name}.csv", date_time=stamp),
                table_csv(table),
                compress_type=zipfile.ZIP_DEFLATED,
            )
    return buffer.getvalue()
