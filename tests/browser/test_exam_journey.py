"""An academy admin imports a bank from the Excel template; a worker on a 360 px phone
takes the course's rule-based final exam through a dropped network (CDP offline), reloads,
continues on a second device (the first is then refused), hands in, passes and gets a
certificate that shows the score — which the lessons alone did not earn."""

import re

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from academies import demo as academies_demo
from courses.models import Enrolment, EnrolmentStatus
from exams.models import Answer, Attempt, AttemptEvent, Exam, ExamKind, QuestionBank
from learning.models import Certificate
from lms.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_no_horizontal_scroll
from tests.courses.factories import make_course, make_learner, open_lesson
from tests.exams.factories import make_paper

pytestmark = pytest.mark.browser

PHONE = "13912345678"
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
# Every right answer is the option 正确, so the journey can find it whatever the shuffle.
ROWS = [
    ["单选题", f"光伏发电第{n}题", "正确", "错误一", "错误二", "错误三", "", "", "A", f"解析{n}",
     "中等", "光伏发电"]
    for n in range(1, 9)
]  # fmt: skip


def template_file(tmp_path):
    book = Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    path = tmp_path / "光伏发电题库.xlsx"
    book.save(path)
    return path


@pytest.fixture
def setting(demo):
    academy = academies_demo.IndustryAcademyPage.objects.get(slug="new-energy")
    course = make_course(academy, "光伏发电站设计", lessons=1)
    learner = make_learner(PHONE, name="赵工")
    Enrolment.objects.create(learner=learner, course=course, status=EnrolmentStatus.ACTIVE)
    bank = QuestionBank.objects.create(unit=academy, name="光伏发电题库")
    # A rule-based final exam: five single-choice questions drawn from the bank.
    paper = make_paper(
        academy, rules=[{"banks": [bank], "type": "single", "count": 5, "score": 20}],
        shuffle_questions=True,
    )  # fmt: skip
    exam = Exam.objects.create(
        unit=academy, title="光伏发电站设计 结业考试", kind=ExamKind.FINAL, paper=paper,
        course=course, time_limit_minutes=30, pass_mark=60, published=True,
    )  # fmt: skip
    # The lessons are done: without the final exam that would complete the course.
    open_lesson(learner, course, course.lessons()[0])
    return course, learner, bank, exam


def log_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("手机号").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()


def answer_right(page):
    """Choose 正确 in the question on screen, then go on."""
    question = page.locator("[data-question]:visible")
    question.locator(".exam-option", has_text="正确").click()


def go_next(page):
    page.get_by_role("button", name="下一题").click()


def saved_positions(attempt) -> set[int]:
    return set(Answer.objects.filter(attempt=attempt).values_list("position", flat=True))


