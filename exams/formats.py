"""Reading question files: the Excel template common on Chinese platforms, Moodle's GIFT
and Aiken text formats. Each reader returns the questions it understood and a problem for
every row (or line) it did not; the import then writes all of them or none.
"""

import html
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from courses.services.catalogue import Problem
from exams.marking import answer_key_errors
from exams.models import OPTION_LETTERS, Difficulty, QuestionType

MAX_STEM = 5000
MAX_OPTION = 500

TEMPLATE_COLUMNS = [
    ("type", "题型"),
    ("stem", "题干"),
    *((f"option_{letter}", f"选项{letter}") for letter in OPTION_LETTERS),
    ("answer", "答案"),
    ("explanation", "解析"),
    ("difficulty", "难度"),
    ("points", "知识点"),
]
TYPE_NAMES = {
    QuestionType.SINGLE: "单选题",
    QuestionType.MULTIPLE: "多选题",
    QuestionType.TRUE_FALSE: "判断题",
    QuestionType.FILL: "填空题",
    QuestionType.SHORT: "简答题",
}
_TYPE_ALIASES = {
    **{name: qtype for qtype, name in TYPE_NAMES.items()},
    **{name[:2]: qtype for qtype, name in TYPE_NAMES.items()},
    "问答题": QuestionType.SHORT,
    "single": QuestionType.SINGLE,
    "multiple": QuestionType.MULTIPLE,
    "true_false": QuestionType.TRUE_FALSE,
    "truefalse": QuestionType.TRUE_FALSE,
    "fill": QuestionType.FILL,
    "short": QuestionType.SHORT,
}
DIFFICULTY_NAMES = {1: "易", 2: "较易", 3: "中等", 4: "较难", 5: "难"}
_TRUE = {"对", "正确", "√", "是", "t", "true", "y", "yes"}
_FALSE = {"错", "错误", "×", "否", "f", "false", "n", "no"}
BLANK_SEPARATOR = "|"
ALTERNATIVE_SEPARATOR = ";"


@dataclass
class QuestionRow:
    row: int
    type: str
    stem: str  # rich text (HTML)
    options: list[str] = field(default_factory=list)
    answer: list = field(default_factory=list)
    reference_answer: str = ""
    explanation: str = ""
    difficulty: int = Difficulty.MEDIUM
    points: list[str] = field(default_factory=list)


def text_to_rich(text: str) -> str:
    return "".join(f"<p>{html.escape(line)}</p>" for line in text.splitlines() if line.strip())


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def split_points(text: str) -> list[str]:
    return [p.strip()[:100] for p in re.split(r"[,，、;；]", text) if p.strip()]


def _letters_to_indexes(text: str) -> list[int] | None:
    letters = re.sub(r"[\s,，、]", "", text).upper()
    if not letters or any(letter not in OPTION_LETTERS for letter in letters):
        return None
    return [OPTION_LETTERS.index(letter) for letter in letters]


def _true_false(text: str) -> list[bool] | None:
    value = text.strip().lower()
    if value in _TRUE:
        return [True]
    if value in _FALSE:
        return [False]
    return None


def fill_answer(text: str) -> list[list[str]]:
    """ "电压|5；五" → two blanks, the second accepting 5 or 五."""
    return [
        [alt.strip() for alt in re.split(r"[;；]", blank) if alt.strip()]
        for blank in text.split(BLANK_SEPARATOR)
    ]


def _bad_text(text: str) -> bool:
    return "\x00" in text


def read_answer(row: QuestionRow, qtype: str, options: list[str], text: str) -> str | None:
    """Set the row's options, answer key or reference answer from the answer as people
    write it (B, ACD, 对, 电压|5;五, a reference text); what is wrong with it, in words."""
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        row.options = options
        answer = _letters_to_indexes(text)
        if answer is None:
            return _("Give the right options as letters, e.g. B or ACD.")
        row.answer = answer
    elif qtype == QuestionType.TRUE_FALSE:
        answer = _true_false(text)
        if answer is None:
            return _("A true/false answer is 对 or 错.")
        row.answer = answer
    elif qtype == QuestionType.FILL:
        row.answer = fill_answer(text)
    elif qtype == QuestionType.SHORT:
        row.reference_answer = text[:MAX_STEM]
    return " ".join(answer_key_errors(qtype, row.options, row.answer)) or None


