"""{% audit_detail event labels %}: an audit event's detail in words (audit.text)."""

from django import template
from django.utils.html import format_html_join

from ..text import describe

register = template.Library()


@register.simple_tag
def audit_detail(event, labels):
    items = describe(event.detail, labels)
    return format_html_join(
        "; ", '<span class="text-body-secondary">{}</span> {}', ((n, t) for n, t in items)
    )
