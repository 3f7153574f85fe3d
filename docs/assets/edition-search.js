/* Full-text search of the edition: Ctrl-F over the whole corpus, either script, from file:// too.
   The index is sharded (see build_tools/search.py): a small manifest (assets/search-index.js),
   n-gram shards and chunks of the canonical text shared by both scripts (a derived script's text
   as small patches on them) for the results drawn; every part is a script loaded on demand (a fetch fails from file://).
   Matching is an exact substring test on the canonical text with the query folded to
   simplified characters, done by chaining the positions of the query's character pairs. */
(function () {
  "use strict";
  var config = document.querySelector('script#__config[type="application/json"]');  // the theme's own, never a page's element
  var base = config ? JSON.parse(config.textContent).base : ".";
  var root = base.replace(/\/?$/, "/");
  var index = null, foldTable = null, unfoldTable = null, waiting = [];
  var parts = {}, loading = {}, loaded = [], digitOf = {};

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

  var KIND_OF = { t: "title", h: "heading", p: "text", n: "note", g: "glossary" };

  /* Unit number -> page number and kind, from each page's run-length layout ("tp12hp8n3", the
     pages' layouts spaced in one string); units are numbered in reading order, so a page's units
     are consecutive and pageEnd[n] is one past its last. A page's kinds are spelled out only when
     one of its units is hit. */
  var pageEnd = [], glossaryEnd = 0, unitCount = 0, kindsOf = {}, layouts = [];
  /* each(letter, length) for every run of a layout, endOfPage() after each page of a spaced list
     of them: one pass over the characters (a regular expression per page took 10 ms at 10,000). */
  function runs(text, each, endOfPage) {
    var letter = null, run = 0;
    for (var i = 0; i <= text.length; i++) {
      var code = i < text.length ? text.charCodeAt(i) : 32;
      if (code >= 48 && code <= 57) { run = run * 10 + code - 48; continue; }
      if (letter) each(letter, run || 1);
      letter = code === 32 ? null : text[i];
      run = 0;
      if (!letter && endOfPage) endOfPage();
    }
  }
  function prepare(manifest) {
    foldTable = {};
    for (var i = 0; i < manifest.fold.length; i += 2) foldTable[manifest.fold[i]] = manifest.fold[i + 1];
    for (i = 0; i < manifest.digits.length; i++) digitOf[manifest.digits[i]] = i;
    if (manifest.unfold !== undefined) {  // a derived script: its text is a patch on the canonical text
      unfoldTable = {};
      for (i = 0; i < manifest.unfold.length; i += 2) unfoldTable[manifest.unfold[i]] = manifest.unfold[i + 1];
    }
    layouts = manifest.pages ? manifest.pages.split(" ") : [];
    var runsInPage = 0, glossaryEntry = false;  // a glossary entry's page: the one unit "g"
    if (manifest.pages) runs(manifest.pages, function (letter, length) {
      unitCount += length;
      glossaryEntry = !runsInPage++ && letter === "g" && length === 1;
    }, function () {
      pageEnd.push(unitCount);
      if (glossaryEntry && runsInPage === 1) glossaryEnd = unitCount;
      runsInPage = 0;
    });
    index = manifest;
  }

  function pageOf(unit) {  // the first page ending past the unit
    var low = 0, high = pageEnd.length - 1;
    while (low < high) {
      var middle = (low + high) >> 1;
      if (pageEnd[middle] > unit) high = middle; else low = middle + 1;
    }
    return low;
  }

  function kindOf(unit, page) {
    var kinds = kindsOf[page];
    if (!kinds) {
      kinds = kindsOf[page] = [];
      runs(layouts[page], function (letter, length) {
        for (var k = 0; k < length; k++) kinds.push(KIND_OF[letter]);
      });
    }
    return kinds[unit - (page ? pageEnd[page - 1] : 0)];
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

  /* A term's postings, window by window: get(w) is its encoded postings in window w ("" when it
     has none), once ready(w); load(w) reads the part file holding window w of a frequent term. */
  function postingsReader(term) {
    return part(index.shared, "t" + shardOf(term)).then(function (shard) {
      var entry = shard[term] || [];
      var pieces = Array.isArray(entry) ? [{ from: 0, data: entry }]
        : entry.parts.map(function (p) { return { from: p[0], name: p[1], data: null }; });
      var byWindow = {};
      function piece(w) {
        for (var k = pieces.length - 1; k >= 0; k--) if (pieces[k].from <= w) return pieces[k];
        return null;
      }
      function take(p) {
        for (var i = 0; i < p.data.length; i += 2) byWindow[p.data[i]] = p.data[i + 1];
        p.taken = true;
      }
      pieces.forEach(function (p) { if (p.data) take(p); });
      return {
        ready: function (w) { var p = piece(w); return !p || p.taken; },
        load: function (w) {
          var p = piece(w);
          return part(index.shared, p.name).then(function (data) { p.data = data; if (!p.taken) take(p); });
        },
        get: function (w) { return byWindow[w] || ""; }
      };
    });
  }

  function decode(text) {  /* the inverse of encode() in build_tools/search.py */
    var numbers = [], value = 0, base = index.base, lead = index.digits.length - base;
    for (var i = 0; i < text.length; i++) {
      var digit = digitOf[text[i]];
      if (digit >= base) { value = value * lead + digit - base; } else { numbers.push(value * base + digit); value = 0; }
    }
    return numbers;
  }

  /* One window's postings of a term: [{unit, count, places}] in unit order; a single character
     keeps only its first place, a pair every place. Each unit's first number holds its step from
     the term's previous unit and, when small, its count (head() in build_tools/search.py). */
  function rows(term, encoded, first) {
    var numbers = decode(encoded), out = [], unit = first - 1, counts = index.counts;
    for (var at = 0; at < numbers.length;) {
      var head = numbers[at++], small = head % counts;
      unit += (head - small) / counts + 1;
      var count = small < counts - 1 ? small + 1 : numbers[at++], places = [numbers[at++]];
      if (term.length > 1) for (var k = 1; k < count; k++) places.push(places[k - 1] + numbers[at++]);
      out.push({ unit: unit, count: count, places: places });
    }
    return out;
  }

  /* Units holding q (n >= 2): the pairs at offsets 0, 2, 4, … and n-2 all in place. Places are
     ascending, so each list is walked once per unit. */
  function chain(q, offsets, lists) {
    var shortest = lists.reduce(function (a, b) { return a.length <= b.length ? a : b; });
    var cursor = lists.map(function () { return 0; }), found = [];
    shortest.forEach(function (row) {
      var rowsHere = [];
      for (var j = 0; j < lists.length; j++) {
        var list = lists[j];
        while (cursor[j] < list.length && list[cursor[j]].unit < row.unit) cursor[j]++;
        if (cursor[j] === list.length || list[cursor[j]].unit !== row.unit) return;
        rowsHere.push(list[cursor[j]]);
      }
      var at = rowsHere.map(function () { return 0; }), count = 0, first = -1, next = 0;
      rowsHere[0].places.forEach(function (p) {
        for (var j = 1; j < rowsHere.length; j++) {
          var places = rowsHere[j].places, want = p + offsets[j];
          while (at[j] < places.length && places[at[j]] < want) at[j]++;
          if (places[at[j]] !== want) return;
        }
        if (p < next) return;  // occurrences counted without overlap, as indexOf would
        if (first < 0) first = p;
        count++;
        next = p + q.length;
      });
      if (count) found.push({ unit: row.unit, count: count, pos: first });
    });
    return found;
  }

  /* Reads the archive for q window by window, in reading order, calling onWindow(hits, upTo)
     after each window (units below upTo are then all read); resolves when done. When onWindow
     returns a promise, reading waits for it. */
  function scan(query, onWindow) {
    return new Promise(function (resolve, reject) {
      ready(function () {
        var plans = forms(query.replace(/^\s+|\s+$/g, "")).map(function (q) {
          var offsets = [0];
          for (var i = 2; i < q.length - 1; i += 2) offsets.push(i);
          if (q.length > 2 && offsets[offsets.length - 1] !== q.length - 2) offsets.push(q.length - 2);
          return { q: q, offsets: offsets, terms: q.length === 1 ? [q] : offsets.map(function (at) { return q.substr(at, 2); }) };
        });
        if (!plans[0].q) return resolve();
        var terms = plans.reduce(function (all, p) { return all.concat(p.terms.filter(function (t) { return all.indexOf(t) < 0; })); }, []);
        var windows = Math.ceil(unitCount / index.window), length = plans[0].q.length;
        Promise.all(terms.map(postingsReader)).then(function (readers) {
          var readerOf = {};
          terms.forEach(function (t, j) { readerOf[t] = readers[j]; });
          function run(w) {
            for (; w < windows; w++) {
              var waiting = readers.filter(function (r) { return !r.ready(w); });
              if (waiting.length) return Promise.all(waiting.map(function (r) { return r.load(w); })).then(function () { return run(w); });
              var first = w * index.window, byUnit = {};
              plans.forEach(function (p) {  // each form's units, counts added (a place holds one form)
                var encoded = p.terms.map(function (t) { return readerOf[t].get(w); });
                if (encoded.indexOf("") >= 0) return;
                var lists = encoded.map(function (e, j) { return rows(p.terms[j], e, first); });
                var found = p.q.length === 1 ? lists[0].map(function (r) { return { unit: r.unit, count: r.count, pos: r.places[0] }; })
                  : chain(p.q, p.offsets, lists);
                found.forEach(function (f) {
                  var seen = byUnit[f.unit];
                  if (!seen) byUnit[f.unit] = f;
                  else { seen.count += f.count; seen.pos = Math.min(seen.pos, f.pos); }
                });
              });
              var units = Object.keys(byUnit).map(Number).sort(function (a, b) { return a - b; });
              var pause = onWindow(units.map(function (u) { return hit(byUnit[u], length); }), first + index.window);
              if (pause) return pause.then(function () { return run(w + 1); });
            }
          }
          return run(0);
        }).then(resolve, reject);
      });
    });
  }

  /* The canonical strings a query stands for: each character folded, and a character the fold
     changes but the canonical text also holds as itself (index.also: 著, in 显著 and, for 着, in
     traditional 著力) in both forms; past MAX_FORMS strings, such characters only folded. */
  var MAX_FORMS = 8;
  function forms(text) {
    var out = [""];
    for (var i = 0; i < text.length; i++) {
      var c = text[i], folded = foldTable[c] || c;
      var both = folded !== c && index.also.indexOf(c) >= 0 && out.length * 2 <= MAX_FORMS;
      out = both ? out.map(function (s) { return s + folded; }).concat(out.map(function (s) { return s + c; }))
        : out.map(function (s) { return s + folded; });
    }
    return out;
  }

  function hit(found, length) {
    var page = pageOf(found.unit);
    return { pageNo: page, url: null, page: null, anchor: null, kind: kindOf(found.unit, page), pos: found.pos,
             length: length, count: found.count, order: found.unit, shown: null };
  }

  /* Fill in address and title of these hits or groups (with pageNo) from their names files. */
  function name(items) {
    var files = {};
    items.forEach(function (item) { files["n" + Math.floor(item.pageNo / index.names)] = true; });
    return Promise.all(Object.keys(files).map(function (file) { return part(index.own, file); })).then(function () {
      items.forEach(function (item) {
        var entry = parts["n" + Math.floor(item.pageNo / index.names)][item.pageNo % index.names];
        item.url = entry[0].indexOf("/") < 0 ? "texts/" + entry[0] + "/index.html" : entry[0];
        item.page = entry[1];
      });
      return items;
    });
  }

  /* Every unit containing the query, in reading order. Resolves with all hits; the first
     `limit` (all by default) carry their anchor and shown text. */
  function search(query, limit) {
    var hits = [];
    return scan(query, function (found) { hits.push.apply(hits, found); }).then(function () {
      return load(hits.slice(0, limit === undefined ? hits.length : limit));
    }).then(function () { return hits; });
  }

  /* A unit's text in a derived script: the canonical text converted character by character,
     then the places where a word needed another form (the inverse of script_patch() in
     build_tools/search.py: each place's distance from the previous one in index digits, then
     its character). Characters, not UTF-16 units, are counted, as in Python. */
  function patched(text, patch) {
    var chars = Array.from(text, function (c) { return unfoldTable[c] || c; });
    var base = index.base, lead = index.digits.length - base, i = 0, at = 0;
    while (i < patch.length) {
      var n = 0, d = digitOf[patch[i++]];
      while (d >= base) { n = n * lead + d - base; d = digitOf[patch[i++]]; }
      at += n * base + d;
      var code = patch.codePointAt(i);
      chars[at++] = String.fromCodePoint(code);
      i += code > 0xffff ? 2 : 1;
    }
    return chars.join("");
  }

  /* Fill in page, anchor and shown text of these hits from the canonical text chunks (and a
     derived script's patches on them) and their script's names. */
  function load(hits) {
    var chunks = {}, files = [name(hits)];
    hits.forEach(function (h) { chunks[Math.floor(h.order / index.chunk)] = true; });
    Object.keys(chunks).forEach(function (c) {
      files.push(part(index.shared, "u" + c));
      if (unfoldTable) files.push(part(index.own, "v" + c));
    });
    return Promise.all(files).then(function () {
      hits.forEach(function (h) {
        var c = Math.floor(h.order / index.chunk), k = h.order % index.chunk, unit = parts["u" + c][k];
        h.anchor = unit[0];
        h.shown = unfoldTable ? patched(unit[1], parts["v" + c][k]) : unit[1];
        h.number = unit[2];  // a note's, as its marker shows it
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

  function anchorLabel(hit) {
    var L = index.labels, kind = hit.kind, anchor = hit.anchor;
    if (kind === "note") return hit.number ? L.note + " " + hit.number : L.note;
    if (kind === "glossary") return hit.page;  // the glossary's entries share one group: each is named by its term
    if (anchor === "top") return L.title;
    return (anchor[0] === "s" ? "§" : "¶") + anchor.slice(1);
  }

  /* Where the search finds `query` in `text`, left to right, without overlaps (each as long as
     the query: folding keeps every character's place). The canonical text is matched as the
     index is, against the query's forms, so 着 does not mark the 著 of 显著; a derived script's
     text is folded, since its one character may stand for two (traditional 著 for 着 and 著). */
  function occurrences(text, query) {
    var hay = unfoldTable ? fold(text) : text, needles = unfoldTable ? [fold(query)] : forms(query), found = [];
    for (var at = 0; query.length;) {
      var next = -1;
      needles.forEach(function (n) { var i = hay.indexOf(n, at); if (i >= 0 && (next < 0 || i < next)) next = i; });
      if (next < 0) break;
      found.push(next);
      at = next + query.length;
    }
    return found;
  }

  /* The words around the first hit, every hit in them marked. */
  function snippet(hit, query) {
    var text = hit.shown, from = Math.max(0, hit.pos - 30), to = Math.min(text.length, hit.pos + hit.length + 30);
    var out = from > 0 ? "…" : "", done = 0;
    occurrences(text.slice(from, to), query).forEach(function (at) {
      out += escapeHtml(text.slice(from + done, from + at)) + "<mark>" + escapeHtml(text.slice(from + at, from + at + hit.length)) + "</mark>";
      done = at + hit.length;
    });
    return out + escapeHtml(text.slice(from + done, to)) + (to < text.length ? "…" : "");
  }

  function hitLink(hit, query) {
    return root + hit.url + "?q=" + encodeURIComponent(query) + "#" + hit.anchor;
  }

  var RESULTS_PER_BATCH = 50;  // an archive-wide query can hit tens of thousands of paragraphs
  var GROUPS_PER_BATCH = 20;  // ... on thousands of pages: a first screen of them, the rest on request
  var OPEN_HITS = 20;  // the first pages are drawn open until about this many hits are shown
  var GLOSSARY_OPEN = 5;  // the glossary's group is drawn open up to this many entries (else the texts sink below it)
  var KINDS = [["text", ["text"]], ["title", ["title", "heading"]], ["glossary", ["glossary"]], ["note", ["note"]]];
  var KIND_CHOICE = {};  // a unit's kind -> the filter's choice holding it
  KINDS.forEach(function (k) { k[1].forEach(function (member) { KIND_CHOICE[member] = k[0]; }); });

  /* "{q}" and "{n}" filled in one pass: a query such as $' or {n} stays as typed. */
  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) { return key in values ? String(values[key]) : whole; });
  }

  function resultItem(hit, query) {
    return "<li data-anchor=\"" + escapeHtml(hit.url + "#" + hit.anchor) + "\"><a href=\"" + escapeHtml(hitLink(hit, query)) +
      "\">" + escapeHtml(anchorLabel(hit)) + "</a>" +  // the page is the group's heading
      (hit.count > 1 ? " <span class=\"search-times\">×" + hit.count + "</span>" : "") +
      "<div class=\"search-snippet\">" + snippet(hit, query) + "</div></li>";
  }

  /* Hits by page, in reading order (a page's hits are consecutive); the glossary's entries, each
     a page of its own, come first as one group. `end`: one past the group's last unit. */
  function addToGroups(groups, hit) {
    var last = groups[groups.length - 1], key = hit.kind === "glossary" ? -1 : hit.pageNo;
    if (!last || last.key !== key) {
      groups.push(last = { key: key, pageNo: hit.pageNo, hits: [], pages: 0, end: key < 0 ? glossaryEnd : pageEnd[hit.pageNo] });
    }
    if (!last.hits.length || last.hits[last.hits.length - 1].pageNo !== hit.pageNo) last.pages++;
    last.hits.push(hit);
  }
  function nameGroups(groups) {  // the glossary's group is named for the glossary, not its first entry
    return name(groups).then(function () {
      groups.forEach(function (group) { if (group.key < 0) group.page = index.labels.glossary; });
      return groups;
    });
  }
  function byPage(hits) {
    var groups = [];
    hits.forEach(function (hit) { addToGroups(groups, hit); });
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

  /* The results' filters, each a bar of buttons: by kind (KINDS) and, in an edition of more
     than one year, by year. A choice of "" keeps every hit. */
  function yearOf(pageNo) {  // index.years: [year, first page of a run of its texts]; the glossary has none
    var years = index.years || [];
    for (var k = years.length - 1; k >= 0; k--) if (pageNo >= years[k][1]) return years[k][0];
    return "";
  }
  var NO_YEAR = "none";  // the year bar's choice for glossary hits, so that its counts add up
  function choiceOf(facet, hit) {
    return facet === "year" ? yearOf(hit.pageNo) || NO_YEAR : KIND_CHOICE[hit.kind];
  }
  function keeps(facet, choice, hit) {
    return !choice || choiceOf(facet, hit) === choice;
  }
  /* Whether every filter's choice, but `except`'s (a bar counts within the others), keeps a hit. */
  function passes(hit, filters, except) {
    return FACETS.every(function (f) { return f === except || keeps(f, filters[f], hit); });
  }
  function filtered(hits, filters, except) {
    var chosen = FACETS.some(function (f) { return f !== except && filters[f]; });
    return chosen ? hits.filter(function (h) { return passes(h, filters, except); }) : hits;
  }

  /* The filters are kept in the address (?q=…&kind=…&year=…): a filtered search can be shared,
     reloaded, and is found again on coming back from a result. */
  var FACETS = ["kind", "year"];
  function filtersIn(search) {
    var params = new URLSearchParams(search), filters = {};
    FACETS.forEach(function (facet) { filters[facet] = params.get(facet) || ""; });
    return filters;
  }
  /* What the results page keeps in its history entry (and, given, its new address), to be found
     again on coming back. A browser that refuses (some, from file://): the page still works. */
  function remember(what, address) {
    try {
      history.replaceState(Object.assign({}, history.state, what), "", address);
    } catch (error) {}
  }
  function keepInAddress(filters) {
    var params = new URLSearchParams(location.search);
    FACETS.forEach(function (facet) { if (filters[facet]) params.set(facet, filters[facet]); else params.delete(facet); });
    remember({}, "?" + params.toString() + location.hash);
  }

  function filterBar(facet, label, choices, chosen, choose) {
    var bar = document.createElement("div");
    bar.className = "search-filter";
    bar.dataset.facet = facet;
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", label);
    choices.forEach(function (choice) {
      var button = document.createElement("button");
      button.type = "button";
      button.dataset.choice = choice[0];
      button.disabled = true;
      button.setAttribute("aria-pressed", String(choice[0] === chosen));
      button.innerHTML = escapeHtml(choice[1]) + " <span class=\"search-n\">…</span>";
      button.addEventListener("click", function () {
        bar.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", String(b === button)); });
        choose(facet, choice[0]);
      });
      bar.appendChild(button);
    });
    return bar;
  }

  /* The filter bars; their counts come when the whole archive is read (buttons wait until then). */
  function filterBars(L, filters, choose) {
    var bars = [filterBar("kind", L.kinds, [["", L.all]].concat(KINDS.map(function (k) { return [k[0], L["kind_" + k[0]]]; })),
                          filters.kind, choose)];
    var years = (index.years || []).map(function (y) { return y[0]; }).filter(function (y, k, all) { return all.indexOf(y) === k; });
    if (years.length > 1) {
      var choices = [["", L.allYears]].concat(years.map(function (y) { return [y, format(L.year, { y: y })]; }));
      bars.push(filterBar("year", L.years, choices.concat([[NO_YEAR, L.noYear]]), filters.year, choose));
    }
    return bars;
  }

  /* Counts in the bars' buttons; a choice without hits is removed when nothing has been drawn
     below the bars yet (`early`), otherwise kept, disabled, so that nothing moves. */
  function countFilters(bars, hits, filters, early) {
    bars.forEach(function (bar) {
      var facet = bar.dataset.facet, within = filtered(hits, filters, facet), tally = {};
      within.forEach(function (h) { var c = choiceOf(facet, h); tally[c] = (tally[c] || 0) + 1; });
      bar.querySelectorAll("button").forEach(function (button) {
        var n = button.dataset.choice ? tally[button.dataset.choice] || 0 : within.length;
        button.querySelector(".search-n").textContent = String(n);
        button.disabled = n === 0;
        if (n === 0 && early) button.remove();
      });
    });
  }

  /* The results area keeps its place (min-height in theme.css, the count line already in
     search.md): what arrives fills it without moving the page. The first pages of results are
     drawn as soon as they are complete; the count, the filter buttons and the rest of the pages
     follow when the whole archive has been read. */
  function renderResults(container, query) {
    var started = performance.now();
    var count = container.querySelector(".search-count") || container.appendChild(document.createElement("p"));
    count.className = "search-count";
    count.setAttribute("role", "status");  // announced when the count arrives, not the whole list
    if (!query.replace(/\s+/g, "")) { count.textContent = ""; return; }
    var hits = [], groups = [], groupsBox = document.createElement("div"), bars = [], first = null;
    var progress = null, readUpTo = 0;  // how far into the archive, shown while the rest is read
    var filters = filtersIn(location.search);  // each bar's choice; `groups` holds the hits they keep
    var returned = history.state || {};  // coming back from a result: how many groups were drawn, and where
    groupsBox.className = "search-groups";
    groupsBox.addEventListener("click", function (event) {
      if (event.target.closest("a")) remember({ scrollY: window.scrollY });
    });

    /* Which of these groups are drawn open: the first text, and the next until about OPEN_HITS
       hits. The glossary's group, first, opens when it is short or alone: a long one (创先争优 is
       named in dozens of entries) would push the texts, where a term is used, screens down. */
    function opens(batch) {
      var budget = OPEN_HITS, texts = 0;
      return batch.map(function (group) {
        if (group.key < 0) return group.hits.length <= GLOSSARY_OPEN || batch.length === 1;
        var open = texts === 0 || budget > 0;
        if (open) { budget -= group.hits.length; texts++; }
        return open;
      });
    }
    /* What the first screen will show (its pages' names, the text of its open hits) is asked
       for at once, together: while the archive is still read, as soon as those hits are found,
       and when they are drawn (the names and the text are not read one after the other). */
    function prefetch(chosen) {
      var batch = chosen.slice(0, GROUPS_PER_BATCH), quiet = function () {};
      nameGroups(batch).catch(quiet);
      opens(batch).forEach(function (open, n) {
        if (open) load(batch[n].hits.slice(0, RESULTS_PER_BATCH)).catch(quiet);
      });
    }
    /* Draw these groups, the first ones open, once their open hits are read: nothing moves. */
    function drawGroups(chosen) {
      var made;
      prefetch(chosen);
      return nameGroups(chosen.slice(0, GROUPS_PER_BATCH)).then(function (batch) {
        var open = opens(batch);
        made = batch.map(function (group, n) { return groupElement(group, query, index.labels, open[n]); });
        return Promise.all(made.map(function (m) { return m.ready; }));
      }).then(function () {
        groupsBox.replaceChildren.apply(groupsBox, made.map(function (m) { return m.element; }));
        return made.length;
      });
    }
    function choose(facet, choice) {  // after the whole archive is read
      filters[facet] = choice;
      keepInAddress(filters);
      remember({ drawn: 0, scrollY: 0 });  // a new list, from its top
      var shown = byPage(filtered(hits, filters));
      describe(shown);
      countFilters(bars, hits, filters, false);
      return drawGroups(shown).then(function (drawn) { morePages(shown, drawn); });
    }
    /* An archive-wide query can hit thousands of pages: their groups are made a batch at a time. */
    function morePages(chosen, drawn) {
      if (drawn >= chosen.length) return;
      var L = index.labels, button = document.createElement("button");
      button.type = "button";
      button.className = "search-more-pages md-button";
      var left = chosen.length - drawn;
      button.dataset.left = String(left);
      button.textContent = format(left > GROUPS_PER_BATCH ? L.morePages : L.restPages, { n: GROUPS_PER_BATCH, m: left });
      button.addEventListener("click", function () { drawMore(chosen, drawn, GROUPS_PER_BATCH, button); });
      groupsBox.appendChild(button);
    }
    /* `n` more groups, closed, in place of the button; how many are drawn is remembered. */
    function drawMore(chosen, drawn, n, button) {
      return nameGroups(chosen.slice(drawn, drawn + n)).then(function (batch) {
        var next = batch.map(function (group) { return groupElement(group, query, index.labels, false).element; });
        button.replaceWith.apply(button, next);
        remember({ drawn: drawn + next.length });
        morePages(chosen, drawn + next.length);
      });
    }
    function drawFirst(whole) {
      return drawGroups(groups).then(function () {
        container.replaceChildren(count);
        if (!whole) {
          count.textContent = format(index.labels.searching, { q: query, n: hits.length });
          /* Not in the status line: a screen reader would announce every step. */
          progress = document.createElement("progress");
          progress.className = "search-progress";
          progress.max = unitCount;
          progress.value = readUpTo;
          progress.setAttribute("aria-label", index.labels.progress);
          container.append(progress);
        }
        if (hits.length) container.append.apply(container, (bars = filterBars(index.labels, filters, choose)).concat(groupsBox));
        document.body.dataset.searchMs = (performance.now() - started).toFixed(1);
        window.editionSearch.firstLoaded = loaded.length;
      });
    }
    /* The count line says what is listed: with filters chosen, within them, and names them. */
    function describe(shown) {  // the groups listed
      var L = index.labels, pages = 0, places = 0, times = 0;
      shown.forEach(function (group) {
        pages += group.pages;
        places += group.hits.length;
        group.hits.forEach(function (hit) { times += hit.count; });  // as the glossary counts
      });
      var within = FACETS.filter(function (f) { return filters[f]; }).map(function (f) {
        if (f !== "year") return L["kind_" + filters.kind];
        return filters.year === NO_YEAR ? L.noYearIn : format(L.year, { y: filters.year });
      }).join("、");
      count.textContent = format(!hits.length ? L.none : within ? L.foundIn : L.found,
                                 { q: query, c: times, n: places, m: pages, f: within });
    }
    function finish(early) {
      if (progress) progress.remove();
      describe(groups);
      if (!hits.length) hintExactness(count, query);
      countFilters(bars, hits, filters, early);
      morePages(groups, Math.min(groups.length, GROUPS_PER_BATCH));
      var more = groupsBox.querySelector(".search-more-pages"), back = returned.drawn - GROUPS_PER_BATCH;
      (more && back > 0 ? drawMore(groups, GROUPS_PER_BATCH, back, more) : Promise.resolve()).then(function () {
        if (returned.scrollY) window.scrollTo(0, returned.scrollY);  // where the reader was, once it is drawn again
      });
      document.body.dataset.searchDoneMs = (performance.now() - started).toFixed(1);
      document.body.dataset.searchHits = String(hits.length);
    }
    scan(query, function (found, upTo) {
      readUpTo = Math.min(upTo, unitCount);
      if (progress) progress.value = readUpTo;
      found.forEach(function (hit) {
        hits.push(hit);
        if (passes(hit, filters)) addToGroups(groups, hit);
      });
      var done = groups.length - (groups.length && groups[groups.length - 1].end > upTo ? 1 : 0);  // only the last page may go on
      if (!first && done >= GROUPS_PER_BATCH) {
        first = drawFirst(false);
        return first;  // read on once it is drawn: decoding windows meanwhile would hold up its files' onload
      }
      if (!first && found.length) prefetch(groups);
    }).then(function () {
      if (hits.length && !groups.length) {  // the address's filters keep nothing (or name no choice): all, then
        filters = filtersIn("");
        keepInAddress(filters);
        groups = byPage(hits);
      }
      var early = !first;
      (first || drawFirst(true)).then(function () { finish(early); });
    });
  }

  /* Nothing found: matching is character for character, punctuation and spaces included; where
     the query holds spaces or quotation marks, the same query without them is a link away. */
  function hintExactness(count, query) {
    var hint = document.createElement("p"), bare = query.replace(/[\s"'“”‘’「」『』]/g, "");
    hint.className = "search-hint";
    hint.textContent = index.labels.exact;
    if (bare && bare !== query) {
      var params = new URLSearchParams(location.search), link = document.createElement("a");
      params.set("q", bare);
      link.href = "?" + params.toString();
      link.textContent = format(index.labels.retry, { q: bare });
      hint.append(" ", link);
    }
    count.after(hint);
  }

  /* An id from the address's #fragment, or null when it is not valid percent-encoding. */
  function fragmentId() {
    try {
      return decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return null;
    }
  }

  /* Mark the query where a search result led the reader (text nodes of the target only; a
     glossary entry's hit is its whole entry, led to at its title). */
  function highlightTarget(query) {
    ready(function () {
      var target = (location.hash && document.getElementById(fragmentId())) ||
        document.querySelector("article");
      if (target && target.classList.contains("entry-title")) target = target.closest("article") || target;
      if (!query || !target) return;
      var walker = document.createTreeWalker(target, NodeFilter.SHOW_TEXT), nodes = [];
      while (walker.nextNode()) nodes.push(walker.currentNode);
      nodes.forEach(function (node) {
        occurrences(node.nodeValue, query).reverse().forEach(function (at) {  // from the end: earlier places stay put
          var hit = node.splitText(at), mark = document.createElement("mark");
          hit.splitText(query.length);
          mark.className = "search-hit";
          hit.parentNode.replaceChild(mark, hit);
          mark.appendChild(hit);
        });
      });
    });
  }

  /* The header box is in the page (overrides/partials/alternate.html); this keeps ?q= working
     from file:// too, keeps the chosen filters for a new query asked on the results page, and
     starts reading the index when the reader begins to type. */
  function wireHeaderBox(onResultsPage) {
    var form = document.querySelector(".md-header .edition-search");
    if (!form) return;
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var params = new URLSearchParams(onResultsPage ? location.search : "");
      params.set("q", form.q.value);
      location.href = form.action + "?" + params.toString();
    });
    form.q.addEventListener("focus", function () { ready(function () {}); }, { once: true });
  }

  var query = new URLSearchParams(location.search).get("q") || "";
  var results = document.getElementById("edition-search-results");
  wireHeaderBox(Boolean(results));
  if (results) {
    var box = document.querySelector(".edition-search input");
    if (box) box.value = query;
    renderResults(results, query);
  } else if (query) {
    highlightTarget(query);
  }
  window.editionSearch = { ready: ready, search: search, load: load, loaded: loaded };
})();
