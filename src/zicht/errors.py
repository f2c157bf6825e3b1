"""Expected failures: what a person can act on (bad input, a source that did not answer, a refused step).

Every such failure derives from `ZichtError`. The `zicht` command prints it as one line on stderr
and exits with its `exit_code`; any other exception is a bug and keeps its traceback. Library
callers (Airflow tasks, tests) catch the specific subclasses they expect.
"""

from __future__ import annotations

from pathlib import Path


class ZichtError(Exception):
    """An expected failure: the message says what went wrong and, where it can, what to do."""

    exit_code = 1

    def one_line(self) -> str:
        """The message on one line: a multi-line message has its lines joined with '; '."""
        lines = [line.strip() for line in str(self).splitlines() if line.strip()]
        return "; ".join(lines) or type(self).__name__


class InputFileMissing(ZichtError, FileNotFoundError):
    """A file named on the command line does not exist (or is not a file)."""

    def __init__(self, path: Path | str, what: str = "file"):
        self.path = Path(path)
        super().__init__(f"no such {what}: {self.path}")

    def __str__(self) -> str:  # FileNotFoundError would format its errno arguments instead
        return str(self.args[0])


def existing_file(path: Path | str, what: str = "file") -> Path:
    """`path` as a Path when it is an existing file; InputFileMissing otherwise."""
    path = Path(path)
    if not path.is_file():
        raise InputFileMissing(path, what)
    return path


class MissingPrerequisite(ZichtError, FileNotFoundError):
    """What a step needs has not been made yet: the warehouse before the gate, the synthetic
    Netherlands before it is served. The message says which step makes it."""
