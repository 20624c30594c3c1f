"""Demo courses, lecturers and a learner, from the facts in shared/DOMAIN.md.

Lecturers are made-up people with the honours workers look for. Lessons marked as
video lessons get a ready video from the library when the video demo has made some.
"""

from decimal import Decimal

from django.contrib.auth import get_user_model
from wagtail.models import Page
from wagtail.rich_text import RichText

from academies.models import HeadquartersPage, IndustryAcademyPage, TrainingBasePage
from accounts import services as account_services
from accounts.models import LearnerProfile
from courses import services
from courses.models import (
    Category,
    Chapter,
    CourseIndexPage,
    CourseLecturer,
    CoursePage,
    Enrolment,
    EnrolmentPolicy,
    Honour,
    LecturerIndexPage,
    LecturerPage,
    Lesson,
    Level,
    Mode,
)
from lms.demo import DEMO_LEARNER_PHONE, ensure_child_page
from video.demo import lecture_video
from video.demo_lectures import LECTURES
from video.models import VideoStatus

CITY_CATEGORIES = [
    ("直播电商", "辽源市", "工人网红培育、直播带货技能"),
    ("冰雪运动", "长春市", "滑雪、滑冰与冰雪安全"),
]

# slug, name, honours, employer, position, specialty, demo account linked
LECTURERS = [
    (
        "wang-jianguo",
        "王建国",
        ["全国劳动模范", "大国工匠"],
        "吉林省某风力发电有限公司",
        "升压站运维班班长",
        "风电场升压站设备运维、继电保护",
        "lecturer",
    ),
    (
        "li-xiumei",
        "李秀梅",
        ["吉林工匠", "高级技师"],
        "吉林省某新能源设计院",
        "光伏设计室主任",
        "光伏发电站设计与并网",
        "lecturer_li",
    ),
    (
        "zhou-ming",
        "周明",
        ["吉林省技术能手"],
        "吉林省某电力检修公司",
        "无人机巡检班组长",
        "无人机智能巡检、激光三维建模",
        "lecturer_zhou",
    ),
    (
        "zhang-zhiqiang",
        "张志强",
        ["吉林工匠", "首席技师"],
        "长春某重型装备制造有限公司",
        "焊接车间首席技师",
        "焊接工艺、焊工技能竞赛",
        "lecturer_zhang",
    ),
    (
        "liu-yang",
        "刘洋",
        ["吉林省技术能手", "高级技师"],
        "长春某机床有限公司",
        "数控设备维修工程师",
        "数控机床装调与维修",
        "lecturer_liu",
    ),
    (
        "chen-jing",
        "陈静",
        ["吉林工匠"],
        "吉林省某数据服务有限公司",
        "数据标注与模型训练负责人",
        "人工智能训练师、大数据分析",
        "lecturer_chen",
    ),
    (
        "ma-xiaodong",
        "马晓东",
        ["吉林省技术能手"],
        "辽源某电子商务有限公司",
        "直播运营主管",
        "直播带货、全媒体运营",
        "lecturer_ma",
    ),
    (
        "zhao-lihua",
        "赵丽华",
        [],
        "吉林省某职工心理健康服务中心",
        "心理咨询师",
        "职工心理健康、压力管理",
        "lecturer_zhao",
    ),
    (
        "lin-xue",
        "林雪",
        ["吉林工匠"],
        "长白山某旅游集团",
        "导游培训主管",
        "冰雪旅游服务、红色旅游讲解",
        None,
    ),
    (
        "wu-guilan",
        "吴桂兰",
        ["全国劳动模范", "高级技师"],
        "吉林省某人参种植合作社",
        "理事长",
        "人参种植、林下参管理",
        "lecturer_wu",
    ),
    (
        "gao-feng",
        "高峰",
        ["吉林省技术能手"],
        "吉林省某化工新材料有限公司",
        "安全环保部部长",
        "化工安全、新材料检测",
        None,
    ),
    (
        "zheng-haibo",
        "郑海波",
        ["吉林工匠", "首席技师"],
        "长春某汽车集团",
        "新能源汽车维修首席技师",
        "新能源汽车高压系统维修",
        "lecturer_zheng",
    ),
    (
        "sun-haifeng",
        "孙海峰",
        [],
        "长春市工人文化宫",
        "书画班主讲教师",
        "书法、美术、衍纸画",
        None,
    ),
]