def test_import_take_offline_resume_elsewhere_pass_and_certificate(
    live_server, setting, browser, phone, tmp_path
):
    course, learner, bank, exam = setting
    base = live_server.url

    # The academy admin imports the bank from the Excel template.
    admin = browser.new_page(viewport={"width": 1280, "height": 900})
    admin.goto(f"{base}/admin/login/")
    admin.fill("input[name=username]", "new_energy_admin")
    admin.fill("input[name=password]", DEMO_PASSWORD)
    admin.click("button[type=submit]")
    admin.goto(f"{base}/admin/exams/manage/banks/{bank.pk}/import/")
    admin.set_input_files("input[name=file]", str(template_file(tmp_path)))
    admin.get_by_role("button", name="导入", exact=True).click()
    expect(admin.get_by_text("已向“光伏发电题库”添加 8 道题。")).to_be_visible()
    admin.close()
    assert bank.questions.count() == 8
    assert not Certificate.objects.exists()

    # The worker opens the exam on a phone.
    log_in(phone, base, PHONE)
    phone.goto(f"{base}/exams/")
    phone.get_by_role("link", name="光伏发电站设计 结业考试").click()
    phone.get_by_role("button", name="开始考试").click()
    expect(phone.get_by_text("第 1 题 / 共 5 题")).to_be_visible()
    expect(phone.locator("[data-timer]")).to_have_text(re.compile(r"(29|30):\d\d"))
    assert_no_horizontal_scroll(phone)
    attempt = Attempt.objects.get(exam=exam, learner=learner)

    answer_right(phone)
    expect(phone.locator("[data-status]")).to_have_text("答案已全部保存")
    assert saved_positions(attempt) == {0}

    # The network drops while answering: answers wait on the phone.
    cdp = phone.context.new_cdp_session(phone)
    offline = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
    cdp.send("Network.enable")
    cdp.send("Network.emulateNetworkConditions", offline)
    go_next(phone)
    answer_right(phone)
    go_next(phone)
    answer_right(phone)
    expect(phone.locator("[data-status]")).to_contain_text("网络已断开")
    assert saved_positions(attempt) == {0}
    expect(phone.locator("[data-goto].is-answered")).to_have_count(3)

    # Back online: the buffered answers are sent; then a reload shows every one.
    cdp.send("Network.emulateNetworkConditions", {**offline, "offline": False})
    phone.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(phone.locator("[data-status]")).to_have_text("答案已全部保存", timeout=20_000)
    assert saved_positions(attempt) == {0, 1, 2}
    phone.reload()
    expect(phone.locator("[data-goto].is-answered")).to_have_count(3)
    assert_no_horizontal_scroll(phone)

    # A second device (another browser) continues the same paper with the time left.
    tablet_context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    tablet = tablet_context.new_page()
    log_in(tablet, base, PHONE)
    tablet.goto(f"{base}/exams/{exam.pk}/")
    tablet.get_by_role("button", name="继续作答").click()
    expect(tablet.locator("[data-goto].is-answered")).to_have_count(3)
    expect(tablet.locator("[data-timer]")).to_have_text(re.compile(r"(2\d|30):\d\d"))
    assert Attempt.objects.filter(exam=exam, learner=learner).count() == 1

    # The phone is no longer the active device: its next answer is refused, visibly.
    phone.get_by_role("button", name="第 4 题").click()
    answer_right(phone)
    expect(phone.locator("[data-alert]")).to_contain_text("另一台设备")
    assert saved_positions(attempt) == {0, 1, 2}

    # Finish on the tablet (the fifth answered wrong), hand in and see the result.
    tablet.get_by_role("button", name="第 4 题").click()
    answer_right(tablet)
    go_next(tablet)
    tablet.locator("[data-question]:visible .exam-option", has_text="错误一").click()
    expect(tablet.locator("[data-status]")).to_have_text("答案已全部保存")
    tablet.on("dialog", lambda dialog: dialog.accept())
    tablet.get_by_role("button", name="交卷").click()
    expect(tablet.locator("[data-result]")).to_contain_text("80.0 分(满分 100.0 分)")
    expect(tablet.locator("[data-result]")).to_contain_text("通过")
    expect(tablet.get_by_text("光伏发电", exact=True)).to_be_visible()
    assert_no_horizontal_scroll(tablet)

    kinds = set(AttemptEvent.objects.filter(attempt=attempt).values_list("kind", flat=True))
    assert {"opened", "device", "refused", "submitted"} <= kinds

    # Passing completed the course: the certificate shows the score.
    certificate = Certificate.objects.get(learner=learner, course_id=course.pk)
    with tablet.expect_download() as download:
        tablet.get_by_role("link", name="下载结业证书").click()
    text = PdfReader(download.value.path()).pages[0].extract_text()
    assert "结业考试成绩" in text and "80.0" in text
    tablet.goto(f"{base}/certificates/verify/{certificate.code}/")
    expect(tablet.get_by_text("结业考试成绩:80.0 分(满分 100.0 分)")).to_be_visible()
    tablet_context.close()
