"""The one error a configuration file can produce: where it is, which key, and what was expected."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration that cannot be read or validated.

    ``str()`` reads ``policies/prod.yaml:12:5: rules.TF201.severity: expected one of error, warning,
    info, disable; got "eror"``: the file, the 1-based line and column, the dotted key path (empty
    when no key applies) and the message. The CLI prints it as is and exits with code 2.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        key: str = "",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.key = key

    @property
    def location(self) -> str:
        """``file:line:column`` (as much of it as is known)."""
        parts = [self.file or "<configuration>"]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        where = f"{self.location}: " if self.file is not None or self.line is not None else ""
        return f"{where}{key}{self.message}"
