"""Demo night school: the provincial youth workers' night school at the Workers' Cultural
Palace with a Liaoyuan branch, "4+N" courses and classes in the coming days.

Classes are placed relative to the day of seeding; one calligraphy class is under way
while seeding, so the check-in can be tried at once (the demo lecturer shows the code,
the demo learner scans it). Running it again adds nothing.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone
from wagtail.rich_text import RichText

from academies.models import HeadquartersPage
from accounts.models import LearnerProfile
from courses.models import (
    Category,
    CourseIndexPage,
    CoursePage,
    EnrolmentPolicy,
    LecturerIndexPage,
    LecturerPage,
    Mode,
)
from lms.demo import DEMO_LEARNER_PHONE, ensure_child_page, ensure_user
from lms.models import HomePage
from nightschool import services
from nightschool.models import ClassSession, NightSchoolPage, Term, Venue

PROVINCIAL = {
    "slug": "night-school",
    "title": "吉林省青年职工夜校",
    "short_name": "青年职工夜校",
    "city": "长春市",
    "host_institution": "吉林省工人文化宫",
    "venue": "吉林省工人文化宫",
    "address": "长春市人民大街(演示地址)",
    "contact_name": "夜校办公室",
    "contact_phone": "0431-00000000",
    "introduction": [
        (
            "paragraph",
            "<p>吉林省青年职工夜校依托工人文化宫和合作场地,按“4+N”课程体系开设思政引领、"
            "文化艺术、职业发展、社会融入四类固定课程和各市自选课程,采用预约制、小班制,"
            "互动式、沉浸式教学,并在云课堂同步直播。</p>",
        )
    ],
}
BRANCH = {
    "slug": "liaoyuan",
    "title": "辽源市青年职工夜校",
    "short_name": "辽源夜校",
    "city": "辽源市",
    "host_institution": "辽源市工人文化宫",
    "address": "辽源市龙山区(演示地址)",
}
CITY_CATEGORIES = {
    "冰雪运动": ("长春市", "滑雪、滑冰与冰雪安全"),
    "直播电商": ("辽源市", "工人网红培育、直播带货技能"),
}
# site slug → [(slug, name, address, directions, seats)]
VENUES = {
    "night-school": [
        (
            "calligraphy-room",
            "工人文化宫 三楼书画教室",
            "长春市人民大街(演示地址)三楼",
            "北门进,电梯上三楼右转",
            24,
        ),
        (
            "hall",
            "工人文化宫 二楼多功能厅",
            "长春市人民大街(演示地址)二楼",
            "北门进,楼梯上二楼",
            60,
        ),
    ],
    "liaoyuan": [
        ("studio", "辽源市工人文化宫 直播实训室", "辽源市龙山区(演示地址)", "一楼东侧", 20),
    ],
}
# site slug → [(slug, title, category, summary)]
COURSES = {
    "night-school": [
        (
            "ns-calligraphy",
            "书法(楷书)",
            "文化艺术",
            "楷书基本笔画与间架结构,夜校小班,每次课都有老师逐字点评。",
        ),
        ("ns-quilling", "衍纸画", "文化艺术", "用彩色纸条卷、捏、拼贴出作品,零基础也能完成。"),
        ("ns-ideology", "新时代青年职工思政课", "思政引领", "听劳模讲奋斗故事,学习党的创新理论。"),
        (
            "ns-career",
            "职场沟通与职业规划",
            "职业发展",
            "写好工作总结、讲清一件事、规划技能晋升之路。",
        ),
        (
            "ns-wellbeing",
            "职工心理健康:压力与情绪调适",
            "社会融入",
            "认识压力与情绪,学会自我调适。",
        ),
        ("ns-ice-sports", "冰雪运动入门", "冰雪运动", "长春职工冰雪季:滑冰滑雪基础与安全。"),
    ],
    "liaoyuan": [
        ("ns-live-commerce", "直播带货入门", "直播电商", "工人网红基地老师带您做第一场直播。"),
    ],
}
# (site slug, course slug, topic, days from today, start hour, minutes, seats, venue slug,
#  learners already booked)
CLASSES = [
    ("night-school", "ns-calligraphy", "第 3 讲 · 间架结构", 1, 19, 90, 12, "calligraphy-room", 10),
    ("night-school", "ns-ideology", "劳模面对面", 2, 19, 90, 40, "hall", 12),
    ("night-school", "ns-career", "写好一份工作总结", 3, 19, 90, 30, "hall", 8),
    ("night-school", "ns-wellbeing", "压力从哪里来", 4, 19, 90, 25, "hall", 6),
    ("night-school", "ns-quilling", "第一幅作品", 5, 19, 120, 15, "calligraphy-room", 18),
    ("night-school", "ns-ice-sports", "上冰之前", 6, 18, 90, 20, "hall", 4),
    ("liaoyuan", "ns-live-commerce", "第一场直播", 3, 19, 90, 20, "studio", 5),
]
# Under way while seeding, so the check-in can be tried at once.
NOW_CLASS = ("night-school", "ns-calligraphy", "第 2 讲 · 基本笔画", "calligraphy-room")
DEMO_LEARNERS = [
    (f"139{number:08d}", name)
    for number, name in enumerate(
        [
            "王芳",
            "刘强",
            "陈静",
            "杨帆",
            "赵磊",
            "黄丽",
            "周涛",
            "吴敏",
            "徐洋",
            "孙悦",
            "马超",
            "朱琳",
            "胡杰",
            "郭婷",
            "何伟",
            "高远",
            "林娜",
            "罗刚",
        ],
        start=1,
    )
]
LECTURER_SLUG = "sun-haifeng"


def steps():
    yield "night school", seed_sites
    yield "users", seed_users
    yield "night-school courses", seed_courses
    yield "night-school classes", seed_classes


def _site(slug: str) -> NightSchoolPage:
    return NightSchoolPage.objects.get(slug=slug)


def seed_sites() -> None:
    provincial = ensure_child_page(HomePage.objects.get(), NightSchoolPage, **PROVINCIAL)
    branch = ensure_child_page(provincial, NightSchoolPage, **BRANCH)
    for site in (provincial, branch):
        for _slug, name, address, directions, seats in VENUES[site.slug]:
            Venue.objects.get_or_create(
                site=site,
                name=name,
                defaults={"address": address, "directions": directions, "seats": seats},
            )
        today = timezone.localdate()
        season = "春季" if today.month <= 6 else "秋季"
        Term.objects.get_or_create(
            site=site,
            name=f"{today.year} 年{season}学期",
            defaults={
                "starts_on": today - datetime.timedelta(days=7),
                "ends_on": today + datetime.timedelta(days=120),
                "booking_limit": 8,
            },
        )


def seed_users() -> list[tuple[str, str]]:
    provincial = _site(PROVINCIAL["slug"])
    ensure_user("yexiao_admin", groups=[provincial.admin_group], first_name="夜校管理员")
    ensure_user("yexiao_lecturer", groups=[provincial.lecturer_group], first_name="孙海峰")
    for phone, name in DEMO_LEARNERS:
        user = ensure_user(phone, first_name=name)
        LearnerProfile.objects.get_or_create(
            user=user, defaults={"real_name": name, "work_unit": "长春某汽车零部件有限公司"}
        )
    return [
        ("yexiao_admin", f"{provincial.title} 管理员"),
        ("yexiao_lecturer", f"{provincial.title} 讲师(书法,可显示签到码)"),
    ]


def _lecturer() -> LecturerPage:
    """孙海峰, the Workers' Cultural Palace's calligraphy teacher, with the demo account."""
    account = get_user_model().objects.get(username="yexiao_lecturer")
    lecturer = LecturerPage.objects.filter(slug=LECTURER_SLUG).first()
    if lecturer is None:
        faculty = ensure_child_page(
            HeadquartersPage.objects.get(), LecturerIndexPage, slug="lecturers", title="师资库"
        )
        lecturer = ensure_child_page(
            faculty,
            LecturerPage,
            slug=LECTURER_SLUG,
            title="孙海峰",
            employer="长春市工人文化宫",
            position="书画班主讲教师",
            specialty="书法、美术、衍纸画",
        )
    if lecturer.user_id is None and not LecturerPage.objects.filter(user=account).exists():
        lecturer.user = account
        lecturer.save_revision().publish()
    return LecturerPage.objects.get(pk=lecturer.pk)


def seed_courses() -> None:
    for city_category, (city, description) in CITY_CATEGORIES.items():
        Category.objects.get_or_create(
            name=city_category, defaults={"city": city, "description": description}
        )
    for site_slug, courses in COURSES.items():
        site = _site(site_slug)
        ensure_child_page(site, CourseIndexPage, slug="courses", title="夜校课程")
        for slug, title, category, summary in courses:
            ensure_child_page(
                site,
                CoursePage,
                slug=slug,
                title=title,
                summary=summary,
                category=Category.objects.get(name=category),
                mode=Mode.BLENDED,
                enrolment_policy=EnrolmentPolicy.OPEN,
                learning_hours=Decimal("1.5"),
                description=[("paragraph", RichText(f"<p>{summary}</p>"))],
            )


def _local(days: int, hour: int, minute: int = 0) -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=days)
    return datetime.datetime.combine(
        day, datetime.time(hour, minute), tzinfo=timezone.get_current_timezone()
    )


def _session(site, course_slug, title, venue_slug, starts_at, minutes, seats) -> ClassSession:
    course = CoursePage.objects.get(slug=course_slug)
    existing = ClassSession.objects.filter(site=site, course=course, title=title).first()
    if existing is not None:
        return existing
    venue_name = next(name for slug, name, *_rest in VENUES[site.slug] if slug == venue_slug)
    session = ClassSession(
        site=site,
        term=site.terms.order_by("-starts_on").first(),
        course=course,
        title=title,
        lecturer=_lecturer() if course_slug in ("ns-calligraphy", "ns-quilling") else None,
        venue=Venue.objects.get(site=site, name=venue_name),
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(minutes=minutes),
        capacity=seats,
        booking_opens_at=starts_at - datetime.timedelta(days=7),
        online_url="https://example.com/live/night-school",
    )
    session.full_clean()
    session.save()
    return session


def _book(session: ClassSession, learners) -> None:
    """Book in the order given, as of a day before the class (or now, if later)."""
    when = min(session.starts_at - datetime.timedelta(hours=20), timezone.now())
    for offset, learner in enumerate(learners):
        services.booking_create(
            learner=learner, session=session, now=when + datetime.timedelta(seconds=offset)
        )


def seed_classes() -> None:
    users = get_user_model().objects
    learners = [users.get(username=phone) for phone, _name in DEMO_LEARNERS]
    demo_learner = users.get(username=DEMO_LEARNER_PHONE)
    for site_slug, course, title, days, hour, minutes, seats, venue, booked in CLASSES:
        session = _session(
            _site(site_slug), course, title, venue, _local(days, hour), minutes, seats
        )
        _book(session, learners[:booked])
        if course == "ns-quilling":
            _book(session, [demo_learner])
    site_slug, course, title, venue = NOW_CLASS
    now = timezone.localtime()
    starts_at = now.replace(minute=now.minute - now.minute % 5, second=0, microsecond=0)
    session = _session(
        _site(site_slug),
        course,
        title,
        venue,
        starts_at - datetime.timedelta(minutes=15),
        90,
        12,
    )
    _book(session, [demo_learner, *learners[:6]])
