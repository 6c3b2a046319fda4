from . import staff  # noqa: F401  (registers the staff admin)
