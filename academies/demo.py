"""Demo content for the "1+6+N" hierarchy, from the facts in shared/DOMAIN.md."""

import datetime

from wagtail.models import Page

from academies.models import (
    BaseLevel,
    HeadquartersPage,
    IndustryAcademyPage,
    PartnerInstitution,
    PartnerKind,
    TrainingBasePage,
)
from lms.demo import DEMO_LEARNER_PHONE, ensure_child_page, ensure_user
from lms.models import HomePage


def _intro(*paragraphs: str) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in paragraphs]


HEADQUARTERS = {
    "slug": "academies",
    "title": "吉林省工匠学院总部",
    "short_name": "总部",
    "host_institution": "吉林省总工会",
    "introduction": _intro(
        "吉林省总工会整合政府部门、科研院所、高等院校、行业协会、龙头企业,"
        "构建“吉林省工匠学院总部+‘六新产业’工匠学院+培训基地”的“1+6+N”产业工匠培育体系。",
        "省市县 90 个培训基地累计培训职工 13 万人次。",
    ),
    "partners": [("吉林省总工会", PartnerKind.GOVERNMENT, "主办单位")],
}

ACADEMIES = [
    {
        "slug": "new-energy",
        "title": "吉林省新能源工匠学院",
        "short_name": "新能源学院",
        "industry": "新能源",
        "founded_on": datetime.date(2023, 2, 27),
        "introduction": _intro(
            "2023 年 2 月 27 日,吉林省第一个“六新产业”工匠学院——"
            "吉林省新能源工匠学院揭牌,首期培训班同时开班。",
            "课程包括新能源前沿技术、风电场升压站设备巡视及维护、光伏发电站设计、"
            "无人机智能巡检与激光三维建模技术应用,以及党史教育、劳模工匠精神、公共管理等模块,"
            "理论讲解与实操训练相结合。",
        ),
        "partners": [],
    },
    {
        "slug": "new-tourism",
        "title": "吉林省新旅游工匠学院",
        "short_name": "新旅游学院",
        "industry": "新旅游",
        "introduction": _intro("面向旅游服务一线职工,培育新旅游产业工匠人才。"),
        "partners": [],
    },
    {
        "slug": "new-agriculture",
        "title": "吉林省新农业工匠学院",
        "short_name": "新农业学院",
        "industry": "新农业",
        "introduction": _intro("服务现代农业,开展人参产业、中医药膳等技能培训。"),
        "partners": [],
    },
    {
        "slug": "new-ecommerce",
        "title": "吉林省新电商工匠学院",
        "short_name": "新电商学院",
        "industry": "新电商",
        "founded_on": datetime.date(2023, 8, 29),
        "host_institution": "吉林财经大学",
        "venue": "吉林财经大学 新经济(数字经济)创新创业实训中心",
        "introduction": _intro(
            "2023 年 8 月 29 日在吉林财经大学新经济(数字经济)创新创业实训中心揭牌,"
            "同时举办兴边富民电商培训班。"
        ),
        "partners": [("吉林财经大学", PartnerKind.UNIVERSITY, "承办单位")],
    },
    {
        "slug": "new-materials",
        "title": "吉林省新材料工匠学院",
        "short_name": "新材料学院",
        "industry": "新材料",
        "host_institution": "中国科学院长春应用化学研究所",
        "introduction": _intro("在中科院长春应化所揭牌,依托科研院所培育新材料产业工匠。"),
        "partners": [("中国科学院长春应用化学研究所", PartnerKind.INSTITUTE, "承办单位")],
    },
    {
        "slug": "new-equipment",
        "title": "吉林省新装备工匠学院",
        "short_name": "新装备学院",
        "industry": "新装备",
        "host_institution": "长春汽车工业高等专科学校",
        "introduction": _intro(
            "2023 年 10 月下旬在长春汽车工业高等专科学校揭牌,"
            "承担工匠人才培育、骨干技能提升、职工创新创造等六项职能。"
        ),
        "partners": [("长春汽车工业高等专科学校", PartnerKind.UNIVERSITY, "承办单位")],
    },
]