def _text(*paragraphs: str) -> list[tuple[str, RichText]]:
    return [("text", RichText("".join(f"<p>{p}</p>" for p in paragraphs)))]


def _outline(*chapters) -> list[Chapter]:
    """chapters: (title, [(lesson title, minutes, lecture key or T, required?[, PREVIEW])])"""
    return [
        Chapter(
            title=title,
            lessons=[
                Lesson(
                    title=lesson,
                    body=_text(f"{lesson}:理论讲解与实操要点。"),
                    study_minutes=None if lecture else minutes,
                    required=required,
                    free_preview=PREVIEW in marks,
                )
                for lesson, minutes, lecture, required, *marks in lessons
            ],
        )
        for title, lessons in chapters
    ]


def _course(
    slug, title, summary, category, level, hours, mode, policy, seats, lecturers, tags, chapters
):
    return {
        "slug": slug,
        "title": title,
        "summary": summary,
        "category": category,
        "level": level,
        "learning_hours": Decimal(hours),
        "mode": mode,
        "enrolment_policy": policy,
        "seat_limit": seats,
        "lecturers": lecturers,
        "tags": tags,
        "chapters": chapters,
    }


OPEN, APPROVAL, LIMITED = EnrolmentPolicy.OPEN, EnrolmentPolicy.APPROVAL, EnrolmentPolicy.LIMITED
T = None  # a text lesson; a video lesson names its lecture (video/demo_lectures.py)
OPTIONAL = False
PREVIEW = "preview"  # a free preview (试看): visitors may open it before enrolling

