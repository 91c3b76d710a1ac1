"""What every versioned TOML data file (the catalog, the payer rule packs) shares:
reading it, and error messages that say where in it a problem is."""

import tomllib
from pathlib import Path


class Where:
    """Builds the 'file: code X, field Y: message' errors, raised as `error`."""

    def __init__(self, path: str, error: type[Exception]):
        self.path = path
        self.error = error

    def fail(self, what: str, field_name: str, message: str):
        raise self.error(f"{self.path}: {what}, field '{field_name}': {message}")


def read_toml(path: Path, error: type[Exception]) -> tuple[bytes, dict]:
    """The file's bytes (for its checksum) and its parsed content, or `error` saying why not."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror}") from exc
    try:
        return raw, tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise error(f"{path}: is not UTF-8 text") from exc
    except tomllib.TOMLDecodeError as exc:
        raise error(f"{path}: is not valid TOML: {exc}") from exc
    except RecursionError as exc:
        # Arrays or tables nested thousands deep: no data file of ours looks like that.
        raise error(f"{path}: nests too deeply to be a data file") from exc


# What a parser may still raise on a file whose shapes it did not expect (a table where a
# list belongs, a number where text does): the commands turn these into one-line errors.
MALFORMED = (RecursionError, TypeError, AttributeError, KeyError, IndexError, ValueError)


def malformed(path, exc: Exception) -> str:
    """One line saying the file is malformed, and where Python tripped."""
    detail = " ".join(str(exc).split())[:200]
    return f"{path}: is malformed ({type(exc).__name__}: {detail})"
