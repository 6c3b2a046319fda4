"""Reads: searches and aggregates across models, shared by the API, web pages and admin."""