class _TemplateRow:
    def __init__(self, number: int, cells: dict[str, str]):
        self.number, self.cells, self.problems = number, cells, []

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.number, column, message))

    def read(self) -> QuestionRow | None:
        c = self.cells
        if any(_bad_text(value) for value in c.values()):
            self.problem("", _("A cell holds a character that cannot be saved (NUL)."))
            return None
        qtype = _TYPE_ALIASES.get(c["type"].strip().lower())
        if qtype is None:
            self.problem(
                "题型",
                _(
                    "Unknown question type “%(value)s”: use 单选题, 多选题, 判断题, "
                    "填空题 or 简答题."
                )
                % {"value": c["type"]},
            )
        stem = _clean(c["stem"])
        if not stem:
            self.problem("题干", _("The stem is empty."))
        elif len(stem) > MAX_STEM:
            self.problem("题干", _("The stem is longer than 5,000 characters."))
        options = [_clean(c[f"option_{letter}"]) for letter in OPTION_LETTERS]
        while options and not options[-1]:
            options.pop()
        if any(len(option) > MAX_OPTION for option in options):
            self.problem("选项", _("An option is longer than 500 characters."))
        difficulty = self._difficulty(c["difficulty"])
        answer_text = _clean(c["answer"])
        row = QuestionRow(
            row=self.number,
            type=qtype or "",
            stem=text_to_rich(stem),
            explanation=_clean(c["explanation"])[:MAX_STEM],
            difficulty=difficulty or Difficulty.MEDIUM,
            points=split_points(c["points"]),
        )
        if qtype and not self.problems:
            error = read_answer(row, qtype, options, answer_text)
            if error:
                self.problem("答案", error)
        return None if self.problems else row

    def _difficulty(self, text: str) -> int | None:
        text = text.strip()
        if not text:
            return None
        by_name = {name: level for level, name in DIFFICULTY_NAMES.items()}
        if text in by_name:
            return by_name[text]
        if text in {"1", "2", "3", "4", "5"}:
            return int(text)
        self.problem("难度", _("Difficulty is 1–5 or 易, 较易, 中等, 较难, 难."))
        return None


def read_template(table: list[tuple[int, list[str]]]) -> tuple[list[QuestionRow], list[Problem]]:
    """Rows of the Excel template (the first non-empty row is the header)."""
    if not table:
        return [], [Problem(0, "", _("The file is empty."))]
    (_number, header), *rows = table
    labels = {label: key for key, label in TEMPLATE_COLUMNS}
    positions = {}
    for index, title in enumerate(header):
        key = labels.get(title.strip().replace(" ", ""))
        if key:
            positions[key] = index
    missing = [label for key, label in TEMPLATE_COLUMNS[:2] if key not in positions]
    if "answer" not in positions:
        missing.append("答案")
    if missing:
        return [], [
            Problem(
                0,
                "",
                _(
                    "The header lacks the columns %(columns)s: download the template and "
                    "keep its first row."
                )
                % {"columns": "、".join(missing)},
            )
        ]
    if not rows:
        return [], [Problem(0, "", _("The file has a header but no questions."))]
    questions, problems = [], []
    for number, cells in rows:
        values = {
            key: (cells[positions[key]] if key in positions and positions[key] < len(cells) else "")
            for key, _label in TEMPLATE_COLUMNS
        }
        reader = _TemplateRow(number, values)
        question = reader.read()
        problems += reader.problems
        if question:
            questions.append(question)
    return questions, problems


