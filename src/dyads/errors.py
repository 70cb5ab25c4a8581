"""The exception tree of dyads.

    DyadsError
     +-- InputError      a story or input file is unusable (empty, undecodable, bad date, broken line)
     +-- ConfigError     a resource, dictionary or option is wrong (file and line named)
     +-- MissingExtra    an optional dependency is not installed (names the extra)
     +-- StoreError      the database cannot be read or written

Messages say what was wrong, where, and what to do next; the CLI prints them without a traceback.
"""


class DyadsError(Exception):
    """Base class of every error dyads raises on purpose."""


class InputError(DyadsError):
    """An input record or file cannot be coded."""


class ConfigError(DyadsError):
    """A resource file, dictionary or option is invalid."""


class MissingExtra(DyadsError):
    """An optional dependency is missing."""

    def __init__(self, extra: str, package: str) -> None:
        super().__init__(f"this feature needs {package}: pip install 'dyads[{extra}]'")


class StoreError(DyadsError):
    """The event store cannot be used."""
