"""Text analysis shared by both search backends.

Chinese has no spaces between words, so text is cut into Han characters (unigrams)
and overlapping character pairs (bigrams): `光伏发电` → 光 伏 发 电 + 光伏 伏发 发电.
A query's bigrams found in a document are strong evidence that its words are there,
without a dictionary. Latin letters and digits stay whole words. Pinyin (full
syllables and initials, from pypinyin) lets people type `hanjie` or `gfd` on a phone
keyboard. Elasticsearch builds the same character bigrams itself (see
`search.documents.ANALYSIS`); the embedded backend is fed by the functions here.
"""

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

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


def normalize(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), lower case, single spaces."""
    return " ".join(unicodedata.normalize("NFKC", text or "").lower().split())


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
    """ "Most" of a query's terms: all of one or two, three quarters (rounded down) of
    more — the same as Elasticsearch's minimum_should_match "2<75%"."""
    return count if count <= 2 else count * 3 // 4


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


def initials_query(text: str) -> tuple[str, ...]:
    """The letters of a query that may be initials (`gfd`), or () when it is not."""
    letters = "".join(normalize(text).split())
    if 2 <= len(letters) <= 12 and _LATIN.fullmatch(letters):
        return tuple(letters)
    return ()
