"""Note form fields, written faster than through templates (checklists/field_markup.py).

{{ field|bootstrap_field }}   as {{ field|as_crispy_field }} writes it
{{ field|plain_widget }}      as {{ field.as_widget }} writes it
{% note_elements items note %} a section's element blocks (checklists/element_markup.py)
{% code_lines lines %}        the line editor's rows; {% code_line form %} one, unnumbered
"""

from django import template

from ..element_markup import code_line_html, code_lines_html, elements_html
from ..field_markup import field_group, widget_html

register = template.Library()
register.filter("bootstrap_field", field_group)
register.filter("plain_widget", widget_html)


@register.simple_tag
def note_elements(items, note=None):
    return elements_html(items, note)


register.simple_tag(code_lines_html, name="code_lines")
register.simple_tag(code_line_html, name="code_line")