# parent unit slug → courses
COURSES = {
    "new-energy": [
        _course(
            "new-energy-frontiers",
            "新能源前沿技术",
            "风电、光伏、储能与氢能的发展现状和前沿技术,一线职工的入门课。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.ONLINE,
            OPEN,
            None,
            ["wang-jianguo", "li-xiumei"],
            ["新能源"],
            [
                (
                    "新能源产业概览",
                    [
                        ("吉林新能源发展现状", 30, "energy-overview", True, PREVIEW),
                        ("风光储氢一体化", 25, T, True),
                    ],
                ),
                (
                    "前沿技术",
                    [
                        ("新型储能技术", 40, "energy-storage", True),
                        ("氢能与燃料电池", 35, T, OPTIONAL),
                    ],
                ),
            ],
        ),
        _course(
            "wind-substation-maintenance",
            "风电场升压站设备巡视及维护",
            "升压站主变、GIS、开关柜的巡视要点与常见缺陷处理,理论讲解与实操训练结合。",
            "职业发展",
            Level.INTERMEDIATE,
            "16",
            Mode.BLENDED,
            APPROVAL,
            None,
            ["wang-jianguo"],
            ["风电", "变电运维"],
            [
                (
                    "巡视基础",
                    [
                        ("升压站设备巡视要点", 30, "substation-patrol", True, PREVIEW),
                        ("巡视路线与记录", 20, T, True),
                    ],
                ),
                (
                    "维护实操",
                    [("主变压器日常维护", 45, T, True), ("开关柜常见缺陷处理", 40, T, True)],
                ),
            ],
        ),
        _course(
            "pv-station-design",
            "光伏发电站设计",
            "从选址、组件选型到并网接入,完整讲解集中式与分布式光伏电站设计。",
            "职业发展",
            Level.INTERMEDIATE,
            "12",
            Mode.ONLINE,
            OPEN,
            None,
            ["li-xiumei"],
            ["光伏"],
            [
                (
                    "电站规划",
                    [
                        ("场址资源评估与并网接入", 35, "pv-design", True),
                        ("组件与逆变器选型", 40, T, True),
                    ],
                ),
                (
                    "设计与并网",
                    [("方阵布置与阴影分析", 45, T, True), ("并网接入设计", 40, T, True)],
                ),
            ],
        ),
        _course(
            "drone-inspection-3d",
            "无人机智能巡检与激光三维建模技术应用",
            "无人机自主巡检航线规划、缺陷识别与激光点云三维建模,小班实操。",
            "职业发展",
            Level.ADVANCED,
            "16",
            Mode.IN_PERSON,
            LIMITED,
            30,
            ["zhou-ming"],
            ["无人机操控技术"],
            [
                (
                    "智能巡检",
                    [
                        ("巡检航线规划", 40, "drone-inspection", True, PREVIEW),
                        ("缺陷智能识别", 35, T, True),
                    ],
                ),
                (
                    "三维建模",
                    [("激光雷达点云采集", 45, T, True), ("三维模型应用", 40, T, OPTIONAL)],
                ),
            ],
        ),
        _course(
            "lithium-battery-protection",
            "新能源锂电保护",
            "省级一类职业技能竞赛项目“新能源锂电保护”赛前强化训练。",
            "职业发展",
            Level.ADVANCED,
            "24",
            Mode.BLENDED,
            LIMITED,
            20,
            ["wang-jianguo"],
            ["新能源锂电保护", "技能竞赛"],
            [
                (
                    "理论",
                    [
                        ("锂电池管理系统原理", 40, "energy-storage", True),
                        ("保护策略与参数整定", 45, T, True),
                    ],
                ),
                ("赛题训练", [("历年赛题解析", 60, T, True)]),
            ],
        ),
        _course(
            "party-history",
            "党史教育",
            "学习党的光辉历程,传承红色基因。",
            "思政引领",
            Level.BEGINNER,
            "4",
            Mode.ONLINE,
            OPEN,
            None,
            [],
            ["党史"],
            [("百年征程", [("开天辟地", 30, T, True), ("改革开放与新时代", 30, T, True)])],
        ),
        _course(
            "model-worker-spirit",
            "劳模工匠精神",
            "听劳模讲奋斗故事,领悟劳模精神、劳动精神、工匠精神。",
            "思政引领",
            Level.BEGINNER,
            "2",
            Mode.ONLINE,
            OPEN,
            None,
            ["wang-jianguo"],
            ["劳模精神"],
            [
                (
                    "劳模讲堂",
                    [
                        ("一线岗位上的坚守(音频)", 25, "model-worker-talk", True, PREVIEW),
                        ("精益求精的工匠之路", 25, T, True),
                    ],
                )
            ],
        ),
        _course(
            "public-management",
            "公共管理",
            "班组管理、安全生产责任与公共管理基础。",
            "职业发展",
            Level.BEGINNER,
            "4",
            Mode.ONLINE,
            OPEN,
            None,
            [],
            ["安全生产"],
            [
                (
                    "班组管理",
                    [("班组长的角色", 30, T, True), ("安全生产责任制", 30, "safety-first", True)],
                )
            ],
        ),
    ],
    "skills-competition-base": [
        _course(
            "welder-training",
            "焊工技能竞赛强化训练",
            "面向全国焊工技能竞赛的焊接工艺与实操强化训练,小班制,预约名额。",
            "职业发展",
            Level.ADVANCED,
            "32",
            Mode.IN_PERSON,
            LIMITED,
            12,
            ["zhang-zhiqiang"],
            ["焊工", "技能竞赛"],
            [
                (
                    "焊接工艺",
                    [
                        ("焊接冶金基础", 40, T, True),
                        ("板对接焊接工艺要点", 60, "welding", True, PREVIEW),
                    ],
                ),
                ("赛前训练", [("评分标准解读", 30, T, True), ("模拟比赛", 90, T, True)]),
            ],
        ),
        _course(
            "cnc-maintenance",
            "数控机床装调维修工实操",
            "数控机床机械装调、电气故障诊断与维修,对接全国决赛项目。",
            "职业发展",
            Level.ADVANCED,
            "24",
            Mode.IN_PERSON,
            APPROVAL,
            None,
            ["liu-yang"],
            ["数控机床装调维修工", "技能竞赛"],
            [
                ("机械装调", [("主轴与导轨装调", 50, T, True)]),
                ("电气维修", [("伺服系统故障诊断", 50, "cnc-servo", True)]),
            ],
        ),
        _course(
            "smart-heating-pipeline",
            "智能热力管道运行工",
            "智能热网运行监测、管道巡检与事故处置,省级一类竞赛项目辅导。",
            "职业发展",
            Level.INTERMEDIATE,
            "12",
            Mode.BLENDED,
            OPEN,
            None,
            [],
            ["智能热力管道运行工", "技能竞赛"],
            [("运行监测", [("智能热网系统", 35, T, True), ("管道巡检与事故处置", 40, T, True)])],
        ),
        _course(
            "delivery-rider-safety",
            "网约配送员安全与服务",
            "交通安全、服务规范与权益保障,全国决赛项目“网约配送员”配套课程。",
            "社会融入",
            Level.BEGINNER,
            "4",
            Mode.ONLINE,
            OPEN,
            None,
            [],
            ["网约配送员"],
            [
                (
                    "安全与服务",
                    [("骑行交通安全", 20, "safety-first", True), ("配送服务规范", 20, T, True)],
                )
            ],
        ),
    ],
    "new-ecommerce": [
        _course(
            "ai-trainer",
            "人工智能训练师",
            "数据采集、标注与模型训练入门,对接人工智能训练师职业技能竞赛。",
            "职业发展",
            Level.INTERMEDIATE,
            "16",
            Mode.ONLINE,
            OPEN,
            None,
            ["chen-jing"],
            ["人工智能训练师", "大数据分析"],
            [
                (
                    "数据处理",
                    [
                        ("数据采集与标注", 40, "ai-data", True, PREVIEW),
                        ("数据标注规范", 35, T, True),
                    ],
                ),
                ("模型训练", [("模型训练与评估", 45, T, True)]),
            ],
        ),
        _course(
            "omnimedia-operator",
            "全媒体运营师",
            "短视频、图文与直播的内容策划和数据运营,对接省级二类竞赛项目。",
            "职业发展",
            Level.INTERMEDIATE,
            "12",
            Mode.ONLINE,
            OPEN,
            None,
            ["ma-xiaodong"],
            ["全媒体运营师"],
            [("内容运营", [("内容策划", 30, T, True), ("直播运营", 30, "live-commerce", True)])],
        ),
        _course(
            "big-data-basics",
            "大数据分析入门",
            "用表格和简单工具分析生产与销售数据,看懂数据讲清问题。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.ONLINE,
            OPEN,
            None,
            ["chen-jing"],
            ["大数据分析"],
            [("数据分析", [("数据从哪里来", 30, "ai-data", True), ("图表与结论", 30, T, True)])],
        ),
    ],
    "new-tourism": [
        _course(
            "changbai-tourism-service",
            "长白山旅游服务技能",
            "景区接待、游客安全与冬季旅游服务规范,面向一线导游和服务人员。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.BLENDED,
            OPEN,
            None,
            ["lin-xue"],
            ["旅游服务"],
            [
                ("接待服务", [("游客接待礼仪", 30, T, True), ("景区讲解技巧", 30, T, True)]),
                ("安全与应急", [("旅游安全与应急处置", 30, "safety-first", True, PREVIEW)]),
            ],
        ),
        _course(
            "red-tourism-guide",
            "红色旅游讲解员培训",
            "讲好吉林红色故事:史料准备、讲解词写作与现场讲解。",
            "思政引领",
            Level.BEGINNER,
            "6",
            Mode.ONLINE,
            OPEN,
            None,
            ["lin-xue"],
            ["红色旅游", "讲解员"],
            [("讲好红色故事", [("史料准备", 30, T, True), ("讲解词写作", 30, T, True)])],
        ),
        _course(
            "rural-homestay",
            "乡村民宿运营管理",
            "民宿定位、线上运营与服务质量,助力乡村旅游。",
            "职业发展",
            Level.INTERMEDIATE,
            "8",
            Mode.ONLINE,
            OPEN,
            None,
            [],
            ["民宿", "乡村旅游"],
            [("民宿运营", [("定位与设计", 30, T, True), ("线上运营", 30, "live-commerce", True)])],
        ),
    ],
    "new-agriculture": [
        _course(
            "ginseng-cultivation",
            "人参种植与加工技术",
            "从选地整地、病虫害防治到适时采收和初加工,吉林人参产业实用技术。",
            "职业发展",
            Level.BEGINNER,
            "12",
            Mode.BLENDED,
            OPEN,
            None,
            ["wu-guilan"],
            ["人参产业"],
            [
                ("种植管理", [("人参种植与采收", 30, "ginseng", True, PREVIEW)]),
                ("加工与销售", [("人参初加工", 30, T, True), ("人参电商销售", 25, T, OPTIONAL)]),
            ],
        ),
        _course(
            "medicinal-diet",
            "中医药膳",
            "药食同源的常识与家常药膳制作,吉林特色食材的健康吃法。",
            "社会融入",
            Level.BEGINNER,
            "4",
            Mode.ONLINE,
            OPEN,
            None,
            ["wu-guilan"],
            ["中医药膳"],
            [("药膳入门", [("药食同源", 25, T, True), ("家常药膳制作", 30, T, True)])],
        ),
        _course(
            "smart-farm-machinery",
            "智慧农机操作与维护",
            "北斗导航农机、植保无人机的操作与日常维护,安全作业规范。",
            "职业发展",
            Level.INTERMEDIATE,
            "12",
            Mode.IN_PERSON,
            LIMITED,
            30,
            [],
            ["智慧农业", "无人机操控技术"],
            [
                ("农机操作", [("导航农机操作", 40, T, True), ("植保无人机作业", 40, T, True)]),
                ("安全作业", [("农机安全操作规程", 30, "safety-first", True)]),
            ],
        ),
    ],
    "new-materials": [
        _course(
            "chemical-safety",
            "化工安全生产",
            "危险化学品管理、动火与受限空间作业、应急处置,新材料企业一线必修。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.ONLINE,
            OPEN,
            None,
            ["gao-feng"],
            ["安全生产", "化工"],
            [
                ("安全基础", [("安全生产第一课", 30, "safety-first", True, PREVIEW)]),
                ("特殊作业", [("动火作业", 30, T, True), ("受限空间作业", 30, T, True)]),
            ],
        ),
        _course(
            "materials-testing",
            "新材料检测技术基础",
            "常用力学性能与成分检测方法,检测报告的读法。",
            "职业发展",
            Level.INTERMEDIATE,
            "12",
            Mode.BLENDED,
            APPROVAL,
            None,
            ["gao-feng"],
            ["新材料", "检测"],
            [("检测方法", [("力学性能检测", 40, T, True), ("成分分析", 40, T, True)])],
        ),
    ],
    "new-equipment": [
        _course(
            "ev-maintenance",
            "新能源汽车维修",
            "高压安全、动力电池与驱动电机检修,对接新能源汽车维修技能竞赛。",
            "职业发展",
            Level.INTERMEDIATE,
            "16",
            Mode.BLENDED,
            OPEN,
            None,
            ["zheng-haibo"],
            ["新能源汽车维修"],
            [
                ("高压安全", [("新能源汽车高压安全与维修", 40, "ev-repair", True, PREVIEW)]),
                ("部件检修", [("动力电池检修", 45, T, True), ("驱动电机检修", 45, T, True)]),
            ],
        ),
        _course(
            "connected-ev-mechanic",
            "汽车维修工(智能网联新能源汽车方向)",
            "全国决赛项目的理论与实操辅导:智能网联系统、高压系统与故障诊断。",
            "职业发展",
            Level.ADVANCED,
            "24",
            Mode.IN_PERSON,
            LIMITED,
            20,
            ["zheng-haibo"],
            ["汽车维修工"],
            [
                ("高压系统", [("高压断电与绝缘检测", 40, "ev-repair", True)]),
                ("智能网联", [("智能网联系统诊断", 50, T, True)]),
            ],
        ),
        _course(
            "industrial-robot",
            "工业机器人操作与运维",
            "工业机器人示教编程、日常点检与常见故障处理。",
            "职业发展",
            Level.INTERMEDIATE,
            "16",
            Mode.IN_PERSON,
            APPROVAL,
            None,
            [],
            ["工业机器人"],
            [("操作与运维", [("示教编程", 45, T, True), ("日常点检", 30, T, True)])],
        ),
    ],
    "lean-craftsman-base": [
        _course(
            "lean-team-improvement",
            "精益生产与班组改善",
            "5S、标准作业与合理化建议,用精益方法让班组每天进步一点。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.BLENDED,
            OPEN,
            None,
            [],
            ["精益生产"],
            [
                ("精益基础", [("5S 现场管理", 30, T, True), ("标准作业", 30, T, True)]),
                (
                    "班组改善",
                    [("合理化建议", 25, T, True), ("安全生产第一课", 30, "safety-first", True)],
                ),
            ],
        ),
    ],
    "liaoyuan-academy": [
        _course(
            "maintenance-electrician",
            "维修电工技能提升",
            "低压电气控制线路安装与故障排除,辽源工匠学院实训课。",
            "职业发展",
            Level.INTERMEDIATE,
            "16",
            Mode.IN_PERSON,
            LIMITED,
            24,
            [],
            ["维修电工"],
            [
                ("电气控制", [("电气控制线路安装", 45, T, True), ("常见故障排除", 45, T, True)]),
                ("用电安全", [("安全生产第一课", 30, "safety-first", True, PREVIEW)]),
            ],
        ),
    ],
    "liaoyuan-training-base": [
        _course(
            "company-safety-officer",
            "企业安全员培训",
            "企业安全员的职责、隐患排查与应急演练组织。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.ONLINE,
            OPEN,
            None,
            [],
            ["安全生产"],
            [
                ("安全员职责", [("安全生产第一课", 30, "safety-first", True)]),
                ("隐患排查", [("隐患排查与治理", 30, T, True)]),
            ],
        ),
    ],
    "jufe-digital-economy-centre": [
        _course(
            "border-ecommerce-class",
            "兴边富民电商培训班",
            "边境地区职工的电商入门:开店、选品、直播与物流。",
            "职业发展",
            Level.BEGINNER,
            "8",
            Mode.BLENDED,
            OPEN,
            None,
            ["ma-xiaodong"],
            ["电商"],
            [
                (
                    "电商入门",
                    [("开店与选品", 30, "live-commerce", True), ("物流与售后", 25, T, True)],
                )
            ],
        ),
    ],
    "ccaii-training-base": [
        _course(
            "vehicle-assembly",
            "汽车装调工实训",
            "整车装配与调试实训,新能源汽车高压部件的安全装调。",
            "职业发展",
            Level.INTERMEDIATE,
            "16",
            Mode.IN_PERSON,
            LIMITED,
            30,
            ["zheng-haibo"],
            ["汽车装调"],
            [
                ("整车装配", [("装配工艺", 45, T, True)]),
                ("高压部件", [("高压安全与装调", 40, "ev-repair", True)]),
            ],
        ),
    ],
    "liaoyuan-influencer-base": [
        _course(
            "live-commerce",
            "直播带货实战",
            "工人网红基地的直播带货课:选品、话术、场景搭建与合规。",
            "直播电商",
            Level.BEGINNER,
            "8",
            Mode.BLENDED,
            LIMITED,
            40,
            ["ma-xiaodong"],
            ["直播带货", "全媒体运营师"],
            [
                (
                    "直播准备",
                    [("选品与脚本", 30, "live-commerce", True), ("场景与设备", 25, T, True)],
                ),
                ("直播实战", [("直播话术", 30, T, True), ("数据复盘", 25, T, OPTIONAL)]),
            ],
        ),
    ],
    "academies": [
        _course(
            "sketching",
            "美术:素描入门",
            "青年职工夜校美术课,从线条与明暗开始。",
            "文化艺术",
            Level.BEGINNER,
            "6",
            Mode.IN_PERSON,
            LIMITED,
            25,
            ["sun-haifeng"],
            ["美术"],
            [("素描基础", [("线条与透视", 45, T, True), ("明暗与体积", 45, T, True)])],
        ),
        _course(
            "calligraphy",
            "书法",
            "楷书基本笔画与结构,夜校小班教学。",
            "文化艺术",
            Level.BEGINNER,
            "6",
            Mode.IN_PERSON,
            LIMITED,
            20,
            ["sun-haifeng"],
            ["书法"],
            [("楷书入门", [("基本笔画", 45, T, True), ("间架结构", 45, T, True)])],
        ),
        _course(
            "quilling",
            "衍纸画",
            "用彩色纸条卷、捏、拼贴出作品,适合零基础。",
            "文化艺术",
            Level.BEGINNER,
            "4",
            Mode.IN_PERSON,
            LIMITED,
            15,
            ["sun-haifeng"],
            ["衍纸画"],
            [("衍纸基础", [("工具与基本卷法", 40, T, True), ("完成第一幅作品", 60, T, True)])],
        ),
        _course(
            "photography",
            "摄影",
            "手机与相机摄影:构图、用光与后期。",
            "文化艺术",
            Level.BEGINNER,
            "6",
            Mode.BLENDED,
            OPEN,
            None,
            [],
            ["摄影"],
            [
                (
                    "摄影基础",
                    [("构图", 30, T, True), ("用光", 30, T, True), ("手机后期", 30, T, OPTIONAL)],
                )
            ],
        ),
        _course(
            "tai-chi",
            "太极拳",
            "二十四式简化太极拳,强身健体。",
            "社会融入",
            Level.BEGINNER,
            "6",
            Mode.IN_PERSON,
            LIMITED,
            30,
            [],
            ["太极拳"],
            [("二十四式", [("起势至白鹤亮翅", 40, T, True), ("搂膝拗步至收势", 40, T, True)])],
        ),
        _course(
            "mental-health",
            "职工心理健康",
            "认识压力与情绪,学会自我调适,建设和谐班组。",
            "社会融入",
            Level.BEGINNER,
            "4",
            Mode.ONLINE,
            OPEN,
            None,
            ["zhao-lihua"],
            ["心理健康"],
            [
                (
                    "情绪与压力",
                    [
                        ("认识压力,学会调适", 25, "stress", True, PREVIEW),
                        ("情绪调适方法", 25, T, True),
                    ],
                )
            ],
        ),
        _course(
            "skating-basics",
            "冰雪运动入门",
            "长春职工冰雪季:滑冰滑雪基础与安全。",
            "冰雪运动",
            Level.BEGINNER,
            "4",
            Mode.IN_PERSON,
            OPEN,
            None,
            [],
            ["冰雪运动"],
            [("上冰之前", [("装备与安全", 30, T, True)])],
        ),
    ],
}
# (course slug, lesson title) → the key of the lesson's lecture
LESSON_LECTURES = {
    (course["slug"], title): lecture
    for courses in COURSES.values()
    for course in courses
    for _chapter, lessons in course["chapters"]
    for title, _minutes, lecture, *_rest in lessons
    if lecture
}
LEARNER_ENROLMENTS = ["new-energy-frontiers", "pv-station-design", "wind-substation-maintenance"]
LEARNER_FOLLOWS = ["wang-jianguo", "new-energy"]


