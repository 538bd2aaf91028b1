"""Errors kg raises for problems a user can fix; the CLI turns each into one clear line."""


class KgError(Exception):
    """Base class: the message says what was wrong and how to fix it."""


class InputError(KgError):
    """An input path is missing, empty, unreadable or not text."""


class ModelError(KgError):
    """The requested spaCy pipeline is not installed or cannot be loaded."""


class OutputError(KgError):
    """The output folder cannot be written."""
