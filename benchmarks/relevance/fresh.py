"""A second held-out set of the relevance benchmark, written by another engineer
from the catalogue (`courses.py`) alone, without reading the engine, its tuning
queries or the first held-out set. The kinds are those of `judgments.KINDS` and
the grades the same: 3 — what was asked for, 2 — clearly relevant, 1 — related;
every other course 0. Queries of the kind "none" have no right answer (an empty
dict). The judgments are not to be changed to suit the engine. Fourteen of the
queries happen to be typed as in the tuning set (叉车, 职工心理健康, QC …) and seven as
in the first held-out set, judged here on their own."""

LI_WANJUN = {20: 3, 22: 3, 24: 3, 131: 3, 141: 3, 211: 3, 233: 3}
HE_DONGSHENG = {31: 3, 32: 3, 131: 3, 142: 3, 217: 3}

QUERIES = [
    # short
    ("short", "叉车", {34: 3, 35: 1}),
    ("short", "茶", {117: 3}),
    ("short", "鹿", {230: 3}),
    ("short", "物流", {88: 3, 87: 2, 90: 1, 86: 1}),
    ("short", "烘焙", {118: 3, 116: 1}),
    ("short", "锅炉", {222: 3, 11: 1}),
    # title
    ("title", "电梯安装维修工", {221: 3}),
    ("title", "食用菌栽培技术", {69: 3}),
    ("title", "职工心理健康", {192: 3}),
    ("title", "跨境电商入门", {90: 3, 82: 1}),
    ("title", "高速动车组调试技术", {33: 3, 24: 1}),
    ("title", "碳纤维复合材料应用", {53: 3, 50: 1}),
    # partial
    ("partial", "热处", {54: 3}),
    ("partial", "母婴", {150: 3, 151: 2}),
    ("partial", "升压站", {3: 3}),
    ("partial", "钣金", {217: 3}),
    ("partial", "刺绣", {202: 3, 178: 1}),
    ("partial", "无损", {56: 3, 24: 1}),
    # colloquial
    ("colloquial", "开天车", {35: 3}),
    ("colloquial", "考焊工证", {21: 3, 20: 1, 22: 1, 23: 1}),
    ("colloquial", "种大棚", {62: 3, 214: 2}),
    ("colloquial", "送外卖", {86: 3, 87: 1}),
    ("colloquial", "做月嫂", {150: 3, 151: 1, 153: 1}),
    ("colloquial", "学炒菜", {115: 3, 116: 1, 153: 1}),
    # traditional
    ("traditional", "養老護理", {152: 3}),
    ("traditional", "無人機", {7: 3, 67: 3}),
    ("traditional", "楷書", {196: 3, 170: 3}),
    ("traditional", "風電檢修", {4: 3, 3: 2, 12: 1}),
    ("traditional", "數據標註", {96: 3, 95: 2}),
    ("traditional", "勞動合同", {138: 3, 139: 1}),
    # pinyin
    ("pinyin", "chongdianzhuang", {14: 3}),
    ("pinyin", "wajueji", {41: 3, 40: 1}),
    ("pinyin", "kafei", {119: 3}),
    ("pinyin", "taiji", {175: 3}),
    ("pinyin", "huagong", {51: 3, 219: 3, 52: 2, 55: 2}),
    ("pinyin", "gongwen", {200: 3, 102: 1}),
    # pinyin_spaced
    ("pinyin_spaced", "ren gong zhi neng", {95: 3, 96: 2, 100: 1}),
    ("pinyin_spaced", "shui dian an zhuang", {159: 3, 157: 1}),
    ("pinyin_spaced", "dao you", {112: 3, 232: 1}),
    ("pinyin_spaced", "lan mei", {231: 3, 63: 1}),
    ("pinyin_spaced", "xiao fang", {136: 3, 5: 1}),
    ("pinyin_spaced", "ying yu kou yu", {203: 3}),
    # initials
    ("initials", "dsj", {97: 3, 98: 1}),
    ("initials", "yjjh", {137: 3, 110: 1, 135: 1}),
    ("initials", "tzzy", {9: 3, 21: 3, 10: 1, 34: 1}),
    ("initials", "xnyqc", {30: 3, 31: 3, 14: 2}),
    ("initials", "bzz", {134: 3, 43: 1, 227: 1}),
    ("initials", "jxzt", {37: 3, 38: 1, 225: 1}),
    # pinyin_typo
    ("pinyin_typo", "qinneng", {8: 3, 12: 1}),
    ("pinyin_typo", "zuanlishenqing", {142: 3}),
    ("pinyin_typo", "jitatangchang", {197: 3, 176: 1}),
    ("pinyin_typo", "guangcangwu", {177: 3}),
    ("pinyin_typo", "longjiweixiu", {66: 3}),
    ("pinyin_typo", "dianlam", {13: 3}),
    # mixed
    ("mixed", "UG编程", {27: 3, 26: 1, 212: 1}),
    ("mixed", "西门子plc", {29: 3, 216: 1}),
    ("mixed", "excel做表", {101: 3, 102: 2}),
    ("mixed", "CO2焊", {22: 3, 20: 1, 21: 1, 23: 1}),
    ("mixed", "抖音直播", {80: 3, 213: 3, 81: 1}),
    ("mixed", "GIS开关柜", {3: 3, 10: 1}),
    # abbreviation
    ("abbreviation", "cad", {37: 3, 225: 3, 38: 2, 27: 1}),
    ("abbreviation", "QC", {42: 3, 43: 1}),
    ("abbreviation", "TIG", {23: 3, 20: 1, 21: 1, 22: 1}),
    ("abbreviation", "ps", {89: 3, 173: 1}),
    ("abbreviation", "DCS", {51: 3, 219: 1}),
    ("abbreviation", "solid", {38: 3}),
    # question
    ("question", "家里老人瘫痪在床该怎么护理有课吗", {152: 3}),
    ("question", "拖拉机坏了想自己修去哪学", {66: 3}),
    (
        "question",
        "想在抖音上卖自己家种的木耳怎么弄",
        {70: 3, 80: 2, 213: 1, 81: 1, 82: 1, 69: 1},
    ),
    ("question", "工地上临时用电怎么接才安全", {157: 3, 9: 1, 215: 1}),
    ("question", "孩子青春期不听话怎么跟他沟通", {194: 3}),
    ("question", "老板不给签合同还拖欠工资该怎么维权", {138: 3, 139: 1}),
    # number
    ("number", "5s管理", {43: 3, 42: 1}),
    ("number", "24式太极", {175: 3}),
    ("number", "0-3岁宝宝早教", {151: 3, 150: 1, 194: 1}),
    ("number", "10kv倒闸操作", {10: 3}),
    ("number", "2024安全生产法", {228: 3, 133: 2}),
    ("number", "5轴加工", {27: 3, 25: 1, 26: 1, 212: 1}),
    # lecturer
    ("lecturer", "何东升", HE_DONGSHENG),
    ("lecturer", "首席技师张志强", {9: 3, 10: 3, 157: 3, 215: 3, 221: 3}),
    ("lecturer", "郭秀英老师", {52: 3, 54: 3, 56: 3, 150: 3, 151: 3, 152: 3, 235: 3}),
    ("lecturer", "大国工匠", {**LI_WANJUN, **HE_DONGSHENG}),
    ("lecturer", "欧阳明", {27: 3, 37: 3, 38: 3, 97: 3, 98: 3, 158: 3, 225: 3}),
    (
        "lecturer",
        "宋佳",
        {70: 3, 80: 3, 82: 3, 84: 3, 90: 3, 113: 3, 195: 3, 203: 3, 213: 3, 223: 3},
    ),
    # none
    ("none", "养蜂", {}),
    ("none", "修手机", {}),
    ("none", "宠物美容", {}),
    ("none", "钓鱼技巧", {}),
    ("none", "麻将", {}),
    ("none", "服装裁剪", {}),
]
