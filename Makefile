# Hezhang (河长制) QGIS plugin. `make demo` and `make test` set everything up on a fresh
# Debian 12, 13 or unstable machine (as root, or with sudo): QGIS and the Python packages the
# OS ships in a fitting version from the OS packages, .venv from the system Python with
# system site packages for the rest (pinned never to shadow what QGIS and GDAL were built against).

SHELL := /bin/bash
PLUGIN := hezhang_plugin
VERSION := $(shell sed -n 's/^version=//p' metadata.txt)
SYS_PYTHON := /usr/bin/python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.deps-stamp
export PROJ_DATA ?= /usr/share/proj

APT_PACKAGES := qgis python3-qgis qgis-providers gdal-bin python3-gdal python3-venv python3-pip \
	python3-numpy python3-shapely python3-pyproj python3-openpyxl python3-pypdf python3-pandas \
	python3-fiona python3-geopandas python3-pytest \
	fonts-wqy-zenhei fonts-noto-cjk fontconfig xvfb xauth xdotool imagemagick poppler-utils \
	pyqt5-dev-tools qttools5-dev-tools zip unzip sqlite3 python3-docx e2fsprogs \
	postgresql postgresql-postgis python3-psycopg2

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PYTEST_ARGS ?=
# make test: pytest processes (pytest-xdist; each runs its own QGIS), one more than the cores:
# tests spend part of their time waiting (SQLite busy timeouts, worker processes, servers), and
# the extra process keeps the cores busy meanwhile (docs/testing.md). `make test
# TEST_PROCESSES=0` runs in one process.
TEST_PROCESSES ?= $(shell echo $$(( $$(nproc 2>/dev/null || echo 1) + 1 )))

.PHONY: deps test lint scan transup transcompile package validate deploy run demo bench bench-quick mutate coverage clean help

help:
	@echo "make demo | test | lint | scan | transup | transcompile | package | validate | deploy | run | bench | bench-quick | mutate | coverage | clean"

deps: $(STAMP)

