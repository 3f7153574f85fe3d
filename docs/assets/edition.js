/* Edition behaviour, no dependencies, works from file://:
   - a paragraph number opens its permalink and citations (GB/T 7714-2015, Chicago), each copyable;
   - the script switcher keeps the paragraph in view;
   - one popover for notes, parallels, glossary terms, corrections and paragraph citations;
   - a reading control for how much apparatus the text shows. */
(function () {
  "use strict";
  var hant = /Hant|TW|HK/i.test(document.documentElement.lang);
  var say = function (hans, hantText) { return hant ? hantText : hans; };

  // Each text's editorial record was once a section of the editorial page (editorial.html#<slug>);
  // it is now at the end of the text's own page, where a link to the old place lands.
  function followMovedRecord() {
    var moved = "";
    try { moved = decodeURIComponent(location.hash.slice(1)); } catch (e) { /* malformed: stay */ }
    if (/\/editorial\.html$/.test(location.pathname) && /^\d{4}(-[0-9a-z]+)+$/.test(moved) &&
        !document.getElementById(moved)) {
      location.replace("texts/" + moved + "/index.html#editorial");
    }
  }
  followMovedRecord();
  window.addEventListener("hashchange", followMovedRecord);

  // A paragraph id renumbered after it was published (the text's 段号变更 table): a reader who
  // arrives at it from outside, as from an older citation, is told above the paragraph where
  // those words are now. Not one moving within the edition (its links and the script switcher
  // name today's ids): each page leaving notes the time, file:// sending no referrer.
  var MOVED_WITHIN = "edition-left-page-at";
  function arrivedFromOutside() {
    try { return !(Date.now() - Number(sessionStorage.getItem(MOVED_WITHIN) || 0) < 60000); } catch (e) { return true; }
  }
  window.addEventListener("pagehide", function () {
    try { sessionStorage.setItem(MOVED_WITHIN, String(Date.now())); } catch (e) { /* storage off: notices show */ }
  });
  function noteRenumberedId() {
    if (!arrivedFromOutside()) return;
    var id = "";
    try { id = decodeURIComponent(location.hash.slice(1)); } catch (e) { return; }
    if (!/^[ps][0-9]+$/.test(id)) return;
    var olds = Array.prototype.filter.call(document.querySelectorAll("#id-changes ~ .id-change-record span.id-old"),
      function (old) { return old.getAttribute("data-old").split(" ").indexOf(id) >= 0; });
    if (!olds.length) return;
    var box = document.createElement("div");
    box.className = "admonition note id-change-notice";
    box.setAttribute("role", "note");
    var title = box.appendChild(document.createElement("p"));
    title.className = "admonition-title";
    title.textContent = say("段号变更", "段號變更");
    var label = function (i) { return (i[0] === "p" ? "¶" : "§") + i.slice(1); };
    var days = [];
    olds.forEach(function (old) {
      // of two changes recorded the same day, the first is the one a citation made before it meets
      var day = old.closest("tr").cells[0].textContent;
      if (days.indexOf(day) >= 0) return;
      days.push(day);
      var at = old.getAttribute("data-old").split(" ").indexOf(id);
      var now = old.getAttribute("data-now").split(" ")[at];  // "p6", "p4+p5" (split), "-" (none)
      var line = box.appendChild(document.createElement("p"));
      // the same words in both scripts; the date and the "none" cell are in the page's own
      line.appendChild(document.createTextNode("在" + day + "以前引用的 " + label(id) + "，所引文字"));
      if (now === "-") {
        line.appendChild(document.createTextNode(old.closest("tr").cells[2].textContent));
      } else {
        line.appendChild(document.createTextNode("今在 "));
        var parts = now.split("+");
        var ends = parts.length > 1 ? [parts[0], parts[parts.length - 1]] : parts;  // ¶4–¶5, as the table
        ends.forEach(function (i, k) {
          if (k) line.appendChild(document.createTextNode("–"));
          var link = line.appendChild(document.createElement("a"));
          link.href = "#" + i;
          link.textContent = label(i);
        });
      }
      line.appendChild(document.createTextNode("。"));
    });
    var all = box.appendChild(document.createElement("p")).appendChild(document.createElement("a"));
    all.href = "#id-changes";
    all.textContent = say("本文的全部段号变更", "本文的全部段號變更");
    var target = document.getElementById(id);
    var heading = document.querySelector("article h1");
    if (target && target.matches("p.para, h2, h3")) {
      target.parentNode.insertBefore(box, target);
      // the browser's own scroll to the fragment (again at load) then leaves the notice in view
      // above it: no scrolling back up, which would call up the theme's back-to-top button
      var margin = parseFloat(getComputedStyle(box).scrollMarginTop) || 0;
      target.style.scrollMarginTop = (margin + box.offsetHeight + 16) + "px";
      target.scrollIntoView({ block: "start" });
    } else if (heading) {  // an id no longer on the page: under the title
      heading.parentNode.insertBefore(box, heading.nextSibling);
    }
  }
  noteRenumberedId();

  function toast(message) {
    var el = document.createElement("div");
    el.className = "edition-toast";
    el.setAttribute("role", "status");
    el.textContent = message;
    document.body.appendChild(el);
    setTimeout(function () { el.remove(); }, 2500);
  }

  function copy(text) {
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(text).catch(function () { legacyCopy(text); });
    }
    legacyCopy(text);
    return Promise.resolve();
  }

  function legacyCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* the toast still shows the text */ }
    area.remove();
  }

  // GB/T 7714-2015 cites an online text with the date it was consulted: today's, the reader's,
  // written where the rendered strings hold "{accessed}" (build_tools/export/citations.py). The
  // page without script shows them without it.
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  var today = new Date();
  var accessed = today.getFullYear() + "-" + pad(today.getMonth() + 1) + "-" + pad(today.getDate());
  window.editionAccessed = accessed;  // also what tests/browser fill citeproc-js's strings with
  function consulted(text) { return text.split("{accessed}").join(accessed); }
  document.querySelectorAll("article p.citation[data-citation]").forEach(function (p) {
    p.dataset.citation = consulted(p.dataset.citation);
    p.lastChild.textContent = "\u3000" + p.dataset.citation;  // after the style's name
  });

  // A paragraph's citations: the page's 「引用本文」 strings each carry the citation citeproc-js
  // rendered for a paragraph of this text (Chicago: a note with the paragraph as locator;
  // GB/T 7714-2015: the entry whose URL is the paragraph's permalink), with "{n}" where the
  // paragraph number goes (build_tools/export/citations.py). [label, text] pairs, permalink first.
  function paragraphCitations(id) {
    var n = id.replace(/^p/, "");
    var canonical = document.querySelector('link[rel="canonical"]');
    var base = (canonical ? canonical.href : location.href).split("#")[0].replace(/index\.html$/, "");
    var out = [[say("永久链接", "永久鏈接"), base + "#" + id]];
    document.querySelectorAll("article p.citation[data-paragraph]").forEach(function (p) {
      out.push([p.querySelector("strong").textContent, consulted(p.dataset.paragraph.split("{n}").join(n))]);
    });
    return out;
  }
  window.editionParagraphCitations = paragraphCitations;  // also what tests/browser compare with citeproc-js

  // The paragraph the reader is looking at: the #anchor while it is on screen, else none while
  // the page's title is (the other script opens at its top), else the first block in view (a #p2
  // left in the URL after scrolling on to ¶10 is stale).
  function anchorInView() {
    var top = 60;  // below the sticky header
    var onScreen = function (el) {
      var r = el.getBoundingClientRect();
      return r.bottom > top && r.top < window.innerHeight;
    };
    var target = null;
    try { target = location.hash && document.getElementById(decodeURIComponent(location.hash.slice(1))); } catch (e) { /* malformed */ }
    if (target && onScreen(target)) return location.hash;
    var title = document.querySelector("article h1");
    if (title && title.getBoundingClientRect().bottom > top) return "";
    var blocks = document.querySelectorAll("p.para[id], h2[id], h3[id]");
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].getBoundingClientRect().bottom > top) return "#" + blocks[i].id;
    }
    return location.hash;
  }

  // Rewrite the switcher link just before the browser follows it (click, middle-click,
  // keyboard, open-in-new-tab), so the other script opens at the same paragraph.
  function aimSwitcher(event) {
    var link = event.target.closest && event.target.closest("a.edition-variant");
    if (!link) return;
    link.href = link.href.split("#")[0].split("?")[0] + location.search + anchorInView();  // a search keeps its query
    // material's own language links look the page up in sitemap.xml and navigate themselves
    // (racing this one, and failing from file://): stop the click here, in the capture phase,
    // and let the browser follow the link.
    if (event.type === "click") event.stopPropagation();
  }
  ["pointerdown", "focusin", "click"].forEach(function (type) {
    document.addEventListener(type, aimSwitcher, true);
  });

  // One popover for every piece of apparatus: notes, parallel passages, glossary terms and
  // editorial corrections. It opens on click, tap, Enter or Space, floats over the text (the
  // text never moves), closes on Escape, an outside click or a second activation, and gives
  // the focus back to its marker. Its content is the build's own output: notes and parallels
  // are copied from the lists at the end of the page, glosses and corrections are read from
  // data attributes as text.
  var MARKERS = "a.note-ref, a.term[href], span.corr, article a.pnum";
  var open = null;

  function kindOf(marker) {
    if (marker.classList.contains("pnum")) return "paragraph";
    if (marker.classList.contains("parallel-ref")) return "parallel";
    if (marker.classList.contains("note-ref")) return "note";
    return marker.classList.contains("term") ? "term" : "correction";
  }

  function paragraph(className, text) {
    var p = document.createElement("p");
    if (className) p.className = className;
    if (text) p.textContent = text;
    return p;
  }

  function glossOf(href) {
    var links = document.querySelectorAll("a.term[data-gloss]");
    for (var i = 0; i < links.length; i++) if (links[i].getAttribute("href") === href) return links[i];
    return null;
  }

  function fill(box, marker, kind) {
    if (kind === "note" || kind === "parallel") {
      marker.getAttribute("aria-controls").split(" ").forEach(function (id) {
        var source = document.getElementById(id);
        if (!source) return;
        var copy = source.cloneNode(true);
        copy.removeAttribute("id");
        copy.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
        copy.querySelectorAll(".note-back").forEach(function (el) { el.remove(); });
        box.appendChild(copy);
      });
    } else if (kind === "paragraph") {
      var id = marker.getAttribute("href").slice(1);
      history.replaceState(null, "", "#" + id);
      paragraphCitations(id).forEach(function (pair) {
        var label = paragraph("edition-cite__label");
        label.appendChild(document.createElement("strong")).textContent = pair[0];
        var button = label.appendChild(document.createElement("button"));
        button.type = "button";
        button.className = "edition-cite__copy";
        button.textContent = say("复制", "複製");
        button.setAttribute("aria-label", say("复制", "複製") + pair[0]);
        button.addEventListener("click", function () {
          document.body.dataset.lastCitation = pair[1];
          copy(pair[1]).then(function () {
            button.textContent = say("已复制", "已複製");
            toast(say("已复制：", "已複製：") + pair[1]);
          });
        });
        box.appendChild(label);
        box.appendChild(paragraph("edition-cite__text", pair[1]));
      });
    } else if (kind === "term") {
      // The page's first link to an entry carries its gloss, pinyin and, when its words are
      // another form (中组部), the headword (中央组织部); later links share them.
      var source = marker.dataset.gloss !== undefined ? marker : (glossOf(marker.getAttribute("href")) || marker);
      var data = source.dataset, headword = data.term || source.textContent;
      var head = paragraph("edition-popover__head");
      var term = document.createElement("strong");
      term.textContent = marker.textContent;
      head.appendChild(term);
      if (headword !== marker.textContent) {
        var same = document.createElement("span");
        same.className = "edition-popover__headword";
        same.textContent = say("即", "即") + headword;
        head.appendChild(same);
      }
      if (data.pinyin) {
        var pinyin = document.createElement("span");
        pinyin.className = "edition-popover__pinyin";
        pinyin.lang = "zh-Latn-pinyin";
        pinyin.textContent = data.pinyin;
        head.appendChild(pinyin);
      }
      box.appendChild(head);
      box.appendChild(paragraph("", data.gloss || ""));
      var more = paragraph("edition-popover__more");
      var link = document.createElement("a");
      link.href = marker.getAttribute("href");
      link.textContent = say("查看词条与出现位置 →", "查看詞條與出現位置 →");
      more.appendChild(link);
      box.appendChild(more);
    } else {
      box.appendChild(paragraph("", say("原文作", "原文作") + "“" + marker.dataset.original + "”：" +
                                    marker.dataset.reason));
    }
  }

  function nameOf(marker, kind) {
    if (kind === "term") return say("术语：", "術語：") + marker.textContent;
    if (kind === "correction") return say("校改：", "校改：") + marker.textContent;
    if (kind === "paragraph") return say("引用第", "引用第") + marker.textContent + say("段", "段");
    return marker.getAttribute("aria-label");
  }

  // Below its marker, so that the passage it belongs to (the marker's line and those above it)
  // stays in view. Where the window has too little room below, the page first scrolls the marker
  // up (keeping a third of the window of text above it, as a note or a term is read in its
  // context); only where the page cannot scroll
  // further does the popover open above, on the side with more room. It is never taller than
  // its room: what does not fit scrolls inside it.
  function place(box, marker, mayScroll) {
    var GAP = 6, EDGE = 8;
    var header = document.querySelector(".md-header");
    var top0 = header ? header.getBoundingClientRect().bottom : 0;
    box.style.maxHeight = "";
    var want = box.offsetHeight;
    var r = marker.getBoundingClientRect();
    var below = window.innerHeight - r.bottom - GAP - EDGE;
    // A paragraph's citations are read whole, not beside its text: its number may go up to the header.
    var context = box.classList.contains("edition-popover--paragraph") ? GAP : window.innerHeight / 3;
    if (mayScroll && want > below) {
      var shift = Math.min(Math.ceil(want - below), r.top - top0 - context);
      if (shift > 0) {
        window.scrollBy({ top: shift, behavior: "instant" });
        r = marker.getBoundingClientRect();
        below = window.innerHeight - r.bottom - GAP - EDGE;
      }
    }
    var above = r.top - top0 - GAP - EDGE;
    var onTop = want > below + 1 && above > below;  // a pixel's rounding is room enough
    box.style.maxHeight = Math.max(0, Math.min(want, onTop ? above : below)) + "px";
    var width = document.documentElement.clientWidth;
    var left = Math.min(r.left - 16, width - box.offsetWidth - 8);  // starts at the marker, inside the screen
    var top = onTop ? r.top - GAP - box.offsetHeight : r.bottom + GAP;
    box.style.left = Math.max(8, left) + window.scrollX + "px";
    box.style.top = top + window.scrollY + "px";
  }

  function closePopover(focusMarker) {
    if (!open) return;
    var marker = open.marker;
    open.box.remove();
    marker.setAttribute("aria-expanded", "false");
    open = null;
    if (focusMarker) marker.focus({ preventScroll: true });
  }

  function openPopover(marker) {
    var kind = kindOf(marker);
    closePopover(false);
    var box = document.createElement("div");
    box.className = "edition-popover md-typeset edition-popover--" + kind;
    box.setAttribute("role", "dialog");
    box.setAttribute("aria-label", nameOf(marker, kind));
    box.tabIndex = -1;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "edition-popover__close";
    close.setAttribute("aria-label", say("关闭", "關閉"));
    close.textContent = "×";
    box.appendChild(close);
    fill(box, marker, kind);
    document.body.appendChild(box);
    place(box, marker, true);
    marker.setAttribute("aria-expanded", "true");
    open = { marker: marker, box: box };
    box.focus({ preventScroll: true });
  }

  function toggle(marker) {
    if (open && open.marker === marker) closePopover(true);
    else openPopover(marker);
  }

  document.querySelectorAll("span.corr").forEach(function (corr) {
    corr.tabIndex = 0;
    corr.setAttribute("role", "button");
    corr.setAttribute("aria-label", nameOf(corr, "correction"));  // not the corrected words alone
  });
  document.querySelectorAll(MARKERS).forEach(function (marker) {
    marker.setAttribute("aria-haspopup", "dialog");
    marker.setAttribute("aria-expanded", "false");
  });

  document.addEventListener("click", function (event) {
    if (open && event.target.closest(".edition-popover__close")) {
      closePopover(true);
      return;
    }
    var marker = event.target.closest(MARKERS);
    if (marker && !(event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)) {
      event.preventDefault();
      toggle(marker);
    } else if (open && !event.target.closest(".edition-popover")) {
      closePopover(false);
    }
  });

  document.addEventListener("keydown", function (event) {
    var marker = event.target.closest && event.target.closest(MARKERS);
    if (marker && (event.key === " " || (event.key === "Enter" && marker.tagName !== "A"))) {
      event.preventDefault();  // a link's Enter is already a click
      toggle(marker);
    } else if (event.key === "Escape" && open) {
      closePopover(true);
    } else if (event.key === "Tab" && open && open.box.contains(event.target)) {
      // Out of the popover (appended to the page's end) means back to its marker, not on to the
      // page's footer or round to its top; the marker's next Tab goes on through the text.
      var stops = open.box.querySelectorAll("a[href], button");
      var edge = event.shiftKey ? [open.box, stops[0]] : [stops[stops.length - 1]];
      if (edge.indexOf(event.target) >= 0) {
        event.preventDefault();
        closePopover(true);
      }
    }
  });

  // A control reached by Tab or Shift+Tab is never left under the sticky header.
  document.addEventListener("focusin", function (event) {
    var header = document.querySelector(".md-header");
    if (!header || !event.target.getBoundingClientRect || event.target === document.body) return;
    var below = header.getBoundingClientRect().bottom + 8, top = event.target.getBoundingClientRect().top;
    if (top < below && !event.target.closest(".md-header, .md-skip, .md-sidebar, .edition-popover")) window.scrollBy(0, top - below);
  });

  window.addEventListener("resize", function () { if (open) place(open.box, open.marker, false); });

  // Reading control: which apparatus the text shows. Remembered across pages and visits in
  // localStorage, or in window.name where a browser refuses storage to file:// pages.
  var KEY = "edition.reading";
  var DEFAULTS = { notes: true, terms: true, parallels: false };

  function loadSettings() {
    var saved = null;
    try { saved = window.localStorage.getItem(KEY); } catch (e) { /* no storage */ }
    if (!saved && window.name.indexOf(KEY + "=") === 0) saved = window.name.slice(KEY.length + 1);
    var settings = {};
    try { settings = JSON.parse(saved) || {}; } catch (e) { /* start afresh */ }
    Object.keys(DEFAULTS).forEach(function (k) {
      if (typeof settings[k] !== "boolean") settings[k] = DEFAULTS[k];
    });
    return settings;
  }

  function saveSettings(settings) {
    var value = JSON.stringify(settings);
    try { window.localStorage.setItem(KEY, value); } catch (e) { /* fall back below */ }
    window.name = KEY + "=" + value;
  }

  function apply(settings) {
    var root = document.documentElement;
    root.classList.toggle("edition-hide-notes", !settings.notes);
    root.classList.toggle("edition-hide-parallels", !settings.parallels);
    root.classList.toggle("edition-hide-terms", !settings.terms);
    // A hidden term link is plain text: no link, no tab stop.
    document.querySelectorAll("a.term").forEach(function (a) {
      if (settings.terms && a.dataset.href) {
        a.setAttribute("href", a.dataset.href);
      } else if (!settings.terms && a.hasAttribute("href")) {
        a.dataset.href = a.getAttribute("href");
        a.removeAttribute("href");
      }
    });
    if (open && !open.box.isConnected) open = null;
    if (open && open.marker.getClientRects().length === 0) closePopover(false);
  }

  // A text's card of metadata comes closed and is opened here, except on a phone, where it
  // filled the first screen and more (one tap opens it), unless the address points into it;
  // always to print.
  var docInfo = document.querySelector("article details.doc-info");
  if (docInfo) {
    var inCard = false;
    try { inCard = !!(location.hash && docInfo.querySelector(decodeURIComponent(location.hash))); } catch (e) { /* malformed */ }
    if (window.matchMedia("(min-width: 45em)").matches || inCard) docInfo.open = true;
    docInfo.classList.add("doc-info--set");  // from here on its open state decides (edition.css)
    window.addEventListener("beforeprint", function () { docInfo.open = true; });
  }

  function readingControl() {
    var card = document.querySelector("article h1.doc-title") && docInfo;
    if (!card) return;
    var settings = loadSettings();
    apply(settings);
    var group = document.createElement("div");
    group.className = "reading-control";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", say("阅读设置：显示哪些编辑标记", "閱讀設定：顯示哪些編輯標記"));
    group.appendChild(document.createTextNode(say("显示：", "顯示：")));
    // [setting, label, what is counted]: a parallel's count is of passages, as its section says
    // (one marker may stand for several ending at the same place)
    [["notes", say("注释", "註釋"), "a.note-ref:not(.parallel-ref)"],
     ["terms", say("术语链接", "術語鏈接"), "a.term"],
     ["parallels", say("互见文句", "互見文句"), "div.note.parallel"]].forEach(function (item) {
      var count = document.querySelectorAll("article " + item[2]).length;
      if (!count) return;
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox";
      box.name = item[0];
      box.checked = settings[item[0]];
      box.addEventListener("change", function () {
        settings[item[0]] = box.checked;
        saveSettings(settings);
        apply(settings);
      });
      label.appendChild(box);
      label.appendChild(document.createTextNode(item[1] + "（" + count + "）"));
      group.appendChild(label);
    });
    card.insertAdjacentElement("afterend", group);
  }
  readingControl();

  // Print: the title at the head and the citation with its URL (the first of the page's own
  // 引用本文 strings) at the foot of every printed page, as @page margin boxes.
  function printMargins() {
    var title = document.querySelector("article h1.doc-title");
    var cite = document.querySelector("article p.citation[data-citation]");
    if (!title || !cite) return;
    var quote = function (text) {
      return '"' + text.trim().replace(/\s+/g, " ").replace(/[\\"]/g, function (c) {
        return "\\" + c.charCodeAt(0).toString(16) + " ";
      }) + '"';
    };
    var box = "font-size: 8pt; color: #333; ", foot = box + "padding-top: 4mm; vertical-align: top; ";  // clear of the text
    var style = document.createElement("style");
    style.textContent = "@media print { @page { " +
      "@top-center { " + box + "content: " + quote(title.textContent) + "; } " +
      "@bottom-left { " + foot + "width: 85%; content: " + quote(cite.dataset.citation) + "; } " +
      "@bottom-right { " + foot + "width: 10%; white-space: nowrap; " +
      "content: counter(page) \" / \" counter(pages); } } }";
    document.head.appendChild(style);
  }
  printMargins();
})();
