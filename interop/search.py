"""FHIR search parameters as query filters: `_id`, `patient`, `date`, `_lastUpdated`,
`identifier`, `url`, `version`, plus `_count` and `_page` for paging (docs/fhir.md)."""

import datetime
import re

from django.db.models import Q
from django.utils import timezone

PREFIXES = ("eq", "ne", "gt", "lt", "ge", "le")
DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
MAX_COUNT = 100


class SearchError(ValueError):
    """A search the server cannot run; the message names the parameter."""


def _split(value: str) -> tuple[str, str]:
    if value[:2] in PREFIXES and value[2:3].isdigit():
        return value[:2], value[2:]
    return "eq", value


def _range(text: str, param: str) -> tuple[datetime.datetime, datetime.datetime]:
    """[start, end) of a FHIR date or dateTime at its own precision, as aware datetimes."""
    match = DATE.match(text)
    if match:
        year, month, day = (int(g) if g else None for g in match.groups())
        start = datetime.date(year, month or 1, day or 1)
        if day:
            end = start + datetime.timedelta(days=1)
        elif month:
            end = (start + datetime.timedelta(days=32)).replace(day=1)
        else:
            end = start.replace(year=year + 1)
        zone = timezone.get_current_timezone()
        return (
            datetime.datetime.combine(start, datetime.time(), zone),
            datetime.datetime.combine(end, datetime.time(), zone),
        )
    try:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise SearchError(f"{param}: '{text}' is not a FHIR date or dateTime") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment, moment + datetime.timedelta(seconds=1)


def date_filter(field: str, values: list[str], param: str, *, date_only=False) -> Q:
    """All the values' conditions (FHIR ANDs repeated parameters)."""
    combined = Q()
    for value in values:
        prefix, text = _split(value)
        start, end = _range(text, param)
        if date_only:
            start, end = start.date(), end.date()
        condition = {
            "eq": Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            "ne": ~Q(**{f"{field}__gte": start, f"{field}__lt": end}),
            "gt": Q(**{f"{field}__gte": end}),
            "ge": Q(**{f"{field}__gte": start}),
            "lt": Q(**{f"{field}__lt": start}),
            "le": Q(**{f"{field}__lt": end}),
        }[prefix]
        combined &= condition
    return combined


def reference_id(value: str, kind: str, param: str) -> str:
    """`Patient/12`, a full URL ending so, or `12` -> "12"."""
    tail = value.rstrip("/").split("/")
    if len(tail) >= 2 and tail[-2] != kind:
        raise SearchError(f"{param}: '{value}' is not a {kind} reference")
    return tail[-1]


def ids(values: list[str]) -> list[str]:
    return [part for value in values for part in value.split(",") if part]


def paging(params, default: int) -> tuple[int, int]:
    """(count, page) from _count and _page."""
    try:
        count = int((params.get("_count") or [default])[0])
        page = int((params.get("_page") or [1])[0])
    except ValueError:
        raise SearchError("_count and _page must be whole numbers") from None
    if count < 1 or page < 1:
        raise SearchError("_count and _page must be 1 or more")
    return min(count, MAX_COUNT), page
