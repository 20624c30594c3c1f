"""Text analysis shared by both search backends.

Everything is first normalised: traditional characters become simplified (OpenCC),
full-width letters and digits ASCII, letters lower case. Chinese has no spaces between
words, so documents are cut into Han characters (unigrams) and overlapping character
pairs (bigrams): `光伏发电` → 光 伏 发 电 + 光伏 伏发 发电, without a dictionary. Queries,
being short, are also cut into words with jieba's dictionary, so that question filler
(我想 怎么 有没有) can be told apart from what is asked. Latin letters and digits stay
whole words, and their 2–4 letter pieces are kept so that `cad` finds AutoCAD. Pinyin
(full syllables and initials, from pypinyin) lets people type `hanjie` or `gfd` on a
phone keyboard; it is compared in a fuzzy form that merges the pairs phone keyboards
offer (z/zh, c/ch, s/sh, l/n, f/h, an/ang, en/eng, in/ing), and a query that spells
no pinyin is tried with one letter changed.
"""

import logging
import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

import opencc
from pypinyin.contrib.tone_convert import to_normal

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUNS = re.compile(rf"[{HAN}]+|[a-z0-9]+")
_HAN_RUNS = re.compile(rf"[{HAN}]+")
_LATIN = re.compile(r"[a-z]+")

# Toneless pinyin syllables of the characters in common use, ü written as v as on
# phone keyboards. The nasal interjections m, n, ng, hng are left out: they would let
# almost any string of consonants pass for pinyin.
_SYLLABLE_LIST = """
    a ai an ang ao ba bai ban bang bao bei ben beng bi bian biao bie bin bing bo bu ca cai can
    cang cao ce cen ceng cha chai chan chang chao che chen cheng chi chong chou chu chua chuai
    chuan chuang chui chun chuo ci cong cou cu cuan cui cun cuo da dai dan dang dao de dei deng
    di dia dian diao die ding diu dong dou du duan dui dun duo e ei en er fa fan fang fei fen
    feng fo fou fu ga gai gan gang gao ge gei gen geng gong gou gu gua guai guan guang gui gun
    guo ha hai han hang hao he hei hen heng hong hou hu hua huai huan huang hui hun huo ji jia
    jian jiang jiao jie jin jing jiong jiu ju juan jue jun ka kai kan kang kao ke kei ken keng
    kong kou ku kua kuai kuan kuang kui kun kuo la lai lan lang lao le lei len leng li lia lian
    liang liao lie lin ling liu lo long lou lu luan lun luo lv lve ma mai man mang mao me mei
    men meng mi mian miao mie min ming miu mo mou mu na nai nan nang nao ne nei nen neng ni nian
    niang niao nie nin ning niu nong nou nu nuan nuo nv nve o ou pa pai pan pang pao pei pen
    peng pi pian piao pie pin ping po pou pu qi qia qian qiang qiao qie qin qing qiong qiu qu
    quan que qun ran rang rao re ren reng ri rong rou ru ruan rui run ruo sa sai san sang sao
    se sen seng sha shai shan shang shao she shei shen sheng shi shou shu shua shuai shuan
    shuang shui shun shuo si song sou su suan sui sun suo ta tai tan tang tao te tei teng ti
    tian tiao tie ting tong tou tu tuan tui tun tuo wa wai wan wang wei wen weng wo wu xi xia
    xian xiang xiao xie xin xing xiong xiu xu xuan xue xun ya yan yang yao ye yi yin ying yo
    yong you yu yuan yue yun za zai zan zang zao ze zei zen zeng zha zhai zhan zhang zhao zhe
    zhei zhen zheng zhi zhong zhou zhu zhua zhuai zhuan zhuang zhui zhun zhuo zi zong zou zu
    zuan zui zun zuo
"""
SYLLABLES = frozenset(_SYLLABLE_LIST.split())
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))
_SYLLABLE_PREFIXES = frozenset(s[:i] for s in SYLLABLES for i in range(1, len(s)))


