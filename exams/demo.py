"""Demo exams: the new-energy academy's bank (imported through the Excel template's
reader), a bank headquarters shares with every unit, a rule-based final exam of
光伏发电站设计, a daily practice set and a competition preliminary the demo learner is
registered for. Idempotent: a second run changes nothing."""

import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from academies.models import HeadquartersPage, IndustryAcademyPage
from courses.models import CoursePage
from exams.formats import TEMPLATE_COLUMNS, read_template
from exams.models import Exam, ExamKind, Paper, PaperRule, QuestionBank
from exams.services import questions_import, registrations_add
from lms.demo import DEMO_LEARNER_PHONE

HEADER = [label for _key, label in TEMPLATE_COLUMNS]


def _row(qtype, stem, options, answer, explanation, difficulty, points):
    return [qtype, stem, *(options + [""] * (6 - len(options))), answer, explanation, difficulty,
            points]  # fmt: skip


PV_QUESTIONS = [
    _row("单选题", "光伏组件串联后,输出的哪个量增大?", ["电流", "电压", "频率", "功率因数"], "B",
         "串联时各组件电压相加,电流不变。", "易", "光伏发电"),
    _row("单选题", "集中式光伏电站中,把直流电变为交流电的设备是?",
         ["汇流箱", "逆变器", "箱变", "支架"], "B", "逆变器完成直流到交流的变换。", "易",
         "光伏发电"),
    _row("单选题", "光伏方阵前后排间距主要依据什么确定?", ["冬至日正午阴影长度", "夏至日日出时间",
         "年平均风速", "组件重量"], "A", "一般按冬至日 9:00–15:00 前排不遮挡后排确定。", "中等",
         "光伏电站设计"),
    _row("单选题", "组件的温度升高时,其开路电压通常会?", ["升高", "降低", "不变", "先升后降"], "B",
         "晶硅组件开路电压具有负温度系数。", "中等", "光伏发电"),
    _row("单选题", "分布式光伏并网前必须完成的是?",
         ["并网验收", "年度检修", "组件清洗", "涂装"], "A", "并网验收合格后方可并网运行。", "易",
         "并网接入"),
    _row("单选题", "PID 效应主要导致组件?", ["功率衰减", "重量增加", "颜色变深", "电流增大"], "A",
         "电势诱导衰减使组件输出功率下降。", "较难", "光伏发电"),
    _row("多选题", "光伏电站直流侧包括哪些设备?",
         ["光伏组件", "汇流箱", "直流电缆", "主变压器"], "ABC", "主变压器在交流侧。", "中等",
         "光伏电站设计"),
    _row("多选题", "影响光伏发电量的因素有?", ["辐照度", "组件温度", "灰尘遮挡", "电站名称"], "ABC",
         "", "较易", "光伏发电"),
    _row("判断题", "光伏组件可以在雨天带电清洗。", [], "错", "清洗应避开带电和恶劣天气。", "易",
         "安全生产"),
    _row("判断题", "逆变器的最大功率点跟踪(MPPT)可以提高发电量。", [], "对", "", "易", "光伏发电"),
    _row("填空题", "我国光伏电站并网电压等级常见为 10 kV 和（ ）kV。", [], "35;35kV", "", "中等",
         "并网接入"),
    _row("简答题", "简述光伏电站逆变器停机检修的步骤。", [],
         "先断开交流侧开关,再断开直流侧开关,验电、挂牌后检修。", "顺序错误扣分。", "较难",
         "安全生产"),
]  # fmt: skip

SAFETY_QUESTIONS = [
    _row("单选题", "进入有限空间作业前首先应?", ["通风检测", "立即进入", "打电话", "拍照"], "A",
         "先通风、再检测、后作业。", "易", "安全生产"),
    _row("单选题", "发现有人触电,首先应?", ["切断电源", "直接拉人", "大声呼喊", "拍照取证"], "A",
         "先使触电者脱离电源。", "易", "安全生产"),
    _row("多选题", "高处作业应配备?", ["安全带", "安全帽", "防滑鞋", "拖鞋"], "ABC", "", "易",
         "安全生产"),
    _row("判断题", "灭火器压力表指针在绿区表示压力正常。", [], "对", "", "易", "安全生产"),
    _row("判断题", "电气设备着火时可以直接用水扑救。", [], "错",
         "应先断电,使用干粉等灭火器。", "易", "安全生产"),
    _row("填空题", "安全生产方针是“安全第一、（ ）为主、综合治理”。", [], "预防", "", "易",
         "安全生产"),
]  # fmt: skip


