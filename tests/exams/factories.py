"""Banks, questions, papers and exams built the way the admin forms and imports do."""

from decimal import Decimal

from exams.models import Exam, ExamKind, Paper, PaperQuestion, PaperRule, Question, QuestionBank


def make_bank(unit, name="光伏发电题库", **fields) -> QuestionBank:
    bank = QuestionBank(unit=unit, name=name, **fields)
    bank.full_clean()
    bank.save()
    return bank


def make_question(bank, qtype="single", *, points=(), **fields) -> Question:
    defaults = {
        "single": {"options": ["电流", "电压", "频率", "功率因数"], "answer": [1]},
        "multiple": {"options": ["逆变器", "汇流箱", "柴油机", "光伏组件"], "answer": [0, 1, 3]},
        "true_false": {"options": [], "answer": [True]},
        "fill": {"options": [], "answer": [["电压"], ["5", "五"]]},
        "short": {"options": [], "answer": [], "reference_answer": "先断开直流侧,再断开交流侧。"},
    }[qtype]
    question = Question(
        bank=bank,
        type=qtype,
        stem=fields.pop("stem", f"<p>{qtype} 题:光伏组件串联后哪个量增大?</p>"),
        explanation=fields.pop("explanation", "串联时电压相加。"),
        **{**defaults, **fields},
    )
    question.full_clean()
    question.save()
    if points:
        question.knowledge_points.set(list(points))
    return question


def make_paper(unit, title="光伏发电站设计 结业试卷", *, fixed=(), rules=(), **fields) -> Paper:
    """`fixed`: (question, score) pairs; `rules`: dicts of PaperRule fields with `banks`."""
    paper = Paper(unit=unit, title=title, **fields)
    paper.save()
    for order, (question, score) in enumerate(fixed):
        PaperQuestion.objects.create(
            paper=paper, question=question, score=Decimal(score), sort_order=order
        )
    for order, rule in enumerate(rules):
        rule = dict(rule)
        banks = rule.pop("banks")
        made = PaperRule.objects.create(paper=paper, sort_order=order, **rule)
        made.banks.set(banks)
        made.save()  # a parental many-to-many is written on save
    return Paper.objects.get(pk=paper.pk)


def make_exam(unit, paper, kind=ExamKind.PRACTICE, **fields) -> Exam:
    fields.setdefault("title", paper.title)
    fields.setdefault("published", True)
    if kind == ExamKind.COMPETITION:
        fields.setdefault("time_limit_minutes", 60)
        fields.setdefault("max_attempts", 1)
    exam = Exam(unit=unit, paper=paper, kind=kind, **fields)
    exam.full_clean()
    exam.save()
    return exam


def one_of_each(bank) -> list[Question]:
    return [
        make_question(bank, qtype, points=["光伏发电"] if qtype != "short" else ["安全生产"])
        for qtype in ("single", "multiple", "true_false", "fill", "short")
    ]