# pypinyin's dictionaries, read directly: its `lazy_pinyin` costs ~15 µs a character,
# too slow to spell the summaries of 100,000 courses in a rebuild; this ~2 µs.
_LONGEST_PHRASE = 4  # the phrase list is there for heteronyms; nearly all are ≤ 4


@lru_cache(maxsize=4096)
def _toneless(syllable: str) -> str:
    return to_normal(syllable).replace("ü", "v")


@cache
def _dictionaries() -> tuple[dict, dict, frozenset]:
    """pypinyin's characters and phrases, loaded on first use (half a second)."""
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    return pinyin_dict, phrases_dict, frozenset(phrase[0] for phrase in phrases_dict)


@cache
def _character(char: str) -> str:
    readings = _dictionaries()[0].get(ord(char))
    return _toneless(readings.split(",")[0]) if readings else ""


def _phrase_at(run: str, start: int) -> list | None:
    _characters, phrases, starts = _dictionaries()
    if run[start] not in starts:
        return None
    for size in range(min(_LONGEST_PHRASE, len(run) - start), 1, -1):
        phrase = phrases.get(run[start : start + size])
        if phrase and len(phrase) == size:
            return phrase
    return None


@lru_cache(maxsize=65536)
def _han_syllables(run: str) -> tuple[str, ...]:
    """One toneless syllable per character of a run of Chinese characters, read in
    context where the phrase list knows better than the first reading: 长春 → chang
    chun, 银行 → yin hang. Characters without a reading give ""."""
    syllables, i = [], 0
    while i < len(run):
        phrase = _phrase_at(run, i)
        if phrase:
            syllables.extend(_toneless(readings[0]) for readings in phrase)
            i += len(phrase)
        else:
            syllables.append(_character(run[i]))
            i += 1
    return tuple(syllables)


_FULL_WIDTH = str.maketrans(
    {
        chr(code): chr(code - 0xFEE0)
        for code in range(0xFF10, 0xFF5B)
        if chr(code - 0xFEE0).isalnum()
    }
)


def half_width(text: str) -> str:
    """Full-width letters and digits as ASCII (ＣＮＣ → CNC), Chinese punctuation kept:
    what Elasticsearch indexes, since a stock node has no normalising filter."""
    return text.translate(_FULL_WIDTH)


@cache
def _simplifier() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    """Traditional characters as simplified ones (電焊 → 电焊), the rest untouched."""
    return _simplifier().convert(text) if text and not text.isascii() else text


def normalize(text: str) -> str:
    """Simplified characters, NFKC (full-width letters and digits become ASCII), lower
    case, single spaces: what both backends index and what queries are compared in."""
    return " ".join(unicodedata.normalize("NFKC", simplified(text or "")).lower().split())


def is_han(run: str) -> bool:
    return bool(run) and _HAN_RUNS.fullmatch(run) is not None


def runs(text: str) -> list[str]:
    """Runs of Han characters and Latin/digit words, in order; punctuation dropped."""
    return _RUNS.findall(normalize(text))


def unigrams(text: str) -> list[str]:
    tokens = []
    for run in runs(text):
        tokens.extend(run if is_han(run) else (run,))
    return tokens


def bigrams(text: str) -> list[str]:
    return [a + b for run in runs(text) if is_han(run) for a, b in pairwise(run)]


def index_tokens(text: str) -> list[str]:
    """What the embedded index stores for a text: unigrams, then bigrams."""
    return unigrams(text) + bigrams(text)


def required_matches(count: int) -> int:
    """ "Most" of a set of terms: all of one or two, all but one of more."""
    return count if count <= 2 else count - 1


GRAM_SIZES = (2, 3, 4)


def latin_grams(text: str) -> list[str]:
    """The 2–4 letter pieces of the Latin words of a text (autocad → au ut … cad …
    auto …), so that a short Latin query finds a longer word that contains it."""
    grams = []
    for run in runs(text):
        if is_han(run) or len(run) < 3 or run.isdigit():
            continue
        for size in GRAM_SIZES:
            grams.extend(run[i : i + size] for i in range(len(run) - size + 1) if size < len(run))
    return list(dict.fromkeys(grams))


