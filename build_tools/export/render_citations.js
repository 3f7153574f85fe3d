// Renders the edition's CSL-JSON with citeproc-js and the official CSL styles (offline).
// stdin:  {lang: {"items": [CSL-JSON items], "paragraphs": {id: ["12", …]}}}  ("paragraphs" optional)
// stdout: {"text":      {lang: {style: {id: "plain text"}}},
//          "paragraph": {lang: {style: {id: {"12": "plain text"}}}}}
// A text: its bibliography entry in each style. A paragraph N: the same item with the paragraph's
// permalink as its URL (URL + "#pN"), rendered by Chicago (a note style) as a note citation with
// locator N, label "paragraph", and by GB/T 7714-2015 as the bibliography entry of that item
// (the numeric style shows a locator only as a superscript page number after "[1]").
// Used by build_tools/export/citations.py (at build time, for what its cache lacks) and the tests.
"use strict";
const fs = require("fs");
const path = require("path");
const CSL = require("citeproc");

const dir = path.join(__dirname, "csl");
const STYLES = {
  "gb-t-7714-2015": "china-national-standard-gb-t-7714-2015-numeric.csl",
  "chicago": "chicago-notes-bibliography.csl",
};
const styleText = Object.fromEntries(
  Object.entries(STYLES).map(([name, file]) => [name, fs.readFileSync(path.join(dir, file), "utf8")]));
const retrieveLocale = (l) => fs.readFileSync(path.join(dir, `locales-${l}.xml`), "utf8");

// One engine per script and style (building one parses the style and locale: slow); each
// rendering registers only its own item, so the numeric style never numbers across texts.
const items = new Map();
const engines = {};
function engine(style, lang) {
  const key = `${lang} ${style}`;
  if (!engines[key]) {
    engines[key] = new CSL.Engine({ retrieveLocale, retrieveItem: (id) => items.get(id) }, styleText[style], lang, true);
    engines[key].setOutputFormat("text");
  }
  return engines[key];
}

function entry(style, lang, item) {
  items.set(item.id, item);
  const e = engine(style, lang);
  e.updateItems([item.id]);
  return e.makeBibliography()[1].join("").trim().replace(/^\[1\]\s*/, "");
}

function paragraph(style, lang, item, n) {
  const at = { ...item, id: `${item.id}#p${n}`, URL: `${item.URL}#p${n}` };
  if (style === "gb-t-7714-2015") return entry(style, lang, at);
  items.set(at.id, at);
  const e = engine(style, lang);
  e.updateItems([at.id]);
  return e.makeCitationCluster([{ id: at.id, locator: n, label: "paragraph" }]).trim();
}

const input = JSON.parse(fs.readFileSync(0, "utf8"));
const out = { text: {}, paragraph: {} };
for (const [lang, { items, paragraphs = {} }] of Object.entries(input)) {
  out.text[lang] = {};
  out.paragraph[lang] = {};
  for (const style of Object.keys(STYLES)) {
    out.text[lang][style] = {};
    out.paragraph[lang][style] = {};
    for (const item of items) {
      out.text[lang][style][item.id] = entry(style, lang, item);
      const numbers = paragraphs[item.id] || [];
      out.paragraph[lang][style][item.id] =
        Object.fromEntries(numbers.map((n) => [n, paragraph(style, lang, item, String(n))]));
    }
  }
}
process.stdout.write(JSON.stringify(out, null, 1) + "\n");
