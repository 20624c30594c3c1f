"""Importing a catalogue from CSV or XLSX: validated row by row, all or nothing,
re-imports update in place."""

import io

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from courses.models import CoursePage, LecturerIndexPage, LecturerPage
from lms.models import AuditAction, AuditEntry
from tests.courses.factories import make_learner, user

pytestmark = pytest.mark.django_db

HEADER = ["课程名称", "简介", "描述", "类别", "级别", "学时", "讲师", "标签", "报名方式", "名额"]
ROWS = [
    [
        "光伏发电站设计",
        "从选址到并网的光伏电站设计",
        "第一部分:场址评估\n第二部分:并网接入",
        "职业发展",
        "中级",
        "12",
        "李秀梅",
        "光伏、新能源",
        "",
        "",
    ],
    [
        "焊工技能竞赛强化训练",
        "全国焊工竞赛赛前训练",
        "",
        "职业发展",
        "高级",
        "32",
        "",
        "焊工",
        "限额",
        "12",
    ],
    ["劳模工匠精神", "听劳模讲奋斗故事", "", "思政引领", "入门", "2.5", "", "", "", ""],
]


@pytest.fixture
def faculty(hq):
    index = LecturerIndexPage(title="师资库", slug="lecturers")
    hq.add_child(instance=index)
    index.add_child(instance=LecturerPage(title="李秀梅", slug="li"))


def write_csv_bytes(rows, encoding="utf-8-sig") -> bytes:
    lines = [",".join(f'"{cell}"' for cell in row) for row in rows]
    return "\n".join(lines).encode(encoding)


def write_csv(path, rows, encoding="utf-8-sig"):
    path.write_bytes(write_csv_bytes(rows, encoding))
    return path