# ---------------------------------------------------------------------------------------
# Moodle GIFT


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Blank-line separated blocks of lines, with the line number each starts on."""
    blocks, current, start = [], [], 0
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if current:
                blocks.append((start, current))
            current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        blocks.append((start, current))
    return blocks


_GIFT_ESCAPES = {
    "\\~": "\x01",
    "\\=": "\x02",
    "\\#": "\x03",
    "\\{": "\x04",
    "\\}": "\x05",
    "\\:": "\x06",
}


def _gift_unescape(text: str) -> str:
    for escaped, marker in _GIFT_ESCAPES.items():
        text = text.replace(marker, escaped[1])
    return text


def _gift_strip_format(text: str) -> str:
    return re.sub(r"^\[(html|moodle|plain|markdown)\]", "", text.strip())


def _gift_question(start: int, source: str, points: list[str]) -> tuple[QuestionRow | None, str]:
    for escaped, marker in _GIFT_ESCAPES.items():
        source = source.replace(escaped, marker)
    source = re.sub(r"^::.*?::", "", source.strip(), flags=re.S).strip()
    if "{" not in source or "}" not in source:
        return None, _("No answer block {…} found.")
    before, rest = source.split("{", 1)
    body, after = rest.rsplit("}", 1)
    general = ""
    if "####" in body:
        body, general = body.split("####", 1)
    stem = _gift_unescape(_gift_strip_format(before))
    if after.strip():
        stem = f"{stem} ____ {_gift_unescape(after.strip())}"
    row = QuestionRow(
        row=start,
        type="",
        stem=text_to_rich(stem),
        explanation=_gift_unescape(general.strip()),
        points=list(points),
    )
    if not stem.strip():
        return None, _("The question text is empty.")
    body = body.strip()
    if body.startswith("#"):
        return None, _("Numerical questions are not supported.")
    if "->" in body:
        return None, _("Matching questions are not supported.")
    if not body:
        row.type = QuestionType.SHORT
        return row, ""
    verdict = _true_false(body.split("#", 1)[0])
    if verdict is not None and body.split("#", 1)[0].strip().upper() in {"T", "F", "TRUE", "FALSE"}:
        row.type, row.answer = QuestionType.TRUE_FALSE, verdict
        return row, ""
    tokens = re.findall(r"([=~])\s*([^=~]*)", body)
    if not tokens:
        return None, _("The answer block holds no answers.")
    options, right, weighted = [], [], False
    for marker, raw in tokens:
        text = raw.split("#", 1)[0].strip()
        weight = re.match(r"%(-?\d+(?:\.\d+)?)%", text)
        if weight:
            weighted = True
            text = text[weight.end() :].strip()
        text = _gift_unescape(text)
        if not text:
            return None, _("An answer in the block is empty.")
        if marker == "=" or (weight and float(weight.group(1)) > 0):
            right.append(len(options))
        options.append(text)
    if all(marker == "=" for marker, _raw in tokens) and not weighted:
        row.type, row.answer = QuestionType.FILL, [options]
        return row, ""
    row.type = QuestionType.MULTIPLE if weighted and len(right) > 1 else QuestionType.SINGLE
    row.options, row.answer = options, right
    return row, ""


def read_gift(text: str) -> tuple[list[QuestionRow], list[Problem]]:
    """Moodle GIFT: questions separated by blank lines; // comments; $CATEGORY: sets the
    knowledge point of the questions after it."""
    questions, problems, points = [], [], []
    for start, lines in _blocks(text):
        lines = [line for line in lines if not line.lstrip().startswith("//")]
        if not lines:
            continue
        if lines[0].startswith("$CATEGORY:"):
            category = lines[0].split(":", 1)[1].strip().strip("/")
            points = [category.rsplit("/", 1)[-1]] if category else []
            lines = lines[1:]
            if not lines:
                continue
        source = "\n".join(lines)
        if "\x00" in source:
            problems.append(Problem(start, "", _("The text holds a NUL character.")))
            continue
        question, message = _gift_question(start, source, points)
        if question is not None:
            errors = answer_key_errors(question.type, question.options, question.answer)
            if errors:
                question, message = None, " ".join(errors)
        if question is None:
            problems.append(Problem(start, "", message))
        else:
            questions.append(question)
    if not questions and not problems:
        problems.append(Problem(0, "", _("The file holds no questions.")))
    return questions, problems


# ---------------------------------------------------------------------------------------
# Aiken


_AIKEN_OPTION = re.compile(r"^([A-F])[.)、．]\s*(.+)$")
_AIKEN_ANSWER = re.compile(r"^ANSWER\s*[:：]\s*([A-F])\s*$", re.I)


def read_aiken(text: str) -> tuple[list[QuestionRow], list[Problem]]:
    """Aiken: a question line, options "A. …" / "B) …", then "ANSWER: B"."""
    questions, problems = [], []
    lines = text.splitlines()
    index = 0
    while index < len(lines):
        if not lines[index].strip():
            index += 1
            continue
        start, stem_lines, options, answer = index + 1, [], [], None
        while index < len(lines) and lines[index].strip():
            line = lines[index].strip()
            option, key = _AIKEN_OPTION.match(line), _AIKEN_ANSWER.match(line)
            if key:
                answer = key.group(1).upper()
                index += 1
                break
            if option and option.group(1) == OPTION_LETTERS[len(options) : len(options) + 1]:
                options.append(option.group(2).strip())
            elif options:
                problems.append(Problem(index + 1, "", _("Expected an option or ANSWER: line.")))
            else:
                stem_lines.append(line)
            index += 1
        source = "\n".join(stem_lines)
        if "\x00" in source or any("\x00" in o for o in options):
            problems.append(Problem(start, "", _("The text holds a NUL character.")))
            continue
        if answer is None:
            problems.append(Problem(start, "", _("The question has no ANSWER: line.")))
            continue
        row = QuestionRow(
            row=start,
            type=QuestionType.SINGLE,
            stem=text_to_rich(source),
            options=options,
            answer=[OPTION_LETTERS.index(answer)],
        )
        errors = answer_key_errors(row.type, row.options, row.answer)
        if not source.strip():
            errors.insert(0, _("The question text is empty."))
        if errors:
            problems.append(Problem(start, "", " ".join(errors)))
        else:
            questions.append(row)
    if not questions and not problems:
        problems.append(Problem(0, "", _("The file holds no questions.")))
    return questions, problems


FORMATS = {
    "xlsx": gettext_lazy("Excel template (.xlsx or .csv)"),
    "gift": gettext_lazy("Moodle GIFT (.txt / .gift)"),
    "aiken": gettext_lazy("Aiken (.txt)"),
}