def steps():
    yield "categories", seed_categories
    yield "faculty", seed_faculty
    yield "course listings", seed_listings
    for parent_slug, courses in COURSES.items():
        for spec in courses:
            yield spec["title"], lambda p=parent_slug, s=spec: seed_course(p, s)
    yield "lesson videos", attach_videos
    yield "demo learner", seed_learner


def _unit(slug: str) -> Page:
    for model in (HeadquartersPage, IndustryAcademyPage, TrainingBasePage):
        unit = model.objects.filter(slug=slug).first()
        if unit is not None:
            return unit
    raise LookupError(slug)


def seed_categories() -> None:
    for name, city, description in CITY_CATEGORIES:
        Category.objects.get_or_create(
            name=name, defaults={"city": city, "description": description}
        )


def seed_faculty() -> None:
    faculty = ensure_child_page(
        _unit("academies"),
        LecturerIndexPage,
        slug="lecturers",
        title="师资库",
        introduction="“名师名医名家名匠”专家库与劳模工匠兼职导师,深入企业、车间、校园和“云端”授课。",
    )
    users = get_user_model().objects
    for slug, name, honours, employer, position, specialty, username in LECTURERS:
        if LecturerPage.objects.child_of(faculty).filter(slug=slug).exists():
            continue
        page = LecturerPage(
            slug=slug,
            title=name,
            employer=employer,
            position=position,
            specialty=specialty,
            biography=[
                (
                    "paragraph",
                    RichText(f"<p>{name},{employer}{position},长期从事{specialty}工作。</p>"),
                )
            ],
            user=users.filter(username=username).first() if username else None,
        )
        page.honours = list(Honour.objects.filter(name__in=honours))
        faculty.add_child(instance=page)
        page.save_revision().publish()


