"""What every versioned TOML data file (the catalog, the payer rule packs) shares:
reading it, and error messages that say where in it a problem is."""

import re
import tomllib
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

# A CPT or HCPCS code: four digits and a digit or letter (64635, 0213T). Both file kinds
# name codes; this is the one place that says what one looks like.
CODE_PATTERN = re.compile(r"^[0-9]{4}[0-9A-Z]$")


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


# pydantic's error types, in the words the rest of our messages use.
PLAIN_WORDS = {
    "extra_forbidden": "is not a known field",
    "missing": "is missing",
    "string_type": "must be text",
    "int_type": "must be a whole number",
    "bool_type": "must be true or false",
    "float_type": "must be a number",
    "list_type": "must be a list",
    "tuple_type": "must be a [value, label] pair",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "string_too_short": "must not be empty",
    "too_short": "must not be empty",
    "string_pattern_mismatch": "is not in the expected form",
}
MODEL_RULE = re.compile(r"^(\w+): (.*)$")

# (document, pydantic location) -> ("code 64681" / "rule two-blocks" / ..., rest of location)
Locator = Callable[[dict, tuple], tuple[str, list]]


def format_validation_error(
    where: Where, error: ValidationError, document: dict, locate: Locator, prefix=()
):
    """The first problem pydantic found, as "file: rule X, field 'y': message".

    `locate` says which entry of the file a location is in (a code, a rule, a source...);
    the rest of the location is the field. A model's own rule about one of its fields is
    raised as "field: message" and lands on that field."""
    errors = error.errors()
    # A misspelt field also makes the right one missing: name the misspelling first.
    first = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
    what, rest = locate(document, (*prefix, *first["loc"]))
    if rest and rest[-1] == "[key]":  # a table key that is not a valid name
        where.fail(what, "key", "must be a lower-case name (letters, digits, - or _)")
    field_name = ""
    for part in rest:
        field_name += (
            f"[{part}]" if isinstance(part, int) else f"{'.' if field_name else ''}{part}"
        )
    kind, message = first["type"], first["msg"].removeprefix("Value error, ")
    rule = MODEL_RULE.match(message) if kind == "value_error" else None
    if rule:  # a rule of the whole table, about one of its fields
        field_name = f"{field_name}.{rule[1]}" if field_name else rule[1]
        message = rule[2]
    elif kind == "literal_error":
        message = f"{first['input']!r} is not one of {first['ctx']['expected']}"
    elif kind in ("union_tag_invalid", "union_tag_not_found"):
        # A table whose `kind` (the discriminator) says which model it is.
        tag = first["ctx"]["discriminator"].strip("'")
        field_name = f"{field_name}.{tag}" if field_name else tag
        if kind == "union_tag_not_found":
            message = "is missing"
        else:
            known = first["ctx"]["expected_tags"]
            message = f"{first['ctx']['tag']!r} is not a known {tag} (known: {known})"
    elif kind in PLAIN_WORDS:
        message = PLAIN_WORDS[kind]
    where.fail(what, field_name or "(entry)", message)
