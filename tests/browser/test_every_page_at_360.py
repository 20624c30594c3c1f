"""Every page, on a 360 px phone: crawl the demo site in Chromium as a visitor, as the
demo learner and as admins, following links from the home page, and check each page
answers, has no sideways scroll, is in Simplified Chinese, has one <h1> and no errors
in the console."""

import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urldefrag, urlsplit

import pytest
from django.urls import Resolver404, resolve
from django.views.defaults import server_error
from wagtail.models import Page

from learning.models import Certificate
from lms.demo import DEMO_LEARNER_PHONE, DEMO_PASSWORD
from nightschool.models import ClassSession, NightSchoolPage
from tests.conftest import run_demo_steps

pytestmark = pytest.mark.browser

# The video demo transcodes its lectures cut to a sentence each (settings.DEMO_BRIEF); the
# learning demo needs its videos for the demo learner's progress and certificate.
DEMO_MODULES = [
    "academies.demo",
    "video.demo",
    "courses.demo",
    "nightschool.demo",
    "learning.demo",
    "exams.demo",
    "search.demo",
]
WIDTH = 360
MAX_PAGES = 80  # per role
MAX_PER_TYPE = 6  # pages of one type (courses, lessons, filtered listings …) per role
NO_RESULTS = "zzqx不存在的课程"
SKIPPED_PREFIXES = (
    "/admin/",
    "/django-admin/",
    "/api/",
    "/i18n/",
    "/accounts/logout/",
    "/static/",
    "/media/",
    "/documents/",
    "/hls/",
)
# Files, not pages (/certificates/course/<id>/ redirects to the learner's PDF).
DOWNLOADS = re.compile(r"(\.(pdf|zip|xlsx|csv|json|ics|m3u8)|/export/|^/certificates/course/\d+/)$")
# Answers other than 2xx/3xx that are meant, by page type.
INTENDED = {"not found": {404}, "nightschool:code": {403}}

# Our own admin views (the rest of the Wagtail admin is Wagtail's business).
OWN_ADMIN = re.compile(r"^/admin/(learning|courses|nightschool|videos|search/queries|exams)/")
ADMIN_SKIPPED = re.compile(
    r"/(delete|retry|retranscode|approve|reject|remove|cancel|revoke|adjust|target|export"
    r"|poster|progress|chooser)/|\.(zip|xlsx|csv|pdf)$"
)

CHECKS_JS = """() => {
  const html = document.documentElement;
  return {
    lang: html.getAttribute('lang'),
    h1: Array.from(document.querySelectorAll('h1'), h => h.textContent.trim().slice(0, 60)),
    scrollWidth: html.scrollWidth,
    noResults: !!document.querySelector('.search-empty'),
  };
}"""

# The element that sticks out furthest to the right (the deepest of those that stick
# out as far; for text that overflows its box, the element holding the text), not
# counting what sits inside a container that clips or scrolls.
WIDEST_JS = """(width) => {
  const clipped = el => {
    for (let p = el; p && p !== document.body; p = p.parentElement) {
      if (getComputedStyle(p).overflowX !== 'visible') return true;
    }
    return false;
  };
  const depthOf = el => { let d = 0; for (let p = el; p; p = p.parentElement) d++; return d; };
  const describe = (el, right) => {
    let s = el.tagName.toLowerCase();
    if (el.id) s += '#' + el.id;
    if (typeof el.className === 'string' && el.className.trim())
      s += '.' + el.className.trim().split(/\\s+/).join('.');
    const path = [];
    for (let p = el.parentElement; p && p !== document.body && path.length < 4;
         p = p.parentElement) {
      let q = p.tagName.toLowerCase();
      if (typeof p.className === 'string' && p.className.trim())
        q += '.' + p.className.trim().split(/\\s+/)[0];
      path.unshift(q);
    }
    const text = (el.textContent || '').trim().replace(/\\s+/g, ' ').slice(0, 60);
    const box = el.getBoundingClientRect();
    return `${path.join(' > ')} > ${s} (reaches ${Math.round(right)}px,`
      + ` box ${Math.round(box.width)}px wide) «${text}»`;
  };
  let worst = null, worstRight = width + 0.5, worstDepth = -1;
  const consider = (el, right, depth) => {
    if (right > worstRight + 0.5 || (Math.abs(right - worstRight) <= 0.5 && depth > worstDepth)) {
      worst = el; worstRight = right; worstDepth = depth;
    }
  };
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= width + 0.5) continue;
    if (getComputedStyle(el).position === 'fixed' || clipped(el.parentElement)) continue;
    consider(el, r.right, depthOf(el));
  }
  const texts = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = texts.nextNode(); node; node = texts.nextNode()) {
    if (!node.textContent.trim()) continue;
    range.selectNodeContents(node);
    const right = range.getBoundingClientRect().right;
    if (right > width + 0.5 && !clipped(node.parentElement))
      consider(node.parentElement, right, depthOf(node.parentElement) + 1);
  }
  return worst ? describe(worst, worstRight)
    : '(no single element: check margins and ::before/::after)';
}"""


