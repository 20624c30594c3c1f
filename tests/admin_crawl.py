"""Crawling the admin as one user and finding English in what it shows."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urljoin, urlparse

# Words allowed in an otherwise Chinese admin: names of things, formats and units.
ALLOWED_WORDS = {
    "wagtail", "excel", "xlsx", "csv", "pdf", "html", "url", "api", "qr", "hls", "ffmpeg",
    "mp4", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "heic", "ico", "zip", "docx",
    "doc", "xls", "ppt", "pptx", "txt", "kb", "mb", "gb", "px", "utc", "gmt", "wechat",
    "ctrl", "alt", "shift", "esc", "cmd", "english", "rtmp", "srt", "webvtt", "zh-hans",
}  # fmt: skip
# An English word: not a code or an account name (JL2026-GJTC5WHD, new_energy_admin).
WORD = re.compile(r"(?<![A-Za-z0-9_-])[A-Za-z][A-Za-z'’-]{2,}(?![A-Za-z0-9_])")
ATTRIBUTES = (
    "title",
    "aria-label",
    "placeholder",
    "alt",
    "aria-description",
    "data-w-tooltip-content-value",
)
SKIPPED_TAGS = {"script", "style", "code", "pre", "svg", "noscript"}
VOID_TAGS = {"input", "br", "img", "hr", "meta", "link", "source", "track", "wbr", "col"}
# Addresses and file names are content: lesson.mp4, http://domain.com/work/
URL = re.compile(r"https?://\S+|\b[\w.-]+\.(com|cn|org)\S*|[\w.-]+\.[A-Za-z0-9]{2,4}\b")
# Time zones (Asia/Shanghai …) are names, listed in the account settings.
TIME_ZONE = re.compile(r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)+$|^(UTC|GMT)([+-]\d+)?$")
# Sorting and paging show the same page again.
SAME_PAGE_PARAMETERS = {"ordering", "p", "next", "order", "status"}


def menu_urls(user) -> list[str]:
    """The admin menu's links for the user (the sidebar is drawn by script, not links)."""
    from django.test import RequestFactory
    from wagtail.admin.menu import admin_menu

    request = RequestFactory().get("/admin/")
    request.user = user
    urls, items = [], list(admin_menu.menu_items_for_request(request))
    while items:
        item = items.pop()
        if hasattr(item, "menu"):
            items += item.menu.menu_items_for_request(request)
        elif getattr(item, "url", None):
            urls.append(item.url)
    return urls


class _Page(HTMLParser):
    """The texts a page shows (and its links). Scripts, styles, code and hidden elements
    are left out: a hidden element until the end tag that closes it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self.hidden_tag = None
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if self.hidden_tag is not None:
            self.depth += tag == self.hidden_tag
            return
        # The account settings' time-zone list: names, not interface text; Wagtail leaves
        # "None" in a hidden counter.
        if (
            tag in SKIPPED_TAGS
            or "hidden" in attrs
            or (tag == "select" and "time_zone" in attrs.get("name", ""))
        ):
            if tag not in VOID_TAGS:
                self.hidden_tag, self.depth = tag, 1
            return
        for name in ATTRIBUTES:
            if attrs.get(name):
                self.texts.append(attrs[name])
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.texts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag == self.hidden_tag:
            self.depth -= 1
            if self.depth == 0:
                self.hidden_tag = None

    def handle_data(self, data):
        if self.hidden_tag is None and data.strip():
            self.texts.append(data.strip())


def english_in(texts, allowed: set[str]) -> list[str]:
    found = []
    for text in texts:
        if TIME_ZONE.match(text):
            continue
        words = [
            w for w in WORD.findall(URL.sub(" ", text)) if w.lower().strip("'’-") not in allowed
        ]
        if words:
            found.append(text[:120])
    return found


def crawl(client, starts: list[str], *, skip, allowed: set[str], limit: int = 600):
    """Every admin page reachable from `starts` by links, and the English in each:
    {url: [texts]}. `skip(path)` leaves out pages not to open (log-out, downloads)."""
    seen, queue, findings = set(starts), deque(starts), {}
    while queue and len(seen) <= limit:
        url = queue.popleft()
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        english = english_in(page.texts, ALLOWED_WORDS | allowed)
        if english:
            findings[url] = english
        for href in page.links:
            target, _fragment = urldefrag(urljoin(url, href))
            parsed = urlparse(target)
            if parsed.netloc or not parsed.path.startswith("/admin/") or skip(parsed.path):
                continue
            query = urlencode(
                [(k, v) for k, v in parse_qsl(parsed.query) if k not in SAME_PAGE_PARAMETERS]
            )
            target = parsed.path + (f"?{query}" if query else "")
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return findings, seen
