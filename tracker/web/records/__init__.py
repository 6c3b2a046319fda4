"""The person's records on the web: quick logging, history, edits and deletes (see views)."""
