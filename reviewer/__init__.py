"""reviewer: triage dumps of paper lists into a reading list and a survey skeleton."""

__version__ = "0.1.0"