# Words of a query that say how it is asked, not what: dropped from what a course must
# contain (unless nothing else is left).
_FILLER = """
    我 我们 我想 想 想学 我想学 想要 要 需要 学 学学 学习 去 在 上 里 到 给 和 与 及 跟 把 被 让
    怎么 怎样 怎么样 怎么办 如何 为什么 为啥 咋 咋办 啥 什么 哪 哪里 哪儿 在哪 在哪里 哪个 哪些 哪家
    有没有 有 没有 没 吗 呢 吧 啊 呀 的 地 得 了 是 不是 能 能不能 可以 可不可以 会 该 应该
    关于 相关 课程 课 网课 视频 教程 教学 讲座 一下 请问 推荐 介绍 找 报名 一名 一个 一些 好 好的
    多少 多久 需要学 学什么 做 当 成为 怎么做 如何做 知识 方面 内容
"""
FILLER = frozenset(_FILLER.split())
# Words of course titles that say what kind of course, not on what: they weigh less
# in a query holding other words (焊接技术, 化工总控工技能提升).
_GENERIC = """
    技术 技能 提升 提高 培训 入门 基础 实操 实务 实战 实训 训练 强化 进阶 初级 中级 高级 考前
    辅导 精讲 专题 速成 应用
"""
GENERIC = frozenset(_GENERIC.split())


@cache
def _segmenter():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()  # a second on first use, cached afterwards
    return tokenizer


_segmenting = threading.Lock()


def words(text: str) -> list[str]:
    """A (normalised) query cut into words with jieba's dictionary: 有没有关于光伏板安装的课程
    → 有没有 关于 光伏 板 安装 的 课程; Latin words and numbers stay whole."""
    found = []
    for run in runs(text):
        if not is_han(run):
            found.append(run)
            continue
        with _segmenting:
            found.extend(_segmenter().lcut(run, HMM=True))
    return found


