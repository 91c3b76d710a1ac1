"""The dashboard's repeated parts written in Python: filters, tables, chart, sort headers.

The page is reloaded with every filter a manager clicks. Through the template engine its
loops (a row per clinician, per code, per code tab, per missing element, a bar per
histogram bucket, an include per sort header, a link built by a tag in each) were over
half of the request's own CPU time, the same at 1,000 notes as at 1,000,000. The markup
here is the template's, written with f-strings; every value from the database or the
query string goes through `_e`. dashboard.html keeps the page's frame and calls these.
"""

from html import escape
from urllib.parse import urlencode

from django.utils.safestring import SafeString, mark_safe

from checklists.field_markup import widget_html


def _e(value) -> str:
    return escape(str(value))


def _count(value: int) -> str:
    """An integer with thousands separators, as `floatformat:"g"` writes it in en-us."""
    return f"{value:,}"


def _days(value: float) -> str:
    """A median in days, as `floatformat:"-1"` writes it: 2 or 1.5."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _truncate(text: str, length: int) -> str:
    """`truncatechars` for plain text: at most `length` characters, "…" the last."""
    return text if len(text) <= length else f"{text[: length - 1]}…"


class Links:
    """This page's query string with some parameters replaced ("" or None drops one).

    The page number is dropped from every link: a new filter or sort starts at page 1.
    """

    def __init__(self, query):
        # Each parameter's part of the query string, encoded once: a page asks for fifty.
        self.base = {
            name: urlencode([(name, value) for value in values])
            for name, values in query.lists()
            if name != "page"
        }

    def href(self, **changes) -> str:
        """The link, escaped for an attribute: the parameters changed go last."""
        query = dict(self.base)
        for name, value in changes.items():
            query.pop(name, None)
            if value not in (None, ""):
                query[name] = urlencode([(name, value)])
        return escape(f"?{'&'.join(query.values())}")


def links_for(request) -> Links:
    """One Links per request (the template tag url_with uses the same)."""
    links = getattr(request, "_review_links", None)
    if links is None:
        links = request._review_links = Links(request.GET)
    return links


def filter_fields(form) -> SafeString:
    """Each filter with its label and errors; hidden ones as bare inputs."""
    parts = []
    for field in form:
        if field.is_hidden:
            parts.append(widget_html(field))
            continue
        errors = "".join(
            f'<div class="invalid-feedback d-block">{_e(error)}</div>' for error in field.errors
        )
        parts.append(
            f'<div class="col-6 col-md-4 col-lg-2 review-field-{_e(field.name)}">\n'
            f'<label class="form-label small mb-1" for="{_e(field.id_for_label)}">'
            f"{_e(field.label)}</label>\n{widget_html(field)}\n{errors}\n</div>\n"
        )
    return mark_safe("".join(parts))  # noqa: S308 - widget_html and _e escape every value


def _progress(percent, name: str) -> str:
    """A completeness bar; `name` (escaped) labels it for a screen reader."""
    value = percent or 0
    done = " is-complete" if percent == 100 else ""
    return (
        f'<div class="d-flex align-items-center gap-2"><progress class="completeness{done}"'
        f' max="100" value="{value}" aria-label="{name}: {percent}% complete"></progress>'
        f'<span class="small text-nowrap">{value}%</span></div>'
    )


def clinician_rows(groups, links: Links) -> SafeString:
    rows = []
    for group in groups:
        label = _e(group.label)
        median = group.median_days_to_sign
        rows.append(
            f'<tr>\n<td><a href="{links.href(clinician=group.key)}">{label}</a></td>\n'
            f'<td class="text-end">{_count(group.notes)}</td>\n'
            f"<td>{_progress(group.percent_complete, label)}</td>\n"
            f'<td class="text-end">{"–" if median is None else _days(median) + " d"}</td>\n'
            f'<td class="text-end">{_count(group.old_drafts)}</td>\n</tr>\n'
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped or a number


def histogram_bars(histogram: dict) -> SafeString:
    """The bars of review.charts.days_histogram: rect, value above, label below."""
    parts = []
    for index, bar in enumerate(histogram["bars"], start=1):
        late = " is-late" if index > 3 else ""
        label = _e(bar.label)
        value = (
            # y as the template's `bar.y|add:'-5'` wrote it: the whole part, less 5.
            f'<text x="{bar.center}" y="{int(bar.y) - 5}" text-anchor="middle" '
            f'class="review-chart-value">{bar.percent}%</text>'
            if bar.count
            else ""
        )
        parts.append(
            f'<rect x="{bar.x}" y="{bar.y}" width="{bar.width}" height="{bar.height}" rx="2" '
            f'class="review-chart-bar{late}"><title>{label}: {bar.count} ({bar.percent}%)</title>'
            f"</rect>\n{value}\n"
            f'<text x="{bar.center}" y="{histogram["label_y"]}" text-anchor="middle" '
            f'class="review-chart-label">{label}</text>\n'
        )
    return mark_safe("".join(parts))  # noqa: S308 - labels escaped, the rest numbers


def histogram_description(histogram: dict) -> SafeString:
    text = "".join(f"{bar.label}: {bar.count} notes. " for bar in histogram["bars"])
    return mark_safe(_e(text))  # noqa: S308 - escaped


def code_rows(groups, selected: str, links: Links) -> SafeString:
    rows = []
    for group in groups:
        key, label = _e(group.key), _e(group.label)
        active = ' class="table-active"' if group.key == selected else ""
        short = _e(_truncate(group.label, 34))
        rows.append(
            f'<tr{active}>\n<td><a href="{links.href(code=group.key)}" title="{label}">{key}</a> '
            f'<span class="small text-body-secondary d-none d-xl-inline">{short}</span></td>\n'
            f'<td class="text-end">{_count(group.notes)}</td>\n'
            f"<td>{_progress(group.percent_complete, key)}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped or a number


def code_tabs(groups, selected: str, links: Links) -> SafeString:
    """The "All codes" tab, then one per code."""
    active = "" if selected else " active"
    tabs = [
        f'<li class="nav-item"><a class="nav-link{active}" href="{links.href(code="")}">'
        "All codes</a></li>\n"
    ]
    for group in groups:
        active = " active" if group.key == selected else ""
        tabs.append(
            f'<li class="nav-item"><a class="nav-link{active}" href="{links.href(code=group.key)}"'
            f' title="{_e(group.label)}">{_e(group.key)}</a></li>'
        )
    return mark_safe("".join(tabs))  # noqa: S308 - every value is escaped


REQUIREMENT_BADGES = {
    "required": '<span class="badge text-bg-danger-subtle text-danger-emphasis fw-normal">'
    "required</span>",
    "recommended": '<span class="badge text-bg-light border fw-normal">recommended</span>',
}


def missing_rows(items, links: Links) -> SafeString:
    rows = []
    for item in items:
        label = _e(item.label)
        badge = REQUIREMENT_BADGES["required" if item.requirement == "required" else "recommended"]
        href = links.href(missing=item.element_key, missing_all="")
        rows.append(
            f"<tr>\n<td>{label} {badge}</td>\n"
            f'<td class="text-end"><a href="{href}#notes-heading" title="Show these notes">'
            f"{_count(item.notes)}</a></td>\n"
            '<td><div class="d-flex align-items-center gap-2"><progress class="completeness '
            f'is-missing" max="100" value="{item.percent}" aria-label="{label}: missing in '
            f'{item.percent}%"></progress><span class="small text-nowrap">{item.percent}%</span>'
            "</div></td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308 - every value is escaped or a number


# The notes table's sortable columns: (key, label, right-aligned).
SORT_COLUMNS = [
    ("patient", "Patient", False),
    ("date", "Date of service", False),
    None,  # Codes: not sortable
    ("clinician", "Clinician", False),
    ("status", "Status", False),
    ("complete", "Completeness", False),
    ("missing", "Missing", True),
    ("age", "Age", True),
]


def sort_headers(sort: str, links: Links) -> SafeString:
    """The notes table's header cells: a link that sorts by the column, or reverses it."""
    cells = []
    for column in SORT_COLUMNS:
        if column is None:
            cells.append('<th scope="col">Codes</th>\n')
            continue
        key, label, end = column
        align = ' class="text-end"' if end else ""
        if sort == key:
            state, href, arrow = ' aria-sort="ascending"', links.href(sort=f"-{key}"), " ▲"
        elif sort == f"-{key}":
            state, href, arrow = ' aria-sort="descending"', links.href(sort=key), " ▼"
        else:
            state, href, arrow = "", links.href(sort=key), ""
        arrow = f' <span aria-hidden="true">{arrow[1:]}</span>' if arrow else ""
        cells.append(
            f'<th scope="col"{align}{state}><a class="review-sort link-body-emphasis '
            f'text-decoration-none" href="{href}#notes-heading">{label}{arrow}</a></th>\n'
        )
    return mark_safe("".join(cells))  # noqa: S308 - fixed labels and escaped links


def sections(data: dict, request) -> dict[str, SafeString]:
    """Every part above, for review.views.dashboard_data's figures."""
    links = links_for(request)
    selected = data["selected_code"]
    return {
        "filters": filter_fields(data["filter"].form),
        "clinicians": clinician_rows(data["per_clinician"], links),
        "histogram": histogram_bars(data["histogram"]),
        "histogram_description": histogram_description(data["histogram"]),
        "codes": code_rows(data["per_code"], selected, links),
        "code_tabs": code_tabs(data["per_code"], selected, links),
        "missing": missing_rows(data["missing_shown"], links),
        "sort_headers": sort_headers(data["sort"], links),
    }