@dataclass
class Visit:
    url: str
    final: str
    status: int
    kind: str


@dataclass
class Crawl:
    role: str
    visits: list[Visit] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def kinds(self) -> Counter:
        return Counter(visit.kind for visit in self.visits)


def page_kinds() -> dict[str, str]:
    """Path of every live page → the page's model."""
    return {
        page.url: type(page).__name__
        for page in Page.objects.live().specific()
        if page.url and page.depth > 1
    }


def kind_of(url: str, pages: dict[str, str], no_results: bool = False) -> str:
    parts = urlsplit(url)
    path = parts.path
    if path in pages:
        return pages[path]
    if re.search(r"/lessons/[0-9a-f-]{36}/$", path):
        return "lesson"
    try:
        match = resolve(path)
    except Resolver404:
        return "not found"
    name = match.view_name
    if name == "wagtail_serve":
        return "not found"
    if name == "search:page":
        query = parse_qs(parts.query).get("q", [""])[0]
        if not query:
            return "search"
        return "search, no results" if no_results else "search with a query"
    if name == "learning:certificate_verify":
        return "certificate"
    return name or "?"


def same_origin_links(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all("a[href]:not([download])", "els => els.map(e => e.href)")
    links = []
    for href in hrefs:
        href = urldefrag(href).url
        if href.startswith(base + "/"):
            links.append(href[len(base) :])
    return links


def follows(path: str) -> bool:
    plain = urlsplit(path).path
    return not plain.startswith(SKIPPED_PREFIXES) and not DOWNLOADS.search(plain)


class Recorder:
    """Console errors, uncaught exceptions and failed static files of the current page."""

    def __init__(self, page, base: str):
        self.base = base
        self.errors: list[str] = []
        page.on("console", self.console)
        page.on("pageerror", lambda error: self.errors.append(f"uncaught {error}"))
        page.on("response", self.response)
        page.on("requestfailed", self.failed)

    def console(self, message):
        if message.type == "error":
            where = message.location.get("url", "")
            self.errors.append(f"console: {message.text} ({where})")

    def response(self, response):
        """Failed static files, and failed requests a page makes to us (fetch, images …)."""
        request = response.request
        if response.status < 400 or request.is_navigation_request():
            return
        parts, sent_from = urlsplit(response.url), request.headers.get("referer", "")
        if parts.path.startswith("/static/") or sent_from.startswith(self.base):
            self.errors.append(
                f"{request.method} {parts.path} answered {response.status}"
                f" (sent from {sent_from[len(self.base) :]})"
            )

    def failed(self, request):
        path = urlsplit(request.url).path
        if path.startswith("/static/") and request.failure != "net::ERR_ABORTED":
            self.errors.append(f"{request.failure} for {path}")

    def take(self) -> list[str]:
        errors, self.errors = self.errors, []
        return errors


def phone_context(browser):
    context = browser.new_context(
        viewport={"width": WIDTH, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    context.set_default_timeout(20_000)
    return context


def crawl(
    page,
    base: str,
    role: str,
    start: list[str],
    *,
    follow=follows,
    check_layout=True,
    max_pages=MAX_PAGES,
    max_per_kind=MAX_PER_TYPE,
) -> Crawl:
    result = Crawl(role)
    recorder = Recorder(page, base)
    pages = page_kinds()
    queue = deque(start)
    seen = set(start)
    per_kind = Counter()
    while queue and len(result.visits) < max_pages:
        path = queue.popleft()
        kind = kind_of(path, pages)
        if per_kind[kind] >= max_per_kind and path not in start:
            continue
        per_kind[kind] += 1
        recorder.take()
        where = f"[{role}] {path}"
        try:
            response = page.goto(base + path, wait_until="load")
        except Exception as error:  # a timeout, a crash: note it and go on
            result.problems.append(f"{where}: did not load: {error}")
            continue
        status = response.status if response else 0
        final = page.url[len(base) :] if page.url.startswith(base) else page.url
        facts = page.evaluate(CHECKS_JS)
        kind = kind_of(final, pages, facts["noResults"])
        result.visits.append(Visit(path, final, status, kind))
        if final != path:
            where += f" (→ {final})"
        if status >= 400 and status not in INTENDED.get(kind, ()):
            result.problems.append(f"{where}: HTTP {status}")
        if status < 400:
            send_a_heartbeat(page)
        errors = recorder.take()
        if status >= 400:  # the browser reports the page's own answer too
            errors = [e for e in errors if "Failed to load resource" not in e or "/static/" in e]
        result.problems += [f"{where}: {error}" for error in errors]
        if check_layout:
            if facts["scrollWidth"] > WIDTH:
                widest = page.evaluate(WIDEST_JS, WIDTH)
                result.problems.append(
                    f"{where}: scrolls sideways ({facts['scrollWidth']}px wide); widest: {widest}"
                )
            if facts["lang"] not in ("zh-CN", "zh-Hans"):
                result.problems.append(f"{where}: <html lang={facts['lang']!r}>, not Chinese")
            if len(facts["h1"]) != 1:
                result.problems.append(f"{where}: {len(facts['h1'])} <h1>: {facts['h1']}")
        for link in same_origin_links(page, base):
            if link not in seen and follow(link):
                seen.add(link)
                queue.append(link)
    return result


def send_a_heartbeat(page) -> None:
    """A player sends heartbeats to its page's progress address: send one (as pausing
    does) and wait for the answer, so that a wrong address shows as an error here
    rather than unseen while the page is left."""
    url = page.evaluate(
        "() => document.querySelector('[data-video-player]')?.dataset.progressUrl || null"
    )
    if url:
        with page.expect_response(lambda r: r.request.method == "POST" and url in r.url):
            page.evaluate(
                "() => document.querySelector('[data-video-player] video')"
                ".dispatchEvent(new Event('pause'))"
            )


def log_in(page, base: str, username: str) -> None:
    page.goto(base + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("form.stacked-form button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def admin_log_in(page, base: str, username: str) -> None:
    page.goto(base + "/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def own_admin_links(page, base: str) -> list[str]:
    """Links into our admin views on the page, and those in the sidebar's menu (which
    Wagtail renders from JSON)."""
    html = page.content()
    found = same_origin_links(page, base)
    found += re.findall(r'"(/admin/[^"\\]+)', html.replace("\\u002F", "/"))
    return [link for link in found if OWN_ADMIN.match(link) and not ADMIN_SKIPPED.search(link)]


def crawl_admin(page, base: str, role: str) -> Crawl:
    page.goto(base + "/admin/")
    start = ["/admin/", *dict.fromkeys(own_admin_links(page, base))]

    def follow(path):
        return bool(OWN_ADMIN.match(path)) and not ADMIN_SKIPPED.search(path)

    return crawl(page, base, role, start, follow=follow, check_layout=False, max_per_kind=2)


def report(crawls: list[Crawl]) -> str:
    lines = []
    for result in crawls:
        kinds = ", ".join(f"{kind} {count}" for kind, count in sorted(result.kinds().items()))
        lines.append(f"{result.role}: {len(result.visits)} pages ({kinds})")
    return "\n".join(lines)


PUBLIC_KINDS = {
    "HomePage",
    "HeadquartersPage",
    "IndustryAcademyPage",
    "TrainingBasePage",
    "CourseIndexPage",
    "CoursePage",
    "LecturerIndexPage",
    "LecturerPage",
    "NightSchoolPage",
    "nightschool:class",
    "search with a query",
    "search, no results",
    "certificate",
}
VISITOR_KINDS = PUBLIC_KINDS | {
    "learning:certificate_verify_form",
    "accounts:login",
    "accounts:register",
    "accounts:register_confirm",
    "accounts:password_reset",
    "lms:account",
    "not found",
}
LEARNER_KINDS = PUBLIC_KINDS | {
    "lesson",
    "lms:account",
    "courses:profile",
    "lms:notifications",
    "nightschool:code",
}


@pytest.mark.timeout(600)
def test_every_page_on_a_360px_phone(live_server, browser, settings, tmp_path, capsys):
    settings.VIDEO_ROOT = str(tmp_path / "video")
    # The embedded index, filled as pages are published (Elasticsearch's index is shared).
    settings.ELASTICSEARCH_URL = ""
    started = time.monotonic()
    for module in DEMO_MODULES:
        run_demo_steps(module)
    seeded = time.monotonic()
    base = live_server.url
    certificate = Certificate.objects.get(learner__username=DEMO_LEARNER_PHONE)
    found_by_typing = [
        "/search/?q=%E6%96%B0%E8%83%BD%E6%BA%90",  # 新能源
        f"/search/?q={NO_RESULTS}",
        f"/certificates/verify/{certificate.code}/",
        "/certificates/verify/",
        "/nightschool/",
    ]
    visitor_only = ["/no-such-page/"]
    crawls = []

    context = phone_context(browser)
    crawls.append(
        crawl(context.new_page(), base, "visitor", ["/", *found_by_typing, *visitor_only])
    )
    context.close()

    context = phone_context(browser)
    page = context.new_page()
    log_in(page, base, DEMO_LEARNER_PHONE)
    # The check-in code is the lecturer's: the learner gets the "no access" page.
    code_screen = f"/nightschool/classes/{ClassSession.objects.order_by('starts_at')[0].pk}/code/"
    learner_only = ["/me/", code_screen]
    crawls.append(crawl(page, base, "learner", ["/", *found_by_typing, *learner_only]))
    context.close()

    night_school = NightSchoolPage.objects.get(slug="night-school")
    assert night_school.admin_group.user_set.filter(username="yexiao_admin").exists()
    for username in ("new_energy_admin", "yexiao_admin"):
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        context.set_default_timeout(20_000)
        page = context.new_page()
        admin_log_in(page, base, username)
        crawls.append(crawl_admin(page, base, username))
        context.close()

    with capsys.disabled():
        print(
            f"\nseeded in {seeded - started:.0f}s, crawled in {time.monotonic() - seeded:.0f}s\n"
            + report(crawls)
        )
    problems = [problem for result in crawls for problem in result.problems]
    assert not problems, f"{len(problems)} problems:\n" + "\n".join(problems)

    visitor, learner, academy_admin, night_school_admin = crawls
    assert not VISITOR_KINDS - set(visitor.kinds()), "never reached as a visitor"
    assert not LEARNER_KINDS - set(learner.kinds()), "never reached as the learner"
    admin_views = {
        "learning_admin:ledger",
        "learning_admin:certificates",
        "courses_admin:queue",
        "courses_admin:import",
        "videos:index",
    }
    assert admin_views <= set(academy_admin.kinds()), admin_views - set(academy_admin.kinds())
    assert "nightschool_admin:calendar" in night_school_admin.kinds()


def test_the_server_error_page_is_chinese_and_fits_a_phone(rf):
    """It cannot be crawled to: rendered as Django renders it, without a context."""
    response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="zh-CN">' in html and 'name="viewport"' in html
    assert html.count("<h1>") == 1 and "出错了" in html
