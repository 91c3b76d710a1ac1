from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from .models import CodeElement, DocumentationElement, ProcedureCode


@login_required
def code_list(request):
    query = request.GET.get("q", "").strip()[:100]
    codes = ProcedureCode.objects.active().prefetch_related("addon_of")
    if query:
        codes = codes.filter(
            Q(code__icontains=query)
            | Q(title__icontains=query)
            | Q(summary__icontains=query)
            | Q(site_label__icontains=query)
        )
    families = [
        (label, [c for c in codes if c.family == value])
        for value, label in ProcedureCode.Family.choices
    ]
    return render(
        request,
        "procedures/code_list.html",
        {"families": [f for f in families if f[1]], "query": query, "count": len(codes)},
    )


@login_required
def code_detail(request, code):
    procedure = get_object_or_404(
        ProcedureCode.objects.prefetch_related("addon_of", "addons", "sources"), code=code
    )
    links = procedure.links.select_related("element", "source")
    sections = [
        (label, [link for link in links if link.element.section == value])
        for value, label in DocumentationElement.Section.choices
    ]
    by_key = {link.element.key: link.element for link in links}
    for link in links:
        link.condition_text = _condition_text(link.condition, by_key)
    return render(
        request,
        "procedures/code_detail.html",
        {
            "code": procedure,
            "sections": sections,
            "required_count": sum(
                1 for link in links if link.requirement == CodeElement.Requirement.REQUIRED
            ),
        },
    )


def _condition_text(condition, elements) -> str:
    """'Only when technique is Chemical neurolysis or ...' for a link's condition."""
    if not condition or condition["element"] not in elements:
        return ""
    target = elements[condition["element"]]
    names = dict(target.choices) | {"yes": "yes", "no": "no"}
    wanted = condition["in"]
    others = [value for value, _ in target.choices if value not in wanted]
    if len(wanted) > 3 and others and len(others) < len(wanted):
        excluded = " or ".join(names[value] for value in others)
        return f"Only when {target.label.lower()} is anything but {excluded}"
    values = " or ".join(names.get(value, value) for value in wanted)
    return f"Only when {target.label.lower()} is {values}"