def seed_listings() -> None:
    ensure_child_page(
        _unit("academies"),
        CourseIndexPage,
        slug="courses",
        title="全省课程",
        introduction="<p>工匠学院与青年职工夜校的全部课程:思政引领、文化艺术、职业发展、社会融入“4+N”。</p>",
    )
    for slug in COURSES:
        if slug != "academies":
            ensure_child_page(_unit(slug), CourseIndexPage, slug="courses", title="课程")
    for academy in IndustryAcademyPage.objects.all():
        ensure_child_page(academy, CourseIndexPage, slug="courses", title="课程")


def seed_course(parent_slug: str, spec: dict) -> None:
    parent = _unit(parent_slug)
    if CoursePage.objects.child_of(parent).filter(slug=spec["slug"]).exists():
        return
    lecturers = {page.slug: page for page in LecturerPage.objects.all()}
    page = CoursePage(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        category=Category.objects.get(name=spec["category"]),
        level=spec["level"],
        learning_hours=spec["learning_hours"],
        mode=spec["mode"],
        enrolment_policy=spec["enrolment_policy"],
        seat_limit=spec["seat_limit"],
        description=[("paragraph", RichText(f"<p>{spec['summary']}</p>"))],
        course_lecturers=[CourseLecturer(lecturer=lecturers[slug]) for slug in spec["lecturers"]],
        chapters=_outline(*spec["chapters"]),
    )
    page.tags.set(spec["tags"])
    parent.add_child(instance=page)
    page.save_revision().publish()