# (parent slug or None for the headquarters, fields)
TRAINING_BASES = [
    (
        None,
        {
            "slug": "lean-craftsman-base",
            "title": "吉林省精益工匠示范培育基地",
            "short_name": "精益工匠基地",
            "level": BaseLevel.PROVINCIAL,
        },
    ),
    (
        None,
        {
            "slug": "skills-competition-base",
            "title": "吉林省职业技能竞赛示范基地",
            "short_name": "技能竞赛基地",
            "level": BaseLevel.PROVINCIAL,
        },
    ),
    (
        None,
        {
            "slug": "liaoyuan-academy",
            "title": "辽源工匠学院",
            "short_name": "辽源工匠学院",
            "level": BaseLevel.CITY,
            "city": "辽源市",
        },
    ),
    (
        None,
        {
            "slug": "liaoyuan-training-base",
            "title": "辽源市职工教育培训基地",
            "short_name": "辽源培训基地",
            "level": BaseLevel.CITY,
            "city": "辽源市",
        },
    ),
    (
        "new-ecommerce",
        {
            "slug": "liaoyuan-influencer-base",
            "title": "辽源工人网红基地",
            "short_name": "工人网红基地",
            "level": BaseLevel.CITY,
            "city": "辽源市",
            "introduction": _intro(
                "辽源首家“工人网红基地”,已培训职工网红 300 余人,帮助会员提升直播带货技能。"
            ),
        },
    ),
    (
        "new-ecommerce",
        {
            "slug": "jufe-digital-economy-centre",
            "title": "吉林财经大学新经济(数字经济)创新创业实训中心",
            "short_name": "数字经济实训中心",
            "level": BaseLevel.PROVINCIAL,
            "city": "长春市",
        },
    ),
    (
        "new-equipment",
        {
            "slug": "ccaii-training-base",
            "title": "长春汽车工业高等专科学校实训基地",
            "short_name": "汽车工业实训基地",
            "level": BaseLevel.PROVINCIAL,
            "city": "长春市",
        },
    ),
]


def _with_partners(fields: dict) -> dict:
    fields = dict(fields)
    partners = fields.pop("partners", [])
    fields["partners"] = [
        PartnerInstitution(name=name, kind=kind, role=role) for name, kind, role in partners
    ]
    return fields


def steps():
    """The seeding steps, so the command can show progress."""
    yield "headquarters", seed_headquarters
    for academy in ACADEMIES:
        yield academy["title"], lambda academy=academy: seed_academy(academy)
    for parent_slug, base in TRAINING_BASES:
        yield base["title"], lambda parent_slug=parent_slug, base=base: seed_base(parent_slug, base)
    yield "users", seed_users


def headquarters() -> HeadquartersPage:
    return HeadquartersPage.objects.get(slug=HEADQUARTERS["slug"])


def seed_headquarters() -> Page:
    home = HomePage.objects.get()
    return ensure_child_page(home, HeadquartersPage, **_with_partners(HEADQUARTERS))


def seed_academy(fields: dict) -> Page:
    return ensure_child_page(headquarters(), IndustryAcademyPage, **_with_partners(fields))


def seed_base(parent_slug: str | None, fields: dict) -> Page:
    hq = headquarters()
    parent = hq if parent_slug is None else IndustryAcademyPage.objects.get(slug=parent_slug)
    return ensure_child_page(parent, TrainingBasePage, **fields)


def seed_users() -> list[tuple[str, str]]:
    """Demo accounts: (username, what they can do)."""
    accounts = [("admin", "站点管理员 / site administrator")]
    ensure_user("admin", superuser=True, first_name="站点管理员")
    hq = headquarters()
    ensure_user("hq_admin", groups=[hq.admin_group], first_name="总部管理员")
    accounts.append(("hq_admin", f"{hq.title} 管理员"))
    for academy in IndustryAcademyPage.objects.child_of(hq).order_by("path"):
        username = f"{academy.slug.replace('-', '_')}_admin"
        ensure_user(
            username, groups=[academy.admin_group], first_name=f"{academy.short_name}管理员"
        )
        accounts.append((username, f"{academy.title} 管理员"))
    new_energy = IndustryAcademyPage.objects.get(slug="new-energy")
    ensure_user("lecturer", groups=[new_energy.lecturer_group], first_name="王", last_name="师傅")
    accounts.append(("lecturer", f"{new_energy.title} 讲师"))
    ensure_user(DEMO_LEARNER_PHONE, first_name="李学员")
    accounts.append((DEMO_LEARNER_PHONE, "学员 / learner"))
    return accounts
