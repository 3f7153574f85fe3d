/* Edition behaviour, no dependencies, works from file://:
   - a paragraph number copies the permalink and a ready citation;
   - the script switcher keeps the #anchor, or the paragraph in view when there is none. */
(function () {
  "use strict";
  var hant = /Hant|TW|HK/i.test(document.documentElement.lang);
  var say = function (hans, hantText) { return hant ? hantText : hans; };

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

  function citation(id) {
    var title = document.querySelector("h1.doc-title");
    var url = location.href.split("#")[0] + "#" + id;
    if (!title) return url;
    var n = id.replace(/^p/, "");
    return title.dataset.speaker + "：《" + title.dataset.title + "》（" + title.dataset.date + "），" +
      say("第", "第") + n + say("段。", "段。") + url;
  }

  document.addEventListener("click", function (event) {
    var num = event.target.closest("a.pnum");
    if (!num) return;
    event.preventDefault();
    var id = num.getAttribute("href").slice(1);
    history.replaceState(null, "", "#" + id);
    var text = citation(id);
    document.body.dataset.lastCitation = text;
    copy(text).then(function () { toast(say("已复制：", "已複製：") + text); });
  });

  function anchorInView() {
    if (location.hash) return location.hash;
    var blocks = document.querySelectorAll("p.para[id], h2[id], h3[id]");
    for (var i = 0; i < blocks.length; i++) {
      if (blocks[i].getBoundingClientRect().bottom > 60) return "#" + blocks[i].id;
    }
    return "";
  }

  // Rewrite the switcher link just before the browser follows it (click, middle-click,
  // keyboard, open-in-new-tab), so the other script opens at the same paragraph.
  function aimSwitcher(event) {
    var link = event.target.closest && event.target.closest("a.edition-variant");
    if (link) link.href = link.href.split("#")[0] + anchorInView();
  }
  ["pointerdown", "focusin", "click"].forEach(function (type) {
    document.addEventListener(type, aimSwitcher, true);
  });
})();