def attach_videos() -> None:
    """Give each video lesson its lecture, once the video demo has made them."""
    lectures = {lecture.key: lecture for lecture in LECTURES}
    videos = {}
    for key, lecture in lectures.items():
        video = lecture_video(lecture)
        if video is not None and video.status == VideoStatus.READY:
            videos[key] = video
    if not videos:
        return
    slugs = {slug for slug, _title in LESSON_LECTURES}
    for course in CoursePage.objects.filter(slug__in=slugs).order_by("path"):
        # From the revision, the outline is in memory, so edits to it are saved.
        latest = course.get_latest_revision().as_object()
        changed = False
        for lesson in latest.lessons():
            video = videos.get(LESSON_LECTURES.get((course.slug, lesson.title)))
            if video is not None and lesson.video_id != video.pk:
                lesson.video = video
                changed = True
        if changed:
            latest.save_revision().publish()


def seed_learner() -> None:
    learner = get_user_model().objects.get(username=DEMO_LEARNER_PHONE)
    if not LearnerProfile.objects.filter(user=learner).exists():
        account_services.learner_profile_update(
            user=learner, real_name="李学员", work_unit="吉林省某风力发电有限公司"
        )
    for slug in LEARNER_ENROLMENTS:
        course = CoursePage.objects.get(slug=slug)
        if not Enrolment.objects.filter(learner=learner, course=course).exists():
            services.course_enrol(learner=learner, course=course)
    for slug in LEARNER_FOLLOWS:
        services.follow_set(user=learner, page=Page.objects.get(slug=slug), following=True)
