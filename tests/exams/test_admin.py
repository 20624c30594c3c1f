"""The exams admin: each unit's admins and lecturers see and change only their own
banks, papers, exams, attempts and marking queue; imports are all or nothing."""

import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from exams import services
from exams.models import Answer, AttemptStatus, ExamKind, Question
from exams.selectors import paper_of
from tests.exams.factories import make_bank, make_exam, make_paper, make_question, one_of_each

User = get_user_model()


@pytest.fixture
def energy_bank(new_energy):
    return make_bank(new_energy, "光伏发电题库")


@pytest.fixture
def materials_bank(new_materials):
    return make_bank(new_materials, "新材料题库")


def admin_client(client, username):
    client.force_login(User.objects.get(username=username))
    return client


def xlsx(rows) -> SimpleUploadedFile:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("questions.xlsx", buffer.getvalue())


HEADER = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "选项E",
    "选项F",
    "答案",
    "解析",
    "难度",
    "知识点",
]


def test_each_academy_sees_only_its_own_banks(client, energy_bank, materials_bank):
    page = admin_client(client, "new_energy_admin").get(reverse("exams_banks:index"))
    assert page.status_code == 200
    assert "光伏发电题库" in page.content.decode() and "新材料题库" not in page.content.decode()
    for name in ("exams_banks:edit", "exams_banks:delete"):
        assert client.get(reverse(name, args=(materials_bank.pk,))).status_code in (403, 404)
    for name in ("exams_admin:import", "exams_admin:export"):
        assert client.get(reverse(name, args=(materials_bank.pk,))).status_code == 404
    assert client.get(reverse("exams_admin:export", args=(energy_bank.pk,))).status_code == 200


def test_the_academy_lecturer_manages_the_academy_bank(client, energy_bank, materials_bank):
    lecturer = admin_client(client, "lecturer")
    assert lecturer.get(reverse("exams_banks:edit", args=(energy_bank.pk,))).status_code == 200
    assert lecturer.get(reverse("exams_banks:edit", args=(materials_bank.pk,))).status_code == 404


def test_headquarters_manages_every_unit_and_shares_a_bank(client, hq, energy_bank, new_energy):
    shared = make_bank(hq, "安全生产公共题库", shared=True)
    hq_admin = admin_client(client, "hq_admin")
    assert hq_admin.get(reverse("exams_banks:edit", args=(energy_bank.pk,))).status_code == 200
    energy = admin_client(client, "new_energy_admin")
    assert energy.get(reverse("exams_banks:edit", args=(shared.pk,))).status_code == 404
    # …but an academy's paper may draw from it.
    form = energy.get(reverse("exams_papers:add")).content.decode()
    assert "安全生产公共题库" in form and "光伏发电题库" in form


def test_only_headquarters_may_share(new_energy):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        make_bank(new_energy, "共享?", shared=True)


def test_a_learner_has_no_exams_admin(client, learner, energy_bank):
    client.force_login(learner)
    assert client.get(reverse("exams_banks:index")).status_code in (302, 403)
    assert client.get(reverse("exams_admin:marking")).status_code in (302, 403)


