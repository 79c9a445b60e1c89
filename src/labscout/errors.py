"""Error kinds raised by services; interfaces map them to exit codes or HTTP statuses.

An error about one input names it in `field` (the service's own parameter name, e.g. "top" or "base"), never
the way an interface spells it: the CLI says `--top`, a web form puts the message next to the input, the API
returns the field in its JSON problem.
"""

from __future__ import annotations


class LabScoutError(Exception):
    """Base of every error a user is meant to read."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field

    @property
    def detail(self) -> str:
        """The message for a place that shows the field itself (next to a form input, after `--base:`)."""
        text = str(self)
        if self.field and text.startswith(f"{self.field}: "):
            return text[len(self.field) + 2:]
        return text


class NotFoundError(LabScoutError):
    """A named thing (person, organisation, file) does not exist."""


class ConflictError(LabScoutError):
    """The change collides with the current state."""


class InvalidError(LabScoutError):
    """A request that is well-formed but makes no sense (empty query, absurd filter)."""


class BadQueryError(LabScoutError):
    """A search query that cannot be read (its syntax); the message says what to change."""


class ForbiddenError(LabScoutError):
    """The actor's role does not allow this."""


class BadInputError(LabScoutError):
    """An input file is unusable; names the file, the record index (or the line of a JSON Lines file) and the
    field where known."""

    def __init__(
        self, message: str, *, file: str, record: int | None = None, field: str | None = None,
        line: int | None = None,
    ) -> None:
        self.file = file
        self.record = record if record is not None else line
        self.line = line
        self.reason = message
        where = file
        if line is not None:
            where += f", line {line}"
        elif record is not None:
            where += f", record {record}"
        if field is not None:
            where += f", field '{field}'"
        super().__init__(f"{where}: {message}", field=field)


class UnavailableError(LabScoutError):
    """A remote source (a web API) refused or failed the request; `request` names it (without secrets)."""

    def __init__(self, message: str, *, request: str, field: str | None = None) -> None:
        self.request = request
        super().__init__(f"{request}: {message}", field=field)
