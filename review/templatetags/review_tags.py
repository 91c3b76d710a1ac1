"""Template tags for the clinician's side of documentation queries.

    {% load review_tags %}
    {% open_queries_for_note note %}   on the note page (edit and read view)
    {% open_queries_badge note %}      in a row of the note list

The badge reads `note.open_query_count` when the list annotated it
(review.selectors.with_open_query_count), so a page of notes costs no extra query; the
note page's box skips its query when the note was read with that count and it is 0.
"""

from django import template
from django.utils.safestring import mark_safe

from practice.roles import is_manager

from ..dashboard_markup import links_for
from ..note_rows import note_rows_html

register = template.Library()


@register.inclusion_tag("review/partials/open_queries_for_note.html", takes_context=True)
def open_queries_for_note(context, note):
    request = context.get("request")
    user = getattr(request, "user", None)
    # A note read with review.selectors.with_open_query_count says when there is none.
    if getattr(note, "open_query_count", None) == 0:
        queries = []
    else:
        queries = list(note.documentation_queries.open().select_related("opened_by"))
    return {
        "note": note,
        "queries": queries,
        "is_author": user is not None and note.clinician_id == user.pk,
        "is_manager": user is not None and is_manager(user),
        "request": request,
    }


@register.inclusion_tag("review/partials/open_queries_badge.html")
def open_queries_badge(note):
    count = getattr(note, "open_query_count", None)
    if count is None:
        count = note.documentation_queries.open().count()
    return {"note": note, "count": count}


@register.simple_tag(takes_context=True)
def url_with(context, **changes):
    """This page's query string with some parameters replaced (None or "" drops one).

    The page number is dropped too: a new filter or sort starts at the first page.
    (review.dashboard_markup.Links, one per request, escaped for an attribute.)
    """
    return mark_safe(links_for(context["request"]).href(**changes))  # noqa: S308 - escaped


@register.simple_tag
def note_rows(notes, today, next_path):
    """The dashboard's rows of notes (review.note_rows: markup built in Python)."""
    return note_rows_html(notes, today=today, next_path=next_path)


@register.filter
def days_since(day, today):
    """Whole days from `day` to `today` ("0 d" for today)."""
    if not day or not today:
        return ""
    return f"{(today - day).days} d"