def steps():
    yield "new-energy question bank", seed_banks
    yield "exams", seed_exams


def _bank(unit, name, rows, **fields) -> QuestionBank:
    bank, _created = QuestionBank.objects.get_or_create(unit=unit, name=name, defaults=fields)
    if not bank.questions.exists():
        table = list(enumerate([HEADER, *rows], start=1))
        questions, problems = read_template(table)
        questions_import(bank=bank, rows=questions, problems=problems)
    return bank


def seed_banks() -> None:
    academy = IndustryAcademyPage.objects.get(slug="new-energy")
    _bank(academy, "光伏发电题库", PV_QUESTIONS, description="光伏发电站设计课程题库")
    _bank(HeadquartersPage.objects.get(), "安全生产公共题库", SAFETY_QUESTIONS, shared=True)


def _paper(unit, title, rules) -> Paper:
    paper = Paper.objects.filter(unit=unit, title=title).first()
    if paper is not None:
        return paper
    paper = Paper.objects.create(unit=unit, title=title)
    for order, (banks, qtype, count, score) in enumerate(rules):
        rule = PaperRule(paper=paper, sort_order=order, type=qtype, count=count, score=score)
        rule.banks.set(banks)
        rule.save()
    return paper


@transaction.atomic
def seed_exams() -> None:
    academy = IndustryAcademyPage.objects.get(slug="new-energy")
    pv = QuestionBank.objects.get(unit=academy, name="光伏发电题库")
    safety = QuestionBank.objects.get(name="安全生产公共题库")
    final = _paper(academy, "光伏发电站设计 结业试卷", [
        ([pv], "single", 5, 10), ([pv], "multiple", 2, 10), ([pv, safety], "true_false", 2, 5),
        ([pv], "fill", 1, 10), ([pv], "short", 1, 10),
    ])  # fmt: skip
    Exam.objects.get_or_create(
        unit=academy, title="光伏发电站设计 结业考试", defaults={
            "kind": ExamKind.FINAL, "paper": final,
            "course": CoursePage.objects.get(slug="pv-station-design"),
            "time_limit_minutes": 30, "max_attempts": 3, "pass_mark": 60, "published": True,
            "instructions": "共 11 题,满分 100 分,60 分及格。通过后方可获得结业证书。",
        },
    )  # fmt: skip
    practice = _paper(academy, "安全生产每日一练", [
        ([safety], "single", 2, 1), ([safety], "multiple", 1, 1), ([safety], "true_false", 2, 1),
    ])  # fmt: skip
    Exam.objects.get_or_create(
        unit=academy, title="安全生产每日一练", defaults={
            "kind": ExamKind.PRACTICE, "paper": practice, "max_attempts": None,
            "pass_mark": 3, "published": True,
        },
    )  # fmt: skip
    preliminary = _paper(academy, "新能源锂电保护 初赛试卷", [
        ([pv, safety], "single", 6, 10), ([pv, safety], "multiple", 2, 10),
        ([pv, safety], "true_false", 2, 10),
    ])  # fmt: skip
    now = timezone.now().replace(microsecond=0)
    competition, _created = Exam.objects.get_or_create(
        unit=academy, title="新能源锂电保护 初赛(理论)", defaults={
            "kind": ExamKind.COMPETITION, "paper": preliminary, "time_limit_minutes": 20,
            "max_attempts": 1, "pass_mark": 60, "published": True, "opens_at": now,
            "closes_at": now + datetime.timedelta(days=30),
        },
    )  # fmt: skip
    learner = get_user_model().objects.get(username=DEMO_LEARNER_PHONE)
    registrations_add(exam=competition, learners=[learner])
