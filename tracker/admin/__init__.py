from . import records, staff  # noqa: F401  (registers the staff admin)
