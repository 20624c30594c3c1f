from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from wagtail.templatetags.wagtailcore_tags import richtext

from accounts.selectors import display_name
from exams.models import QuestionType

register = template.Library()
_CHECKED = mark_safe(" checked")


@register.filter
def person(user) -> str:
    """A candidate as every page names them (real name, else a masked number)."""
    return display_name(user)


@register.simple_tag
def answer_inputs(item) -> str:
    """One question's inputs (a `selectors.ShownQuestion`), with what was saved."""
    name, kind = item.name, item.type
    if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        input_type = "radio" if kind == QuestionType.SINGLE else "checkbox"
        inputs = format_html_join(
            "\n",
            '<label class="exam-option"><input type="{}" name="{}" value="{}"{}>'
            ' <span class="exam-option__letter">{}</span> <span>{}</span></label>',
            (
                (input_type, name, index, _CHECKED if index in item.response else "", letter, text)
                for index, letter, text in item.options
            ),
        )
    elif kind == QuestionType.TRUE_FALSE:
        verdict = item.verdict
        inputs = format_html_join(
            "\n",
            '<label class="exam-option"><input type="radio" name="{}" value="{}"{}>'
            " <span>{} {}</span></label>",
            (
                (name, value, _CHECKED if verdict == value else "", label, mark)
                for value, label, mark in (("true", _("True"), "✓"), ("false", _("False"), "✗"))
            ),
        )
    elif kind == QuestionType.FILL:
        inputs = format_html_join(
            "\n",
            '<label class="exam-blank">{}\n <input type="text" name="{}-{}" value="{}"'
            ' maxlength="200" autocomplete="off"></label>',
            (
                (_("Blank %(number)s") % {"number": n + 1}, name, n, value)
                for n, value in enumerate(item.fill_values)
            ),
        )
    else:
        inputs = format_html(
            '<label class="visually-hidden" for="{}-text">{}</label>\n'
            '<textarea id="{}-text" name="{}" rows="6" maxlength="5000">{}</textarea>',
            name, _("Your answer"), name, name, item.short_text,
        )  # fmt: skip
    return format_html(
        '<div class="exam-answer" data-answer data-type="{}">\n{}\n</div>', kind, inputs
    )


@register.simple_tag
def paper_questions(shown: list, practice: bool) -> str:
    """The taking page's questions, one section each (only the first shown).

    Built here rather than with template includes and loops: the page shows a whole
    paper at once (50 questions), the 2,000 candidates of a preliminary open it within
    a minute, and the template took two thirds of that page's time."""
    total = len(shown)
    feedback = (
        mark_safe('\n<div class="exam-feedback" data-feedback hidden></div>') if practice else ""
    )
    return format_html_join(
        "\n",
        '<section class="card exam-question" data-question="{}" data-type="{}"{}'
        ' aria-labelledby="q{}-title">\n'
        '<h2 id="q{}-title" class="exam-question__number">{} · {} · {}</h2>'
        '\n<div class="exam-question__stem">{}</div>\n{}{}\n</section>',
        (
            (
                item.position, item.type, "" if n == 0 else mark_safe(" hidden"),
                item.position, item.position,
                _("Question %(number)s of %(total)s") % {"number": n + 1, "total": total},
                item.question.get_type_display(),
                _("%(score)s points") % {"score": item.score},
                richtext(item.question.stem), answer_inputs(item), feedback,
            )
            for n, item in enumerate(shown)
        ),
    )  # fmt: skip


@register.simple_tag
def paper_map(shown: list) -> str:
    """The question map's buttons, answered ones marked."""
    return format_html_join(
        "\n",
        '<li><button type="button" class="exam-map__item{}" data-goto="{}" aria-label="{}">{}'
        "</button></li>",
        (
            (
                mark_safe(" is-answered") if item.response else "", item.position,
                _("Question %(number)s") % {"number": n + 1}, n + 1,
            )
            for n, item in enumerate(shown)
        ),
    )  # fmt: skip
