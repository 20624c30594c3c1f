"""Reading Moodle GIFT and Aiken files (the Excel template is tested through the admin),
and importing all or nothing."""

import pytest

from exams.formats import read_aiken, read_gift
from exams.models import Question
from exams.services import QuestionImportError, questions_import
from tests.exams.factories import make_bank

GIFT = """// 光伏发电 题库
$CATEGORY: $course$/光伏发电

::Q1:: 光伏组件串联后,输出的哪个量增大? {
  ~电流
  =电压 # 串联电压相加
  ~频率
####串联时电压相加,电流不变。
}

::Q2:: 光伏电站的设备有 {~%50%逆变器 ~%50%汇流箱 ~%-100%柴油机}

检修前必须验电。{T}

单块组件的额定电压约为 {=36V =36 伏} 左右。

光伏电站 {~是 =不是} 火电厂。

简述逆变器的停机步骤。{}

1 + 1 = {#2}

有反斜杠转义的题 \\{ 不是答案块 \\} :{=对}
"""


def test_gift_reads_each_question_type():
    rows, problems = read_gift(GIFT)
    assert [p.row for p in problems] == [21]
    assert "数值题" in problems[0].message or "Numerical" in problems[0].message
    kinds = [(r.type, r.options, r.answer) for r in rows]
    assert kinds[0] == ("single", ["电流", "电压", "频率"], [1])
    assert kinds[1] == ("multiple", ["逆变器", "汇流箱", "柴油机"], [0, 1])
    assert kinds[2] == ("true_false", [], [True])
    assert kinds[3] == ("fill", [], [["36V", "36 伏"]])
    assert kinds[4] == ("single", ["是", "不是"], [1])
    assert rows[4].stem == "<p>光伏电站 ____ 火电厂。</p>"
    assert kinds[5][0] == "short"
    assert rows[6].stem.startswith("<p>有反斜杠转义的题 { 不是答案块 }")
    assert rows[0].explanation == "串联时电压相加,电流不变。"
    assert rows[0].points == ["光伏发电"] and rows[0].row == 4


AIKEN = """光伏组件串联后,输出的哪个量增大?
A. 电流
B. 电压
C) 频率
ANSWER: B

下列哪项属于安全工器具?
A. 绝缘手套
B. 扳手
ANSWER: C

没有答案的题
A. 甲
B. 乙
"""


def test_aiken_reads_questions_and_names_bad_ones():
    rows, problems = read_aiken(AIKEN)
    assert [(r.type, r.options, r.answer) for r in rows] == [
        ("single", ["电流", "电压", "频率"], [1])
    ]
    assert [p.row for p in problems] == [7, 12]


def test_empty_files_say_so():
    for reader in (read_gift, read_aiken):
        rows, problems = reader("\n\n")
        assert not rows and problems and problems[0].row == 0


def test_nul_bytes_are_problems_not_crashes():
    _rows, problems = read_gift("题\x00目 {T}")
    assert problems
    _rows, problems = read_aiken("题\x00目\nA. 甲\nB. 乙\nANSWER: A")
    assert problems


def test_import_is_all_or_nothing(new_energy):
    bank = make_bank(new_energy)
    rows, problems = read_aiken(AIKEN)
    with pytest.raises(QuestionImportError) as error:
        questions_import(bank=bank, rows=rows, problems=problems)
    assert len(error.value.problems) == 2
    assert not Question.objects.filter(bank=bank).exists()
    rows, problems = read_gift(GIFT.replace("1 + 1 = {#2}", ""))
    created = questions_import(bank=bank, rows=rows, problems=problems)
    assert len(created) == 7 == Question.objects.filter(bank=bank).count()
    assert [t.name for t in created[0].knowledge_points.all()] == ["光伏发电"]