def write_xlsx(path, rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_the_command_imports_then_updates_in_place(tmp_path, new_energy, faculty, capsys):
    path = write_csv(tmp_path / "课程.csv", [HEADER, *ROWS])
    call_command("import_courses", str(path), academy="吉林省新能源工匠学院", live=True)
    assert "新增 3 门,更新 0 门,未变 0 门" in capsys.readouterr().out

    courses = CoursePage.objects.child_of(new_energy)
    assert courses.count() == 3
    pv = courses.get(title="光伏发电站设计")
    assert (pv.level, str(pv.learning_hours), pv.category.name) == (
        "intermediate",
        "12.0",
        "职业发展",
    )
    assert [lecturer.title for lecturer in pv.lecturers] == ["李秀梅"]
    assert sorted(tag.name for tag in pv.tags.all()) == ["光伏", "新能源"]
    assert [block.value.source for block in pv.description] == [
        "<p>第一部分:场址评估</p>",
        "<p>第二部分:并网接入</p>",
    ]
    welding = courses.get(title="焊工技能竞赛强化训练")
    assert (welding.enrolment_policy, welding.seat_limit) == ("limited", 12)
    assert pv.live and pv.live_revision is not None

    # The same file again changes nothing; a changed row is updated, not duplicated.
    revisions = pv.revisions.count()
    call_command(
        "import_courses", str(path), academy="吉林省新能源工匠学院", verbosity=0, live=True
    )
    assert CoursePage.objects.get(pk=pv.pk).revisions.count() == revisions
    changed = [[*ROWS[0][:5], "16", *ROWS[0][6:]], *ROWS[1:]]
    write_xlsx(tmp_path / "课程.xlsx", [HEADER, *changed])
    call_command(
        "import_courses", str(tmp_path / "课程.xlsx"), academy="吉林省新能源工匠学院", live=True
    )
    assert "新增 0 门,更新 1 门,未变 2 门" in capsys.readouterr().out
    assert courses.count() == 3
    assert str(CoursePage.objects.get(pk=pv.pk).learning_hours) == "16.0"


def test_a_file_with_mistakes_imports_nothing_and_says_where(tmp_path, new_energy, faculty):
    bad = [
        HEADER,
        ROWS[0],
        ["", "没有名称", "", "职业发展", "入门", "4", "", "", "", ""],
        ["数控机床装调", "简介", "", "机械类", "专家", "八", "王五", "", "限额", ""],
        ["光伏发电站设计", "重复", "", "职业发展", "入门", "4", "", "", "", ""],
    ]
    path = write_csv(tmp_path / "错误.csv", bad, encoding="gb18030")
    with pytest.raises(CommandError, match="未导入任何课程:文件中有 7 处问题"):
        call_command("import_courses", str(path), academy="吉林省新能源工匠学院", verbosity=0)
    assert not CoursePage.objects.exists()


def test_problems_are_listed_by_row_and_column_in_the_admin(client, new_energy, faculty):
    bad = [
        HEADER,
        ROWS[0],
        ["数控机床装调", "简介", "", "机械类", "专家", "八", "王五", "", "限额", ""],
    ]
    buffer = io.BytesIO()
    book = Workbook()
    for row in bad:
        book.active.append(row)
    book.save(buffer)
    client.force_login(user("new_energy_admin"))
    response = client.post(
        reverse("courses_admin:import"),
        {"unit": new_energy.pk, "file": SimpleUploadedFile("错误.xlsx", buffer.getvalue())},
    )
    html = response.content.decode()
    for message in (
        "没有“机械类”这个类别",
        "“专家”不是可选值,可选:入门、初级、中级、高级",
        "“八”不是学时数",
        "师资库中没有名为“王五”的讲师",
        "限额报名的课程需要填写名额",
    ):
        assert message in html
    assert "<td>3</td>" in html
    assert not CoursePage.objects.exists()


def test_missing_columns_and_wrong_files_are_explained(client, new_energy):
    client.force_login(user("new_energy_admin"))
    url = reverse("courses_admin:import")
    upload = SimpleUploadedFile("课程.csv", "课程名称,学时\n焊工,8\n".encode())
    html = client.post(url, {"unit": new_energy.pk, "file": upload}).content.decode()
    assert "第一行缺少这一列" in html and "简介" in html and "类别" in html
    upload = SimpleUploadedFile("课程.docx", b"not a spreadsheet")
    html = client.post(url, {"unit": new_energy.pk, "file": upload}).content.decode()
    assert "请上传 .csv 或 .xlsx 文件。" in html
    upload = SimpleUploadedFile("课程.xlsx", b"not a workbook")
    html = client.post(url, {"unit": new_energy.pk, "file": upload}).content.decode()
    assert "无法作为 Excel 工作簿(.xlsx)打开这个文件。" in html


def test_an_unknown_unit_is_refused(tmp_path, units):
    path = write_csv(tmp_path / "课程.csv", [HEADER, *ROWS])
    with pytest.raises(CommandError, match="没有名为“不存在的学院”的单位"):
        call_command("import_courses", str(path), academy="不存在的学院", verbosity=0)


def test_the_admin_imports_drafts_by_default_or_publishes_when_asked(client, new_energy, faculty):
    client.force_login(user("new_energy_admin"))
    url = reverse("courses_admin:import")
    rows = [[*HEADER, "学习方式"], [*ROWS[0], "线上线下结合"]]
    upload = SimpleUploadedFile("课程.csv", write_csv_bytes(rows))
    assert client.post(url, {"unit": new_energy.pk, "file": upload}).status_code == 302
    draft = CoursePage.objects.get(title="光伏发电站设计")
    assert not draft.live and draft.mode == "blended"
    # A course the form labels 限额报名(满额候补) is read as the form shows it.
    rows = [[*HEADER, "学习方式"], [*ROWS[1][:8], "限额报名(满额候补)", "20", "线下"]]
    upload = SimpleUploadedFile("课程.csv", write_csv_bytes(rows))
    response = client.post(url, {"unit": new_energy.pk, "file": upload, "publish": "1"})
    assert response.status_code == 302
    live = CoursePage.objects.get(title=ROWS[1][0])
    assert live.live and (live.enrolment_policy, live.seat_limit, live.mode) == (
        "limited",
        20,
        "in_person",
    )
    logged = AuditEntry.objects.filter(action=AuditAction.COURSES_IMPORTED)
    assert [entry.detail for entry in logged.order_by("pk")] == ["作为草稿", "已发布"]


def test_the_template_downloads_and_imports_as_it_is(client, new_energy, faculty):
    client.force_login(user("new_energy_admin"))
    response = client.get(reverse("courses_admin:import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    rows = [[cell if cell is not None else "" for cell in row] for row in book.active.values]
    assert rows[0][:3] == ["课程名称", "简介", "描述"]
    upload = SimpleUploadedFile("模板.xlsx", response.content)
    response = client.post(reverse("courses_admin:import"), {"unit": new_energy.pk, "file": upload})
    assert response.status_code == 302
    course = CoursePage.objects.get(title=rows[1][0])
    assert not course.live and course.mode == "blended" and course.enrolment_policy == "limited"
    # Learners cannot download it.
    client.force_login(make_learner("13900000041"))
    assert client.get(reverse("courses_admin:import_template")).status_code == 302


BAD_CELLS = {
    "hours NaN": (5, "NaN", "“NaN”不是学时数"),
    "hours sNaN": (5, "sNaN", "“sNaN”不是学时数"),
    "hours Infinity": (5, "-Infinity", "不是学时数"),
    "seats ²": (9, "²", "名额必须是不小于 1 的整数"),
    "seats beyond reason": (9, "9" * 30, "名额最多 100000 个"),
}


def bad_file(column: int, value: str) -> list[list[str]]:
    row = [*ROWS[1]]
    row[column] = value
    return [HEADER, ROWS[0], row]


@pytest.mark.parametrize("case", BAD_CELLS)
def test_cells_that_broke_the_import_are_problems_like_any_other(
    tmp_path, client, new_energy, faculty, case
):
    column, value, message = BAD_CELLS[case]
    path = write_csv(tmp_path / "课程.csv", bad_file(column, value))
    with pytest.raises(CommandError, match="未导入任何课程"):
        call_command("import_courses", str(path), academy="吉林省新能源工匠学院", verbosity=0)

    client.force_login(user("new_energy_admin"))
    upload = SimpleUploadedFile("课程.csv", path.read_bytes())
    response = client.post(reverse("courses_admin:import"), {"unit": new_energy.pk, "file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html and "<td>3</td>" in html
    assert not CoursePage.objects.exists()


UNREADABLE = {
    "a CSV cell over 128 KB": (
        2,
        "很长的描述" * 30_000,
        "第 3 行无法读取",
        "Row 3 could not be read: a cell is longer than 128 KB",
    ),
    "a NUL in a cell": (
        0,
        "光伏\x00发电站设计",
        "第 3 行含有无法保存的空字符",
        "Row 3 holds a NUL",
    ),
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_a_file_that_cannot_be_read_says_which_row(tmp_path, client, new_energy, faculty, case):
    column, value, chinese, english = UNREADABLE[case]
    path = write_csv(tmp_path / "课程.csv", bad_file(column, value))
    with pytest.raises(CommandError, match=chinese):
        call_command("import_courses", str(path), academy="吉林省新能源工匠学院", verbosity=0)

    client.force_login(user("new_energy_admin"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    upload = SimpleUploadedFile("课程.csv", path.read_bytes())
    response = client.post(reverse("courses_admin:import"), {"unit": new_energy.pk, "file": upload})
    assert response.status_code == 200
    assert english in response.content.decode()
    assert not CoursePage.objects.exists()