# Fuzzy pinyin: what phone keyboards let people mix up, each pair written one way.
_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("h", "f"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


@lru_cache(maxsize=8192)
def fuzzy(syllable: str) -> str:
    """A syllable with the keyboard's fuzzy pairs merged: zhang → zan, neng → len,
    hu → fu, so that zang, zhan and zan spell the same."""
    for long, short in _FUZZY_INITIALS:
        if syllable.startswith(long):
            syllable = short + syllable[len(long) :]
            break
    for long, short in _FUZZY_FINALS:
        if syllable.endswith(long):
            return syllable[: -len(long)] + short
    return syllable


def fuzzy_start(letters: str) -> str:
    """The start of a syllable being typed, in the fuzzy form (zh → z, sh → s, n → l)."""
    for long, short in _FUZZY_INITIALS:
        if letters.startswith(long):
            return short + letters[len(long) :]
    return letters


def fuzzy_pairs(syllables) -> list[str]:
    """What a sequence of syllables is matched by: its fuzzy syllables and each pair
    of neighbours run together (guang fu fa → guan fu fa guanfu fufa)."""
    keys = [fuzzy(s) for s in syllables]
    return keys + [a + b for a, b in pairwise(keys)]


def _unique(items) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


@dataclass(frozen=True)
class QueryTerms:
    """A query cut the way documents are: `han` holds the bigrams of each run of
    Chinese characters (the character itself for a one-character run), `words` the
    Latin words and numbers, each of which must be found."""

    han: tuple[str, ...]
    words: tuple[str, ...]

    def __bool__(self) -> bool:
        return bool(self.han or self.words)


def query_terms(text: str) -> QueryTerms:
    han, words = [], []
    for run in runs(text):
        if not is_han(run):
            words.append(run)
        elif len(run) == 1:
            han.append(run)
        else:
            han.extend(a + b for a, b in pairwise(run))
    return QueryTerms(han=_unique(han), words=_unique(words))


def pinyin(text: str) -> list[str]:
    """Toneless syllables of the Chinese characters, Latin words kept: 数控CNC机床 →
    shu kong cnc ji chuang. Heteronyms are read in context (银行 → yin hang)."""
    syllables = []
    for run in runs(text):
        if is_han(run):
            syllables.extend(s for s in _han_syllables(run) if s)
        else:
            syllables.append(run)
    return syllables


def initials(text: str) -> list[str]:
    """First letters of the syllables of the Chinese characters: 光伏发电 → g f f d."""
    return [s[0] for run in runs(text) if is_han(run) for s in _han_syllables(run) if s]


def syllable_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, syllable) of each Chinese character of `text` as written, so that
    a pinyin match can be highlighted on the characters."""
    spans = []
    for match in _HAN_RUNS.finditer(text):
        for offset, syllable in enumerate(_han_syllables(match.group())):
            if syllable:
                spans.append((match.start() + offset, match.start() + offset + 1, syllable))
    return spans


def _readings(letters: str) -> list[tuple[str, ...]]:
    """Every way of reading `letters` as whole syllables, fewest syllables first."""
    found: dict[int, list[tuple[str, ...]]] = {0: [()]}
    for end in range(1, len(letters) + 1):
        ways = []
        for start in range(max(0, end - _LONGEST_SYLLABLE), end):
            if start in found and letters[start:end] in SYLLABLES:
                ways.extend((*way, letters[start:end]) for way in found[start])
        if ways:
            found[end] = sorted(ways, key=len)[:8]
    return found.get(len(letters), [])


@lru_cache(maxsize=4096)
def segment_pinyin(text: str) -> tuple[tuple[str, ...], ...]:
    """Readings of a Latin query as pinyin with the fewest syllables, at most three:
    `hanjie` → (han jie); `xian` → (xian); `fangan` → (fang an), (fan gan). Empty when
    the query is not pinyin. Spaces the person typed are kept as syllable breaks."""
    parts = normalize(text).split()
    if not parts or not all(_LATIN.fullmatch(part) for part in parts):
        return ()
    readings: list[tuple[str, ...]] = [()]
    for part in parts:
        options = _readings(part)
        if not options:
            return ()
        fewest = len(options[0])
        options = [option for option in options if len(option) == fewest]
        readings = [done + option for done in readings for option in options][:3]
    return tuple(readings)


@lru_cache(maxsize=4096)
def segment_pinyin_prefix(text: str) -> tuple[tuple[str, ...], str] | None:
    """A Latin prefix being typed as pinyin: whole syllables and the start of the next
    one. `hanj` → ((han,), "j"); `hanjie` → ((han, jie), ""); None when it is not."""
    letters = "".join(normalize(text).split())
    if not _LATIN.fullmatch(letters or "-"):
        return None
    for cut in range(len(letters), max(-1, len(letters) - _LONGEST_SYLLABLE), -1):
        rest = letters[cut:]
        if rest and rest not in _SYLLABLE_PREFIXES and rest not in SYLLABLES:
            continue
        readings = _readings(letters[:cut])
        if readings:
            return readings[0], rest
    return None


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def one_letter_off(letters: str) -> list[str]:
    """Every string one typing slip away from `letters` (a letter left out, added,
    changed, or two neighbours swapped), that spells pinyin: the corrections to try
    for a Latin query of four letters or more that spells none."""
    if len(letters) < 4:
        return []
    edits = set()
    for i in range(len(letters) + 1):
        head, tail = letters[:i], letters[i:]
        if tail:
            edits.add(head + tail[1:])
            edits.update(head + c + tail[1:] for c in _LETTERS)
        if len(tail) > 1:
            edits.add(head + tail[1] + tail[0] + tail[2:])
        edits.update(head + c + tail for c in _LETTERS)
    edits.discard(letters)
    return sorted(e for e in edits if _readings(e))


def initials_query(text: str) -> tuple[str, ...]:
    """The letters of a query that may be initials (`gfd`), or () when it is not."""
    letters = "".join(normalize(text).split())
    if 2 <= len(letters) <= 12 and _LATIN.fullmatch(letters):
        return tuple(letters)
    return ()
