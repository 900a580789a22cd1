# Two commands for newcomers (see README.md):
#   make demo   the site with Dutch demo content at http://127.0.0.1:8000/
#   make test   the whole test suite on SQLite and PostgreSQL (scripts/test); STRICT=1 as in CI
# Everything else here is a helper of those two.

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
BOOTSTRAP_PYTHON := $(shell command -v python3.11 || command -v python3)
# Any .po file of our own (not of installed packages) means there is something to compile.
PO_FILES := $(shell find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o -name '*.po' -print)
STRICT_FLAG := $(if $(filter 1 true yes on,$(STRICT)),--strict)

.PHONY: help demo test venv requirements dev-requirements messages

help:
	@echo "make demo   start the site with demo content at http://127.0.0.1:8000/"
	@echo "make test   run the whole test suite (SQLite + PostgreSQL); make test STRICT=1 as CI does"

demo: requirements messages
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@echo
	@echo "Demo logins, password 'demo' for each:"
	@echo "  admin        site administrator (also /beheer/)"
	@echo "  facilitator  facilitator of two communities"
	@echo "  member       member of three communities, including the private one"
	@echo "  outsider     member of none"
	@echo
	$(PY) manage.py runserver 127.0.0.1:8000

test: dev-requirements messages
	scripts/test $(STRICT_FLAG) $(ARGS)

# -- helpers ------------------------------------------------------------------------------------

$(PY):
	@test -n "$(BOOTSTRAP_PYTHON)" || { echo "Python 3.11 is needed (Debian: apt-get install python3 python3-venv)"; exit 1; }
	$(BOOTSTRAP_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

venv: $(PY)

# Stamp files: pip runs again only when a requirements file changed.
$(VENV)/.requirements: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.dev-requirements: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.requirements

requirements: $(VENV)/.requirements
dev-requirements: $(VENV)/.dev-requirements

# Compiled translations (.mo) are build output, not in git.
messages: | $(PY)
ifneq ($(strip $(PO_FILES)),)
	@command -v msgfmt >/dev/null || { echo "msgfmt not found: apt-get install gettext"; exit 1; }
	$(PY) manage.py compilemessages --ignore=$(VENV) --ignore=node_modules
else
	@echo "No .po files yet: nothing to compile."
endif
