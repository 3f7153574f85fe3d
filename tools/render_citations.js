// Renders the edition's CSL-JSON with citeproc-js and the official CSL styles (offline).
// stdin: {"zh-CN": [items], "zh-TW": [items]}; stdout: {lang: {style: {id: "plain text"}}}.
// Used by `python -m build_tools.export.citations --update` and by tests/test_citations.py.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const dir = path.join(__dirname, "..", "build_tools", "export", "csl");
const STYLES = {
  "gb-t-7714-2015": "china-national-standard-gb-t-7714-2015-numeric.csl",
  "chicago": "chicago-notes-bibliography.csl",
};
const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = {};
for (const [lang, items] of Object.entries(input)) {
  const byId = Object.fromEntries(items.map((item) => [item.id, item]));
  out[lang] = {};
  for (const [name, file] of Object.entries(STYLES)) {
    const sys = {
      retrieveLocale: (l) => fs.readFileSync(path.join(dir, `locales-${l}.xml`), "utf8"),
      retrieveItem: (id) => byId[id],
    };
    out[lang][name] = {};
    for (const item of items) {  // one bibliography per item: no [n] numbering across texts
      const engine = new CSL.Engine(sys, fs.readFileSync(path.join(dir, file), "utf8"), lang, true);
      engine.setOutputFormat("text");
      engine.updateItems([item.id]);
      const [, entries] = engine.makeBibliography();
      out[lang][name][item.id] = entries.join("").trim().replace(/^\[1\]\s*/, "");
    }
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
