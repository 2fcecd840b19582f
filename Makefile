# Two commands do all the set-up on a fresh machine:
#   make demo   builds .venv, extracts the seeds, writes the layers and the offline map into out/
#   make test   builds .venv, installs what the tests need (Debian's chromium), runs the tests
# Both create the environment in .venv/ when it is missing.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
COMPILED := $(VENV)/.compiled-stamp
# the modules mypyc compiles: the list in pyproject.toml's mypyc hook
COMPILED_SRC := $(shell sed -n '/hooks.mypyc\]/,/^]/p' pyproject.toml | grep -o 'geoincident/[a-z_/]*\.py')
OUT ?= out

.PHONY: demo test venv assets browser bench clean

venv: $(STAMP) $(COMPILED)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	$(VENV)/bin/geoincident gazetteer cache --quiet  # compile the worldwide GeoNames layer once (~20 s)
	@touch $@

# The text-reading modules compiled to C with mypyc (listed in pyproject.toml; about a fifth faster,
# same output), again whenever a source changed. Without a C compiler everything runs as Python.
$(COMPILED): $(STAMP) $(COMPILED_SRC)
	@echo "compiling the text modules with mypyc (~1 min)"
	@HATCH_BUILD_HOOK_ENABLE_MYPYC=1 $(PY) -m pip install --quiet --no-deps -e . 2>&1 | grep -v "is ignored" || true
	@$(PY) -c "from geoincident.compiled import compiled_modules as c; print(f'{len(c())} modules compiled' if c() else 'mypyc compile failed: running as Python (slower)')"
	@touch $@

# JavaScript and CSS of Leaflet and its plugins, from the npm registry, for offline maps.
assets: $(STAMP)
	@if [ -f package.json ]; then $(MAKE) --no-print-directory node_modules/.installed-stamp; fi

node_modules/.installed-stamp: package.json
	npm install --no-audit --no-fund --loglevel=error
	@touch $@

# Debian's chromium for the browser tests. Installed when missing and we may install it.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium is missing and cannot be installed here: browser tests will be skipped"; fi; }

demo: venv assets
	$(VENV)/bin/geoincident demo seeds/ -o $(OUT)

test: venv assets browser
	$(PY) -m pytest -q

bench: venv assets
	$(PY) benchmarks/run.py

clean:
	rm -rf $(VENV) node_modules $(OUT) .pytest_cache build
	find . -name '*.so' -not -path './$(VENV)/*' -delete
