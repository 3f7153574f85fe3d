/* Full-text search of the edition: Ctrl-F over the whole corpus, either script, from file:// too.
   The index is sharded (see build_tools/search.py): a small manifest (assets/search-index.js),
   n-gram shards of the canonical text shared by both scripts, and chunks of each script's text
   for the results drawn; every part is a script loaded on demand (a fetch fails from file://).
   Matching is an exact substring test on the canonical text with the query folded to
   simplified characters, done by chaining the positions of the query's character pairs. */
(function () {
  "use strict";
  var config = document.getElementById("__config");
  var base = config ? JSON.parse(config.textContent).base : ".";
  var root = base.replace(/\/?$/, "/");
  var index = null, foldTable = null, waiting = [], unitPage = [], unitKind = [];
  var parts = {}, loading = {}, postingsOf = {}, loaded = [];
  var DIGITS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_", digitOf = {};
  for (var d = 0; d < DIGITS.length; d++) digitOf[DIGITS[d]] = d;

  window.EDITION_SEARCH_PART = function (name, data) { parts[name] = data; };

  function ready(callback) {
    if (index) return callback();
    waiting.push(callback);
    if (waiting.length > 1) return;
    var script = document.createElement("script");
    script.src = root + "assets/search-index.js";
    script.onload = function () {
      prepare(window.EDITION_SEARCH);
      waiting.splice(0).forEach(function (cb) { cb(); });
    };
    loaded.push(script.src);
    document.head.appendChild(script);
  }

  /* Unit number -> page and kind: titles and headings of every page, then its texts and notes. */
  function prepare(manifest) {
    foldTable = {};
    for (var i = 0; i < manifest.fold.length; i += 2) foldTable[manifest.fold[i]] = manifest.fold[i + 1];
    manifest.pages.forEach(function (p) {
      if (p[0].indexOf("/") < 0) p[0] = "texts/" + p[0] + "/index.html";
    });
    manifest.pages.forEach(function (p, n) {
      for (var k = 0; k < p[2].length; k++) { unitPage.push(n); unitKind.push(p[2][k] === "t" ? "title" : "heading"); }
    });
    manifest.pages.forEach(function (p, n) {
      for (var k = 0; k < p[3]; k++) { unitPage.push(n); unitKind.push(p[5] ? "glossary" : "text"); }
      for (k = 0; k < p[4]; k++) { unitPage.push(n); unitKind.push("note"); }
    });
    index = manifest;
  }

  function part(dir, name) {
    if (parts[name]) return Promise.resolve(parts[name]);
    if (!loading[name]) {
      loading[name] = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root + dir + name + ".js";
        script.onload = function () { resolve(parts[name]); };
        script.onerror = function () { delete loading[name]; reject(new Error("missing " + script.src)); };
        loaded.push(script.src);
        document.head.appendChild(script);
      });
    }
    return loading[name];
  }

  function shardOf(term) {  /* same arithmetic as shard_of() in build_tools/search.py */
    var h = 0;
    for (var i = 0; i < term.length; i++) h = (h * 31 + term.charCodeAt(i)) % 1000003;
    return h % index.shards;
  }

  /* A term's postings: [{unit, count, places}] in unit order; a single character keeps only
     its first place, a pair every place. */
  function postings(term) {
    if (postingsOf[term]) return Promise.resolve(postingsOf[term]);
    return part(index.shared, "t" + shardOf(term)).then(function (shard) {
      var text = shard[term] || "", numbers = [], value = 0, rows = [], unit = -1;
      for (var i = 0; i < text.length; i++) {
        var digit = digitOf[text[i]];
        if (digit >= 32) { value = value * 32 + digit - 32; } else { numbers.push(value * 32 + digit); value = 0; }
      }
      for (var at = 0; at < numbers.length;) {
        unit += numbers[at] + 1;
        var count = numbers[at + 1], places = [numbers[at + 2]];
        if (term.length > 1) for (var k = 1; k < count; k++) places.push(places[k - 1] + numbers[at + 2 + k]);
        rows.push({ unit: unit, count: count, places: places });
        at += term.length > 1 ? 2 + count : 3;
      }
      return (postingsOf[term] = rows);
    });
  }

  /* Units holding q (n >= 2): the pairs at offsets 0, 2, 4, … and n-2 all in place. */
  function chain(q, offsets, lists) {
    var shortest = lists.reduce(function (a, b) { return a.length <= b.length ? a : b; });
    var cursor = lists.map(function () { return 0; }), found = [];
    shortest.forEach(function (row) {
      var rows = [];
      for (var j = 0; j < lists.length; j++) {
        var list = lists[j];
        while (cursor[j] < list.length && list[cursor[j]].unit < row.unit) cursor[j]++;
        if (cursor[j] === list.length || list[cursor[j]].unit !== row.unit) return;
        rows.push(list[cursor[j]]);
      }
      var sets = rows.map(function (r) { return new Set(r.places); }), count = 0, first = -1, next = 0;
      rows[0].places.forEach(function (p) {
        for (var j = 1; j < rows.length; j++) if (!sets[j].has(p + offsets[j])) return;
        if (p < next) return;  // occurrences counted without overlap, as indexOf would
        if (first < 0) first = p;
        count++;
        next = p + q.length;
      });
      if (count) found.push({ unit: row.unit, count: count, pos: first });
    });
    return found;
  }

  /* Every unit containing the query, best first: title/heading hits, then frequency. Resolves
     with all hits; the first `limit` (all by default) carry their anchor and shown text. */
  function search(query, limit) {
    return new Promise(function (resolve, reject) {
      ready(function () {
        var q = fold(query.replace(/^\s+|\s+$/g, ""));
        if (!q) return resolve([]);
        var offsets = [0];
        for (var i = 2; i < q.length - 1; i += 2) offsets.push(i);
        if (q.length > 2 && offsets[offsets.length - 1] !== q.length - 2) offsets.push(q.length - 2);
        var terms = q.length === 1 ? [q] : offsets.map(function (at) { return q.substr(at, 2); });
        Promise.all(terms.map(postings)).then(function (lists) {
          var found = q.length === 1 ? lists[0].map(function (r) { return { unit: r.unit, count: r.count, pos: r.places[0] }; })
            : chain(q, offsets, lists);
          var hits = found.map(function (f) {
            var page = index.pages[unitPage[f.unit]];
            return { url: page[0], page: page[1], anchor: null, kind: unitKind[f.unit], pos: f.pos, length: q.length,
                     count: f.count, order: f.unit, shown: null };
          });
          var headingFirst = function (h) { return h.kind === "title" || h.kind === "heading" ? 0 : 1; };
          hits.sort(function (a, b) {
            return headingFirst(a) - headingFirst(b) || b.count - a.count || a.order - b.order;
          });
          return load(hits.slice(0, limit === undefined ? hits.length : limit)).then(function () { resolve(hits); });
        }).catch(reject);
      });
    });
  }

  /* Fill in anchor and shown text of these hits from their script's text chunks. */
  function load(hits) {
    var names = {};
    hits.forEach(function (h) { names["u" + Math.floor(h.order / index.chunk)] = true; });
    return Promise.all(Object.keys(names).map(function (name) { return part(index.own, name); })).then(function () {
      hits.forEach(function (h) {
        var unit = parts["u" + Math.floor(h.order / index.chunk)][h.order % index.chunk];
        h.anchor = unit[0];
        h.shown = unit[1];
      });
      return hits;
    });
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

  function snippet(hit) {
    var from = Math.max(0, hit.pos - 30), to = Math.min(hit.shown.length, hit.pos + hit.length + 30);
    return (from > 0 ? "…" : "") + escapeHtml(hit.shown.slice(from, hit.pos)) +
      "<mark>" + escapeHtml(hit.shown.slice(hit.pos, hit.pos + hit.length)) + "</mark>" +
      escapeHtml(hit.shown.slice(hit.pos + hit.length, to)) + (to < hit.shown.length ? "…" : "");
  }

  function hitLink(hit, query) {
    return root + hit.url + "?q=" + encodeURIComponent(query) + "#" + hit.anchor;
  }

  var RESULTS_PER_BATCH = 50;  // an archive-wide query can hit tens of thousands of paragraphs
  var GROUPS_PER_BATCH = 50;  // ... on thousands of pages
  var KINDS = [["text", ["text"]], ["title", ["title", "heading"]], ["glossary", ["glossary"]], ["note", ["note"]]];

  /* "{q}" and "{n}" filled in one pass: a query such as $' or {n} stays as typed. */
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? String(values[key]) : whole; });
  }

  function resultItem(hit, query) {
    return "<li data-anchor=\"" + escapeHtml(hit.url + "#" + hit.anchor) + "\"><a href=\"" + escapeHtml(hitLink(hit, query)) +
      "\">" + escapeHtml(anchorLabel(hit.kind, hit.anchor)) + "</a>" +  // the page is the group's heading
      (hit.count > 1 ? " <span class=\"search-times\">×" + hit.count + "</span>" : "") +
      "<div class=\"search-snippet\">" + snippet(hit) + "</div></li>";
  }

  /* Hits by page, pages in the order of their best hit. */
  function byPage(hits) {
    var groups = [], of = {};
    hits.forEach(function (hit) {
      if (!of[hit.url]) groups.push(of[hit.url] = { url: hit.url, page: hit.page, hits: [] });
      of[hit.url].hits.push(hit);
    });
    return groups;
  }

  /* One collapsible group per page; its hits are read and drawn when it opens, 50 at a time. */
  function groupElement(group, query, L, open) {
    var details = document.createElement("details"), shown = 0;
    details.className = "search-group";
    details.innerHTML = "<summary><span class=\"search-page\">" + escapeHtml(group.page) + "</span> <span class=\"search-n\">" +
      format(L.inPage, { n: group.hits.length }) + "</span></summary><ol class=\"search-results\"></ol>";
    var list = details.querySelector("ol");
    function more() {
      var batch = group.hits.slice(shown, shown + RESULTS_PER_BATCH);
      return load(batch).then(function () {
        list.insertAdjacentHTML("beforeend", batch.map(function (hit) { return resultItem(hit, query); }).join(""));
        shown += batch.length;
        var button = details.querySelector(".search-more");
        if (button) button.remove();
        if (shown >= group.hits.length) return;
        button = document.createElement("button");
        button.type = "button";
        button.className = "search-more md-button";
        button.textContent = format(L.more, { n: group.hits.length - shown });
        button.addEventListener("click", more);
        details.appendChild(button);
      });
    }
    var first = null;  // the first batch, drawn once however often the group is opened
    function opened() { return first || (first = more()); }
    details.addEventListener("toggle", function () { if (details.open) opened(); });
    details.open = open;
    return { element: details, ready: open ? opened() : Promise.resolve() };
  }

  function kindFilter(hits, L, choose) {
    var bar = document.createElement("div");
    bar.className = "search-kinds";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", L.kinds);
    var choices = [["", hits.length]].concat(KINDS.map(function (k) {
      return [k[0], hits.filter(function (h) { return k[1].indexOf(h.kind) >= 0; }).length];
    }).filter(function (c) { return c[1] > 0; }));
    choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.kind = choice[0];
      button.setAttribute("aria-pressed", String(choice[0] === ""));
      button.innerHTML = escapeHtml(choice[0] ? L["kind_" + choice[0]] : L.all) + " <span class=\"search-n\">" + choice[1] + "</span>";
      button.addEventListener("click", function () {
        bar.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        choose(choice[0]);
      });
      bar.appendChild(button);
    });
    return bar;
  }

  /* The results area keeps its place (min-height in theme.css, the count line already in
     search.md): what arrives fills it without moving the page. */
  function renderResults(container, query) {
    var started = performance.now();
    var count = container.querySelector(".search-count") || container.appendChild(document.createElement("p"));
    count.className = "search-count";
    count.setAttribute("role", "status");  // announced when the count arrives, not the whole list
    if (!query.replace(/\s+/g, "")) { count.textContent = ""; return; }
    search(query, 0).then(function (hits) {
      var L = index.labels, groupsBox = document.createElement("div");
      groupsBox.className = "search-groups";
      function draw(kind) {
        var members = KINDS.filter(function (k) { return k[0] === kind; })[0];
        var chosen = members ? hits.filter(function (h) { return members[1].indexOf(h.kind) >= 0; }) : hits;
        var groups = byPage(chosen), budget = RESULTS_PER_BATCH;
        var made = groups.slice(0, GROUPS_PER_BATCH).map(function (group, n) {
          var open = n === 0 || budget > 0;  // open the first pages, about one batch of hits
          if (open) budget -= group.hits.length;
          return groupElement(group, query, L, open);
        });
        return Promise.all(made.map(function (m) { return m.ready; })).then(function () {  // drawn at once: nothing moves
          groupsBox.replaceChildren.apply(groupsBox, made.map(function (m) { return m.element; }));
          morePages(groups, made.length);
        });
      }
      /* An archive-wide query can hit thousands of pages: their groups are made a batch at a time. */
      function morePages(groups, drawn) {
        if (drawn >= groups.length) return;
        var button = document.createElement("button");
        button.type = "button";
        button.className = "search-more-pages md-button";
        var left = groups.length - drawn;
        button.dataset.left = String(left);
        button.textContent = format(left > GROUPS_PER_BATCH ? L.morePages : L.restPages, { n: GROUPS_PER_BATCH, m: left });
        button.addEventListener("click", function () {
          var next = groups.slice(drawn, drawn + GROUPS_PER_BATCH).map(function (group) {
            return groupElement(group, query, L, false).element;
          });
          button.replaceWith.apply(button, next);
          morePages(groups, drawn + next.length);
        });
        groupsBox.appendChild(button);
      }
      draw("").then(function () {
        count.textContent = format(L.found, { q: query, n: hits.length, m: byPage(hits).length });
        container.replaceChildren(count);
        if (hits.length) container.append(kindFilter(hits, L, draw), groupsBox);
        document.body.dataset.searchMs = (performance.now() - started).toFixed(1);
        document.body.dataset.searchHits = String(hits.length);
      });
    });
  }

  /* An id from the address's #fragment, or null when it is not valid percent-encoding. */
  function fragmentId() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return null;
    }
  }

  /* Mark the query where a search result led the reader (text nodes of the target only). */
  function highlightTarget(query) {
    ready(function () {
      var q = fold(query);
      var target = (location.hash && document.getElementById(fragmentId())) ||
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

  /* The header box is in the page (overrides/partials/alternate.html); this keeps ?q= working
     from file:// too and starts reading the index when the reader begins to type. */
  function wireHeaderBox() {
    var form = document.querySelector(".md-header .edition-search");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      location.href = form.action + "?q=" + encodeURIComponent(form.q.value);
    });
    form.q.addEventListener("focus", function () { ready(function () {}); }, { once: true });
  }

  var query = new URLSearchParams(location.search).get("q") || "";
  wireHeaderBox();
  var results = document.getElementById("edition-search-results");
  if (results) {
    var box = document.querySelector(".edition-search input");
    if (box) box.value = query;
    renderResults(results, query);
  } else if (query) {
    highlightTarget(query);
  }
  window.editionSearch = { ready: ready, search: search, load: load, loaded: loaded };
})();
