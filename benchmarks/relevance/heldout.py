"""A held-out set of queries for the relevance benchmark, over the same courses
(`courses.py`), written by another engineer after the engine was tuned on
`judgments.py` but without running the engine or reading how it scores: none of
these queries repeats one of the tuning set. Same kinds (`judgments.KINDS`) and the
same grades: 3 — what was asked for, 2 — clearly relevant, 1 — related; every other
course 0. Queries of the kind "none" have no right answer: the engine should show
nothing, or only results marked as partial matches.

Fixes to the engine must help how workers type in general; these queries and their
judgments are not to be changed to suit the engine, nor the engine to suit them."""

HE_DONGSHENG = {31: 3, 32: 3, 131: 3, 142: 3, 217: 3}
GUO_XIUYING = {52: 3, 54: 3, 56: 3, 150: 3, 151: 3, 152: 3, 235: 3}
OUYANG_MING = {27: 3, 37: 3, 38: 3, 97: 3, 98: 3, 158: 3, 225: 3}
LI_WANJUN = {20: 3, 22: 3, 24: 3, 211: 3, 131: 3, 233: 3, 141: 3}
CHIEF_TECHNICIANS = dict.fromkeys(
    (9, 10, 157, 215, 221, 21, 23, 95, 34, 35, 41, 66, 86, 87, 154, 201), 2
)
DRONES = {7: 3, 67: 3}
PHOTOGRAPHY = {174: 3, 173: 3}
CHARGING_PILES = {14: 3}
BOILERS = {222: 3}
ELEVATORS = {221: 3}
MEDICINAL_DIET = {71: 3}
COFFEE = {119: 3}
FIRE_SAFETY = {136: 3, 5: 1}

