"""Writes and workflows: keyword-only, typed functions, each in an explicit transaction."""