def test_excel_import_adds_every_row(client, energy_bank):
    rows = [
        HEADER,
        [
            "单选题",
            "光伏组件串联后哪个量增大?",
            "电流",
            "电压",
            "频率",
            "",
            "",
            "",
            "B",
            "串联电压相加",
            "中等",
            "光伏发电",
        ],
        [
            "多选题",
            "光伏电站有哪些设备?",
            "逆变器",
            "汇流箱",
            "柴油机",
            "组件",
            "",
            "",
            "ABD",
            "",
            "2",
            "光伏发电、设备",
        ],
        ["判断题", "检修前必须验电。", "", "", "", "", "", "", "对", "", "易", "安全生产"],
        [
            "填空题",
            "组件串联时（ ）相加,共（ ）块。",
            "",
            "",
            "",
            "",
            "",
            "",
            "电压|5;五",
            "",
            "",
            "",
        ],
        [
            "简答题",
            "简述逆变器停机步骤。",
            "",
            "",
            "",
            "",
            "",
            "",
            "先断开直流侧",
            "",
            "难",
            "安全生产",
        ],
    ]
    response = admin_client(client, "new_energy_admin").post(
        reverse("exams_admin:import", args=(energy_bank.pk,)),
        {"format": "xlsx", "file": xlsx(rows)},
    )
    assert response.status_code == 302
    questions = list(Question.objects.filter(bank=energy_bank).order_by("pk"))
    assert [q.type for q in questions] == ["single", "multiple", "true_false", "fill", "short"]
    assert questions[1].answer == [0, 1, 3] and questions[3].answer == [["电压"], ["5", "五"]]
    assert sorted(t.name for t in questions[1].knowledge_points.all()) == ["光伏发电", "设备"]
    assert questions[4].difficulty == 5 and questions[4].reference_answer == "先断开直流侧"


