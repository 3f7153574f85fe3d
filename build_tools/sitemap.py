"""After MkDocs: a variant's sitemap past the protocol's limits, split. A sitemap file holds at
most 50,000 URLs and 50 MB (https://www.sitemaps.org/protocol.html); an archive's script with
more pages gets sitemap-<k>.xml parts and a sitemap.xml that is their index, so that the address
search engines are given stays the same. About 49,000 texts reach the limit."""

from __future__ import annotations

import re
from xml.sax.saxutils import escape

MAX_URLS, MAX_BYTES = 50_000, 50_000_000
URL_ENTRY = re.compile(r"[ \t]*<url>.*?</url>", re.S)


def split_sitemap(xml: str, base_url: str, max_urls: int = MAX_URLS, max_bytes: int = MAX_BYTES) -> dict[str, str]:
    """The files replacing MkDocs' sitemap.xml (a <urlset> of <url> entries, base_url the
    variant's address) when it is past a limit, else none: parts of whole entries in their
    order, each under both limits, with the urlset's own namespaces, then the index."""
    if xml.count("<url>") <= max_urls and len(xml.encode()) <= max_bytes:
        return {}
    head = xml[:xml.index(">", xml.index("<urlset")) + 1] + "\n"
    tail = "\n</urlset>\n"
    empty = len(head.encode()) + len(tail.encode())
    parts: list[list[str]] = [[]]
    size = empty
    for entry in URL_ENTRY.findall(xml):
        cost = len(entry.encode()) + 1  # with its line break
        if parts[-1] and (len(parts[-1]) == max_urls or size + cost > max_bytes):
            parts.append([])
            size = empty
        parts[-1].append(entry)
        size += cost
    files = {f"sitemap-{k}.xml": head + "\n".join(part) + tail for k, part in enumerate(parts, 1)}
    files["sitemap.xml"] = "\n".join(
        ['<?xml version="1.0" encoding="UTF-8"?>', '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
         *(f"    <sitemap><loc>{escape(base_url + name)}</loc></sitemap>" for name in files), "</sitemapindex>", ""])
    return files