$(STAMP): pyproject.toml
	@missing=""; for p in $(APT_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing OS packages:$$missing"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@[ -x $(PY) ] || $(SYS_PYTHON) -m venv --system-site-packages $(VENV)
	$(PY) -m pip install -q --upgrade "pip>=25.1"
	@$(PY) .ci/os_constraints.py > $(VENV)/os-constraints.txt
	@qv=$$($(SYS_PYTHON) -c "from qgis.core import Qgis; print(Qgis.QGIS_VERSION_INT)"); \
	if [ "$$qv" -lt 33400 ]; then group=qgis-lt-334; else group=qgis-ge-334; fi; \
	extra=$$($(PY) .ci/os_constraints.py --groups); \
	echo "QGIS $$qv: installing dev group and $$group $$extra (kept: $$(tr '\n' ' ' < $(VENV)/os-constraints.txt))"; \
	$(PY) -m pip install -q --group dev --group $$group $$extra -c $(VENV)/os-constraints.txt
	@$(PY) .ci/check_venv.py
	@touch $@

test: deps transcompile
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

lint: deps
	$(PY) -m ruff check $(PLUGIN) test bench
	@# Every flake8-qgis rule, the Qt 6 ones (QGS4xx) included, on the package and the tests; not
	@# applied: QGS105 (only the plugin class gets iface and hands it on, by design) and QGS201/202
	@# (experimental return-value checks). Spellings QGIS 3.22 lacks live in hezhang_plugin/compat.py.
	$(PY) -m flake8 --select=QGS --extend-ignore=QGS105,QGS201,QGS202 $(PLUGIN) test bench

scan: deps
	$(PY) -m bandit -q -r $(PLUGIN) -c pyproject.toml
	$(PY) -m detect_secrets scan --all-files $(PLUGIN) metadata.txt README.md | \
	  $(PY) -c "import json,sys; r=json.load(sys.stdin)['results']; print(r or 'detect-secrets: no findings'); sys.exit(1 if r else 0)"

TR_SOURCES := $(shell find $(PLUGIN) -name '*.py' -not -path '*/__pycache__/*' | sort)

transup: deps
	pylupdate5 -noobsolete $(TR_SOURCES) -ts i18n/$(PLUGIN)_zh_CN.ts

transcompile: $(PLUGIN)/i18n/$(PLUGIN)_zh_CN.qm

$(PLUGIN)/i18n/$(PLUGIN)_zh_CN.qm: i18n/$(PLUGIN)_zh_CN.ts
	@mkdir -p $(PLUGIN)/i18n
	lrelease -silent $< -qm $@

package: deps transcompile
	$(PY) .ci/package.py --version $(VERSION) --out dist/$(PLUGIN)-$(VERSION).zip

validate: package
	$(PY) .ci/validate_zip.py dist/$(PLUGIN)-$(VERSION).zip

QGIS_PROFILE_DIR ?= $(HOME)/.local/share/QGIS/QGIS3/profiles/default
deploy: package
	mkdir -p $(QGIS_PROFILE_DIR)/python/plugins
	rm -rf $(QGIS_PROFILE_DIR)/python/plugins/$(PLUGIN)
	unzip -q -o dist/$(PLUGIN)-$(VERSION).zip -d $(QGIS_PROFILE_DIR)/python/plugins
	@echo "Deployed to $(QGIS_PROFILE_DIR)/python/plugins/$(PLUGIN); enable it in Plugins > Manage."

# QGIS desktop with the plugin straight from the checkout, in a profile of its own, seeing
# the same Python packages as the tests (.venv's site-packages ahead of the system's).
RUN_PROFILES := build/qgis-profiles
run: deps transcompile
	@mkdir -p build/plugins $(RUN_PROFILES)/profiles/default/QGIS
	@ln -sfn $(CURDIR)/$(PLUGIN) build/plugins/$(PLUGIN)
	@$(PY) .ci/run_profile.py $(RUN_PROFILES)/profiles/default/QGIS/QGIS3.ini
	PYTHONPATH=$$($(PY) -c "import sysconfig; print(sysconfig.get_paths()['purelib'])"):$(CURDIR) \
	QGIS_PLUGINPATH=$(CURDIR)/build/plugins \
	qgis --profiles-path $(CURDIR)/$(RUN_PROFILES) --nologo --noversioncheck $(RUN_ARGS)

demo: deps transcompile
	QT_QPA_PLATFORM=offscreen $(PY) -m $(PLUGIN).demo build/demo

bench: deps
	$(PY) -m pip install -q --group bench -c $(VENV)/os-constraints.txt
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --out docs/benchmarks.md

# Small scales, one run each, for development (under 2 minutes); docs/benchmarks.md is left alone.
bench-quick: deps
	@mkdir -p build
	QT_QPA_PLATFORM=offscreen $(PY) bench/run.py --quick --out build/benchmarks-quick.md

# Mutation testing of core/ (mutmut, configured in pyproject.toml) against every test that runs
# without QGIS; prints the kill rate and the survivors not known to be equivalent
# (test/mutation_report.py; the equivalent ones are listed, with reasons, in docs/testing.md).
# The routine mutates the modules of MUTANTS (1,595 mutants, about 22 minutes on the
# shared 2-core machine); all of core/ is 21,336 mutants, about 3 hours: `make mutate MUTANTS='*'`.
MUTANTS ?= stats codes validity lengths segmentation.reconcile
mutate: deps
	rm -rf mutants
	mkdir -p build
	$(PY) -m mutmut run $(foreach m,$(MUTANTS),'hezhang_plugin.core.$(m)*') > build/mutmut.log 2>&1 || \
	  (tail -c 2000 build/mutmut.log; exit 1)
	$(PY) test/mutation_report.py $(foreach m,$(MUTANTS),--only 'hezhang_plugin.core.$(m)*')

# Coverage of the whole suite, QgsTask threads and worker processes included: a .pth in .venv
# starts coverage in every Python process that has COVERAGE_PROCESS_START (removed afterwards).
COV_PTH = $(shell $(PY) -c "import sysconfig; print(sysconfig.get_paths()['purelib'])" 2>/dev/null)/hezhang-coverage.pth
coverage: deps transcompile
	rm -rf build/coverage && mkdir -p build/coverage
	echo "import coverage; coverage.process_startup()" > $(COV_PTH)
	COVERAGE_PROCESS_START=$(CURDIR)/pyproject.toml HEZHANG_COVERAGE=1 QT_QPA_PLATFORM=offscreen \
	  $(PY) -m pytest $(PYTEST_ARGS); status=$$?; rm -f $(COV_PTH); \
	  $(PY) -m coverage combine -q && $(PY) -m coverage html -q && \
	  $(PY) -m coverage report --sort=cover | tail -60; exit $$status

clean:
	rm -rf build dist mutants $(PLUGIN)/i18n/*.qm
	find . -name __pycache__ -prune -exec rm -rf {} +