QUERIES = [
    # short
    ("short", "电池", {31: 3, 6: 3, 5: 2, 30: 2, 8: 2}),
    ("short", "氢", {8: 3, 12: 2}),
    ("short", "鹿", {230: 3}),
    ("short", "风电", {3: 3, 4: 3, 12: 2}),
    ("short", "摄影", PHOTOGRAPHY),
    ("short", "咖啡", COFFEE),
    # title
    ("title", "储能电站运行与维护", {5: 3, 12: 1, 210: 1}),
    ("title", "植保无人机操控技术", {67: 3, 7: 2}),
    ("title", "劳动合同与职工权益保护", {138: 3}),
    ("title", "家庭理财与防范电信诈骗", {195: 3}),
    ("title", "焊接机器人编程与应用", {211: 3, 28: 2}),
    ("title", "梅花鹿养殖与鹿产品加工", {230: 3, 68: 1}),
    ("title", "冰雪运动入门", {111: 3, 110: 1, 218: 1}),
    # partial
    ("partial", "倒闸操作", {10: 3}),
    ("partial", "心肺复苏", {137: 3}),
    ("partial", "数据标注", {96: 3, 95: 2}),
    ("partial", "齿轮箱", {4: 3}),
    ("partial", "充电桩", CHARGING_PILES),
    ("partial", "热失控", {6: 3}),
    ("partial", "四轮定位", {234: 3}),
    ("partial", "日光温室", {62: 3, 214: 1}),
    # colloquial
    ("colloquial", "吊车司机", {35: 3}),
    ("colloquial", "做蛋糕", {118: 3, 116: 1}),
    ("colloquial", "种蘑菇", {69: 3}),
    ("colloquial", "养牛", {68: 3, 230: 1}),
    ("colloquial", "学理发", {156: 3}),
    ("colloquial", "保姆", {153: 3, 150: 2, 151: 2, 152: 1}),
    ("colloquial", "画画", {171: 3, 179: 3, 172: 1}),
    ("colloquial", "唱歌", {176: 3, 197: 2}),
    ("colloquial", "颈椎疼", {199: 3}),
    ("colloquial", "带娃", {151: 3, 194: 2, 150: 1}),
    ("colloquial", "找对象", {193: 3}),
    ("colloquial", "减肥", {204: 3, 199: 1, 177: 1}),
    # traditional
    ("traditional", "鍋爐", BOILERS),
    ("traditional", "電梯維修", ELEVATORS),
    ("traditional", "攝影", PHOTOGRAPHY),
    ("traditional", "國畫", {179: 3, 171: 1}),
    ("traditional", "無人機", DRONES),
    ("traditional", "電子商務", {85: 3, 82: 2, 90: 2, 70: 2, 84: 1, 89: 1}),
    ("traditional", "養殖", {68: 3, 230: 3}),
    ("traditional", "駕駛安全", {201: 3, 66: 1, 34: 1}),
    # pinyin
    ("pinyin", "chongdianzhuang", CHARGING_PILES),
    ("pinyin", "wurenji", DRONES),
    ("pinyin", "sheying", PHOTOGRAPHY),
    ("pinyin", "dianti", ELEVATORS),
    ("pinyin", "yaoshan", MEDICINAL_DIET),
    ("pinyin", "xiaofang", FIRE_SAFETY),
    ("pinyin", "kafei", COFFEE),
    ("pinyin", "guolu", BOILERS),
    # pinyin_spaced
    ("pinyin_spaced", "wu ren ji", DRONES),
    ("pinyin_spaced", "cha che", {34: 3}),
    ("pinyin_spaced", "dian gong", {9: 3, 10: 3, 215: 3, 216: 3, 157: 3}),
    ("pinyin_spaced", "qi che wei xiu", {30: 3, 31: 3, 32: 3, 217: 2, 14: 1, 234: 1}),
    ("pinyin_spaced", "yang lao hu li", {152: 3}),
    ("pinyin_spaced", "gong hui", {139: 3}),
    ("pinyin_spaced", "tai yang neng", {226: 3, 1: 2}),
    # initials
    ("initials", "xnyqc", {30: 3, 31: 3, 14: 2}),
    ("initials", "wrj", DRONES),
    ("initials", "cdz", CHARGING_PILES),
    ("initials", "aqsc", {133: 3, 228: 3, 55: 2, 135: 2, 136: 1}),
    ("initials", "yjjh", {137: 3, 110: 1}),
    ("initials", "gjjs", {131: 3, 233: 1}),
    # pinyin_typo
    ("pinyin_typo", "seying", PHOTOGRAPHY),
    ("pinyin_typo", "wurengji", DRONES),
    ("pinyin_typo", "chongdianzuang", CHARGING_PILES),
    ("pinyin_typo", "guonu", BOILERS),
    ("pinyin_typo", "yaoshna", MEDICINAL_DIET),
    ("pinyin_typo", "kafie", COFFEE),
    ("pinyin_typo", "xiaofan", FIRE_SAFETY),
    ("pinyin_typo", "dainti", ELEVATORS),
    # mixed
    ("mixed", "EMS能量管理", {5: 3}),
    ("mixed", "G代码编程", {26: 3, 212: 2, 25: 1}),
    ("mixed", "SQL数据分析", {97: 3}),
    ("mixed", "Excel函数", {101: 3}),
    ("mixed", "WPS表格", {102: 3, 101: 1}),
    ("mixed", "FANUC车床", {26: 3, 212: 1}),
    ("mixed", "做PPT", {103: 3}),
    ("mixed", "学Python", {98: 3, 97: 2}),
    # abbreviation
    ("abbreviation", "EMS", {5: 3}),
    ("abbreviation", "SQL", {97: 3}),
    ("abbreviation", "HMI", {29: 3}),
    ("abbreviation", "FDM", {39: 3}),
    ("abbreviation", "ppt", {103: 3}),
    ("abbreviation", "fanuc", {26: 3}),
    ("abbreviation", "Solid", {38: 3}),
    ("abbreviation", "PLC", {29: 3, 216: 2}),
    # question
    ("question", "学了电工能考什么证", {9: 3, 10: 2, 140: 1}),
    ("question", "家里孩子刚出生怎么护理", {150: 3, 151: 2}),
    ("question", "怎么用手机拍出好看的照片", {173: 3, 174: 2, 81: 1}),
    ("question", "农村的土特产怎么卖出去", {70: 3, 80: 1, 223: 1, 82: 1}),
    ("question", "着火了怎么逃生", {136: 3}),
    ("question", "想开一家民宿需要学什么", {113: 3}),
    ("question", "黑木耳怎么种", {69: 3}),
    ("question", "长期坐办公室脖子疼怎么办", {199: 3}),
    ("question", "怎样申请专利", {142: 3}),
    ("question", "老人得了老年痴呆怎么照顾", {152: 3}),
    # number
    ("number", "1200", {29: 3}),
    ("number", "安全生产法2024", {228: 3, 133: 2}),
    ("number", "五轴", {27: 3}),
    ("number", "六轴机器人", {28: 3, 211: 1}),
    ("number", "3D建模", {38: 3, 7: 2, 39: 1, 158: 1}),
    ("number", "二十四式太极", {175: 3}),
    ("number", "10千伏", {10: 3}),
    # lecturer
    ("lecturer", "何东升", HE_DONGSHENG),
    ("lecturer", "郭秀英", GUO_XIUYING),
    ("lecturer", "首席技师", CHIEF_TECHNICIANS),
    ("lecturer", "欧阳明老师的课", OUYANG_MING),
    ("lecturer", "hedongsheng", HE_DONGSHENG),
    ("lecturer", "张志强电工", {9: 3, 10: 3, 157: 3, 215: 3, 221: 1}),
    ("lecturer", "劳模李万君", LI_WANJUN),
    # none
    ("none", "围棋", {}),
    ("none", "考公务员", {}),
    ("none", "java开发", {}),
    ("none", "深海潜水", {}),
    ("none", "中医针灸", {}),
    ("none", "高尔夫", {}),
    ("none", "asdfgh", {}),
    ("none", "俄语翻译", {}),
]