def test_excel_import_with_bad_rows_imports_nothing_and_names_each(client, energy_bank):
    rows = [
        HEADER,
        ["单选题", "好的一行", "甲", "乙", "", "", "", "", "A", "", "", ""],
        ["单选题", "答案不存在", "甲", "乙", "", "", "", "", "D", "", "", ""],
        ["论述题", "未知题型", "", "", "", "", "", "", "x", "", "", ""],
        ["判断题", "判断", "", "", "", "", "", "", "也许", "", "", ""],
        ["多选题", "", "甲", "乙", "丙", "", "", "", "AB", "", "很难", ""],
    ]
    response = admin_client(client, "new_energy_admin").post(
        reverse("exams_admin:import", args=(energy_bank.pk,)),
        {"format": "xlsx", "file": xlsx(rows)},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "没有导入任何题目" in page
    for row in ("<td>3</td>", "<td>4</td>", "<td>5</td>", "<td>6</td>"):
        assert row in page
    assert "答案中的选项不存在" in page and "未知题型" in page and "题干为空" in page
    assert not Question.objects.filter(bank=energy_bank).exists()


def test_template_download_and_export_round_trip(client, energy_bank):
    make_question(
        energy_bank,
        "single",
        points=["光伏发电"],
        stem='<p>=HYPERLINK("http://evil.example/","x")</p>',
    )
    make_question(energy_bank, "fill")
    admin = admin_client(client, "new_energy_admin")
    template = load_workbook(io.BytesIO(admin.get(reverse("exams_admin:template")).content))
    assert [c.value for c in template.active[1]] == HEADER
    exported = admin.get(reverse("exams_admin:export", args=(energy_bank.pk,))).content
    sheet = load_workbook(io.BytesIO(exported)).active
    stem = sheet["B2"]
    assert stem.data_type == "s" and stem.value.startswith("=HYPERLINK")
    assert sheet["I3"].value == "电压|5;五"
    other = make_bank(energy_bank.unit, "导回题库")
    response = admin.post(
        reverse("exams_admin:import", args=(other.pk,)),
        {"format": "xlsx", "file": SimpleUploadedFile("back.xlsx", exported)},
    )
    assert response.status_code == 302
    assert [(q.type, q.answer) for q in other.questions.order_by("pk")] == [
        (q.type, q.answer) for q in energy_bank.questions.order_by("pk")
    ]


@pytest.fixture
def marked_exam(new_energy, energy_bank, learner):
    paper = make_paper(new_energy, fixed=[(q, 2) for q in one_of_each(energy_bank)])
    exam = make_exam(new_energy, paper, ExamKind.PRACTICE, time_limit_minutes=30)
    attempt = services.attempt_open(exam=exam, learner=learner, device="d")
    short = next(i for i in paper_of(attempt) if i.type == "short")
    services.answer_save(
        attempt_id=attempt.pk,
        learner=learner,
        device="d",
        position=short.position,
        response=["先断开直流侧"],
        client_id="s",
        revision=1,
    )
    services.event_record(
        attempt_id=attempt.pk, learner=learner, device="d", kind="hidden", client_id="h1"
    )
    services.attempt_submit(attempt_id=attempt.pk, learner=learner, device="d")
    return exam, attempt


def test_marking_queue_results_and_evidence_per_academy(client, marked_exam):
    exam, attempt = marked_exam
    other = admin_client(client, "new_materials_admin")
    assert "先断开直流侧" not in other.get(reverse("exams_admin:marking")).content.decode()
    for name, pk in (
        ("exams_admin:results", exam.pk),
        ("exams_admin:results_export", exam.pk),
        ("exams_admin:attempt", attempt.pk),
    ):
        assert other.get(reverse(name, args=(pk,))).status_code == 404
    answer = Answer.objects.get(attempt=attempt, score__isnull=True)
    assert (
        other.post(reverse("exams_admin:mark", args=(answer.pk,)), {"score": "2"}).status_code
        == 404
    )

    lecturer = admin_client(client, "lecturer")
    assert "先断开直流侧" in lecturer.get(reverse("exams_admin:marking")).content.decode()
    detail = lecturer.get(reverse("exams_admin:attempt", args=(attempt.pk,))).content.decode()
    assert "离开页面" in detail
    lecturer.post(reverse("exams_admin:mark", args=(answer.pk,)), {"score": "2", "comment": "好"})
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.DONE and attempt.score == Decimal(2)
    results = lecturer.get(reverse("exams_admin:results", args=(exam.pk,))).content.decode()
    assert "通过" in results and "data-hardest" in results
    book = load_workbook(
        io.BytesIO(lecturer.get(reverse("exams_admin:results_export", args=(exam.pk,))).content)
    )
    assert book.active["E2"].value == 2


def test_competition_registrations(
    client, new_energy, energy_bank, learner, django_capture_on_commit_callbacks
):
    paper = make_paper(new_energy, fixed=[(make_question(energy_bank), 2)])
    exam = make_exam(new_energy, paper, ExamKind.COMPETITION)
    admin = admin_client(client, "new_energy_admin")
    url = reverse("exams_admin:registrations", args=(exam.pk,))
    admin.post(url, {"numbers": f"{learner.username}\n13000000000\n"})
    assert exam.registrations.filter(learner=learner).exists()
    # Drawing the papers goes to the queue once the request has committed.
    with django_capture_on_commit_callbacks(execute=True) as queued:
        assert admin.post(url, {"action": "pregenerate"}).status_code == 302
    assert len(queued) == 1
    assert exam.attempts.get(learner=learner).status == AttemptStatus.READY
    assert admin_client(client, "new_materials_admin").get(url).status_code == 404


def test_pass_rates_join_the_unit_dashboards(client, marked_exam, new_energy, new_materials):
    _exam, attempt = marked_exam
    answer = Answer.objects.get(attempt=attempt, score__isnull=True)
    admin_client(client, "lecturer").post(
        reverse("exams_admin:mark", args=(answer.pk,)), {"score": "2"}
    )
    attempt.refresh_from_db()
    expected = "100.0 %" if attempt.passed else "0.0 %"
    page = admin_client(client, "new_energy_admin").get(reverse("dashboards:index"))
    figures = {
        figure.label: f"{figure.value}{figure.unit}" for figure in page.context["board"].provided
    }
    assert figures == {"已阅卷考试人次": "1", "考试通过率": expected}
    # Another academy's dashboard counts none of it.
    page = admin_client(client, "new_materials_admin").get(reverse("dashboards:index"))
    figures = {figure.label: figure.value for figure in page.context["board"].provided}
    assert figures["已阅卷考试人次"] == 0 and figures["考试通过率"] == "—"
