"""Spreadsheets: the question template (empty, or a bank exported back into it) and an
exam's results. Every cell is written as text or a number, never as a formula."""

import io

from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from openpyxl import Workbook

from accounts.selectors import display_name
from exams.formats import (
    ALTERNATIVE_SEPARATOR,
    BLANK_SEPARATOR,
    DIFFICULTY_NAMES,
    TEMPLATE_COLUMNS,
    TYPE_NAMES,
)
from exams.models import OPTION_LETTERS, QuestionType
from lms.spreadsheets import append_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def answer_text(question) -> str:
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return "".join(OPTION_LETTERS[i] for i in sorted(question.answer))
    if question.type == QuestionType.TRUE_FALSE:
        return "对" if question.answer == [True] else "错"
    if question.type == QuestionType.FILL:
        return BLANK_SEPARATOR.join(ALTERNATIVE_SEPARATOR.join(b) for b in question.answer)
    return question.reference_answer


def _stem_text(stem: str) -> str:
    return "\n".join(
        strip_tags(part).strip() for part in stem.split("</p>") if strip_tags(part).strip()
    )


INSTRUCTIONS = [
    "题型:单选题、多选题、判断题、填空题、简答题。",
    "选项A–F:选择题的选项,不用的留空。",
    "答案:单选填字母(B);多选填字母(ACD);判断填 对 或 错;"
    "填空题各空用 | 分隔,同一空的多个可接受答案用 ; 分隔(如 电压|5;五);简答题填参考答案。",
    "难度:1–5 或 易、较易、中等、较难、难,留空为中等。",
    "知识点:可填多个,用逗号或顿号分隔(如 光伏发电、安全生产)。",
    "导入是“全部或全不”:有任何一行出错,整份文件都不导入,并逐行说明错误。",
]


def question_workbook(questions=()) -> bytes:
    """The import template; with `questions`, those questions in it (export)."""
    book = Workbook()
    sheet = book.active
    sheet.title = "题目"
    append_row(sheet, [label for _key, label in TEMPLATE_COLUMNS])
    if not questions:
        append_row(
            sheet,
            [
                "单选题",
                "光伏组件串联后,输出的哪个量增大?",
                "电流",
                "电压",
                "功率因数",
                "频率",
                "",
                "",
                "B",
                "串联时电压相加,电流不变。",
                "中等",
                "光伏发电",
            ],
        )
    for question in questions:
        options = list(question.options) + [""] * (len(OPTION_LETTERS) - len(question.options))
        append_row(
            sheet,
            [
                TYPE_NAMES[question.type],
                _stem_text(question.stem),
                *options,
                answer_text(question),
                question.explanation,
                DIFFICULTY_NAMES[question.difficulty],
                "、".join(sorted(t.name for t in question.knowledge_points.all())),
            ],
        )
    notes = book.create_sheet("说明")
    for line in INSTRUCTIONS:
        append_row(notes, [line])
    return _save(book)


def results_workbook(exam, attempts) -> bytes:
    """One row per attempt: candidate, score, passed, time used, how it was handed in."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Results")[:31]
    append_row(
        sheet,
        [
            _("Rank"),
            _("Candidate"),
            _("Mobile number"),
            _("Attempt"),
            _("Score"),
            _("Full score"),
            _("Passed"),
            _("Minutes used"),
            _("Handed in"),
            _("Automatically at the deadline"),
        ],
    )
    for rank, attempt in enumerate(attempts, start=1):
        learner = attempt.learner
        append_row(
            sheet,
            [
                rank,
                display_name(learner),
                learner.username,
                attempt.number,
                float(attempt.score) if attempt.score is not None else None,
                float(attempt.max_score),
                _("Yes") if attempt.passed else _("No"),
                round((attempt.seconds_used or 0) / 60, 1),
                attempt.submitted_at.strftime("%Y-%m-%d %H:%M:%S") if attempt.submitted_at else "",
                _("Yes") if attempt.auto_submitted else "",
            ],
        )
    return _save(book)
