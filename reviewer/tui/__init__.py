"""The terminal UI: a thin layer over reviewer.core."""
