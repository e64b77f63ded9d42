"""Shared widgets of the pages (tables, dialogs, the runner) and screenshot helpers."""
