"""`{{ field|bootstrap_field }}`: a note form field as crispy-bootstrap5 writes it, faster.

See checklists/field_markup.py.
"""

from django import template

from ..field_markup import field_group

register = template.Library()
register.filter("bootstrap_field", field_group)
