"""Splitting a sitemap past the protocol's limits (sitemap.py); the built site's case is in test_site."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from build_tools.sitemap import split_sitemap

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:xhtml="http://www.w3.org/1999/xhtml">')


def urlset(count: int) -> str:
    entries = "".join(f'\n    <url>\n         <loc>https://example.org/e/p{k}.html</loc>\n'
                      f'         <xhtml:link rel="alternate" hreflang="zh-Hant" href="https://example.org/e/zh-Hant/p{k}.html"/>\n'
                      f'    </url>' for k in range(count))
    return f"{HEAD}{entries}\n</urlset>\n"


def locs(xml: str, path: str) -> list[str]:
    return [e.text for e in ET.fromstring(xml.encode()).findall(path, NS)]


def test_a_sitemap_within_the_limits_stays_as_it_is():
    assert split_sitemap(urlset(5), "https://example.org/e/", max_urls=5) == {}


def test_past_the_url_limit_the_parts_hold_every_entry_in_order_under_an_index():
    xml = urlset(11)
    files = split_sitemap(xml, "https://example.org/e/?a=1&b=2/", max_urls=4)
    assert list(files) == ["sitemap-1.xml", "sitemap-2.xml", "sitemap-3.xml", "sitemap.xml"]
    assert locs(files["sitemap.xml"], "s:sitemap/s:loc") == [f"https://example.org/e/?a=1&b=2/sitemap-{k}.xml" for k in (1, 2, 3)]
    parts = [locs(files[f"sitemap-{k}.xml"], "s:url/s:loc") for k in (1, 2, 3)]
    assert [len(p) for p in parts] == [4, 4, 3]
    assert sum(parts, []) == locs(xml, "s:url/s:loc")
    alternates = ET.fromstring(files["sitemap-3.xml"].encode()).findall("s:url/{http://www.w3.org/1999/xhtml}link", NS)
    assert [a.get("href") for a in alternates][-1] == "https://example.org/e/zh-Hant/p10.html"


def test_past_the_byte_limit_each_part_stays_under_it():
    xml = urlset(10)
    limit = len(xml.encode()) // 3
    files = split_sitemap(xml, "https://example.org/e/", max_bytes=limit)
    parts = [text for name, text in files.items() if name != "sitemap.xml"]
    assert len(parts) >= 3 and all(len(text.encode()) <= limit for text in parts)
    assert sum((locs(text, "s:url/s:loc") for text in parts), []) == locs(xml, "s:url/s:loc")
