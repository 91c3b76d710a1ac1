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
