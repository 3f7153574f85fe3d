/* Full-text search of the edition: Ctrl-F over the whole corpus, either script, from file:// too.
   The index (assets/search-index.js) is a script loaded on demand; matching is an exact
   substring test on the canonical text with the query folded to simplified characters. */
(function () {
  "use strict";
  var config = document.getElementById("__config");
  var base = config ? JSON.parse(config.textContent).base : ".";
  var root = base.replace(/\/?$/, "/");
  var index = null, foldTable = null, waiting = [];

  function ready(callback) {
    if (index) return callback();
    waiting.push(callback);
    if (waiting.length > 1) return;
    var script = document.createElement("script");
    script.src = root + "assets/search-index.js";
    script.onload = function () {
      index = window.EDITION_SEARCH;
      foldTable = {};
      for (var i = 0; i < index.fold.length; i += 2) foldTable[index.fold[i]] = index.fold[i + 1];
      waiting.splice(0).forEach(function (cb) { cb(); });
    };
    document.head.appendChild(script);
  }

  function fold(text) {
    var out = "";
    for (var i = 0; i < text.length; i++) out += foldTable[text[i]] || text[i];
    return out;
  }

  function escapeHtml(text) {
    return text.replace(/[&<>"]/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c]; });
  }

  function anchorLabel(kind, anchor) {
    var L = index.labels;
    if (kind === "note") return L.note;
    if (kind === "glossary") return L.glossary;
    if (anchor === "top") return L.title;
    return (anchor[0] === "s" ? "§" : "¶") + anchor.slice(1);
  }

  /* Every unit containing the query, best first: title/heading hits, then frequency. */
  function search(query) {
    var q = fold(query.replace(/^\s+|\s+$/g, ""));
    if (!q) return [];
    var hits = [];
    index.units.forEach(function (unit, order) {
      var text = unit[3], pos = text.indexOf(q);
      if (pos < 0) return;
      var count = 0;
      for (var at = pos; at >= 0; at = text.indexOf(q, at + q.length)) count++;
      var page = index.pages[unit[0]];
      hits.push({ url: page[0], page: page[1], anchor: unit[1], kind: unit[2], pos: pos, length: q.length,
                  count: count, order: order, shown: unit[4] || text });
    });
    var headingFirst = function (h) { return h.kind === "title" || h.kind === "heading" ? 0 : 1; };
    hits.sort(function (a, b) {
      return headingFirst(a) - headingFirst(b) || b.count - a.count || a.order - b.order;
    });
    return hits;
  }

  function snippet(hit) {
    var from = Math.max(0, hit.pos - 30), to = Math.min(hit.shown.length, hit.pos + hit.length + 30);
    return (from > 0 ? "…" : "") + escapeHtml(hit.shown.slice(from, hit.pos)) +
      "<mark>" + escapeHtml(hit.shown.slice(hit.pos, hit.pos + hit.length)) + "</mark>" +
      escapeHtml(hit.shown.slice(hit.pos + hit.length, to)) + (to < hit.shown.length ? "…" : "");
  }

  function hitLink(hit, query) {
    return root + hit.url + "?q=" + encodeURIComponent(query) + "#" + hit.anchor;
  }

  function renderResults(container, query) {
    var started = performance.now();
    ready(function () {
      var hits = search(query), L = index.labels;
      var html = "<p class=\"search-count\">" + escapeHtml(L.found.replace("{q}", query).replace("{n}", hits.length)) + "</p>";
      html += "<ol class=\"search-results\">" + hits.map(function (hit) {
        return "<li data-anchor=\"" + escapeHtml(hit.url + "#" + hit.anchor) + "\"><a href=\"" + escapeHtml(hitLink(hit, query)) +
          "\">" + escapeHtml(hit.page) + " " + escapeHtml(anchorLabel(hit.kind, hit.anchor)) + "</a>" +
          (hit.count > 1 ? " <span class=\"search-times\">×" + hit.count + "</span>" : "") +
          "<div class=\"search-snippet\">" + snippet(hit) + "</div></li>";
      }).join("") + "</ol>";
      container.innerHTML = html;
      document.body.dataset.searchMs = (performance.now() - started).toFixed(1);
      document.body.dataset.searchHits = String(hits.length);
    });
  }

  /* Mark the query where a search result led the reader (text nodes of the target only). */
  function highlightTarget(query) {
    ready(function () {
      var q = fold(query);
      var target = (location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1)))) ||
        document.querySelector("article");
      if (!q || !target) return;
      var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT), nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        var folded = fold(node.nodeValue), at = folded.indexOf(q);
        while (at >= 0) {
          var hit = node.splitText(at), rest = hit.splitText(q.length), mark = document.createElement("mark");
          mark.className = "search-hit";
          hit.parentNode.replaceChild(mark, hit);
          mark.appendChild(hit);
          node = rest;
          folded = fold(node.nodeValue);
          at = folded.indexOf(q);
        }
      });
    });
  }

  function addHeaderBox() {
    var header = document.querySelector(".md-header__inner");
    if (!header || document.querySelector(".edition-search")) return;
    var hant = /Hant|TW|HK/i.test(document.documentElement.lang);
    var form = document.createElement("form");
    form.className = "edition-search";
    form.setAttribute("role", "search");
    form.action = root + "search.html";
    form.innerHTML = "<input type=\"search\" name=\"q\" autocomplete=\"off\" aria-label=\"" +
      (hant ? "全文檢索" : "全文检索") + "\" placeholder=\"" + (hant ? "全文檢索" : "全文检索") + "\">";
    form.addEventListener("submit", function (event) {  // keep ?q= working from file:// too
      event.preventDefault();
      location.href = form.action + "?q=" + encodeURIComponent(form.q.value);
    });
    form.q.addEventListener("focus", function () { ready(function () {}); }, { once: true });
    var option = header.querySelector(".md-header__option");
    header.insertBefore(form, option || null);
  }

  var query = new URLSearchParams(location.search).get("q") || "";
  addHeaderBox();
  var results = document.getElementById("edition-search-results");
  if (results) {
    var box = document.querySelector(".edition-search input");
    if (box) box.value = query;
    renderResults(results, query);
  } else if (query) {
    highlightTarget(query);
  }
  window.editionSearch = { ready: ready, search: function (q) { return search(q); } };
})();
