"""The error summary at the top of admin forms, as the design system has it: one link per
problem, to the field it is about."""

from dataclasses import dataclass

from django import template

register = template.Library()


@dataclass(frozen=True)
class Problem:
    text: str
    href: str


def _field_target(bound) -> str:
    # Checkbox and radio groups have no element with the field's own id: link to the first.
    target = bound.field.widget.id_for_label(bound.auto_id) or f"{bound.auto_id}_0"
    return f"#{target}"


def _form_problems(form, *, prefix: str = "", row_anchor: str = "") -> list[Problem]:
    problems = []
    for error in form.non_field_errors():
        problems.append(Problem(f"{prefix}{error}", row_anchor or "#form-problems"))
    for name, errors in form.errors.items():
        if name == "__all__" or name not in form.fields:
            continue
        bound = form[name]
        label = bound.label
        for error in errors:
            problems.append(Problem(f"{prefix}{label}: {error}", _field_target(bound)))
    return problems


@register.simple_tag
def admin_error_summary(adminform, inline_admin_formsets=()) -> list[Problem]:
    """Every problem on the page, main form first, then each inline row in order."""
    problems = _form_problems(adminform.form) if adminform else []
    for inline in inline_admin_formsets or ():
        formset = inline.formset
        name = str(inline.opts.verbose_name).capitalize()
        anchor = f"#{formset.prefix}-group"
        for error in formset.non_form_errors():
            problems.append(Problem(f"{name}: {error}", anchor))
        for index, form in enumerate(formset.forms):
            problems += _form_problems(
                form,
                prefix=f"{name} {index + 1}: ",
                row_anchor=f"#{formset.prefix}-{index}",
            )
    return problems
