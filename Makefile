# fondsengine: the two commands are `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEB_PACKAGES := chromium poppler-utils postgresql

.PHONY: demo test install system-deps lint typecheck bench clean translations extract-messages

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP) translations

# The message catalogues (docs/i18n.md): .po files are in git, the .mo files are compiled here
# (and by setup.py into the wheel). A .mo is rebuilt whenever its .po is newer.
PO_FILES := $(wildcard webapp/translations/*/LC_MESSAGES/*.po fondsengine/translations/*/LC_MESSAGES/*.po)
MO_FILES := $(PO_FILES:.po=.mo)
translations: $(MO_FILES)
%.mo: %.po | $(STAMP)
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@ -l $(word 3,$(subst /, ,$<))

# German msgids out of templates and Python into the templates (.pot); then update the languages. The web app's
# catalogue also takes the resident's texts of the engine's label table (fondsengine/labels.py, marked N_).
extract-messages: install
	$(VENV)/bin/pybabel extract -F babel.cfg -o webapp/translations/messages.pot --no-location --omit-header --sort-output -k _l -k N_ webapp fondsengine/labels.py
	$(VENV)/bin/pybabel update -i webapp/translations/messages.pot -d webapp/translations --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel extract -F babel-mails.cfg -o fondsengine/translations/mails.pot --no-location --omit-header --sort-output -k _n -k mail_msgid fondsengine/notify fondsengine/letters
	$(VENV)/bin/pybabel update -i fondsengine/translations/mails.pot -d fondsengine/translations -D mails --no-fuzzy-matching --ignore-obsolete
	$(VENV)/bin/pybabel extract -F babel-workflows.cfg -o fondsengine/translations/workflows.pot --no-location --omit-header --sort-output workflows
	$(VENV)/bin/pybabel update -i fondsengine/translations/workflows.pot -d fondsengine/translations -D workflows --no-fuzzy-matching --ignore-obsolete

# Debian packages the suite needs (real Chromium, pdftotext, PostgreSQL). Only as root.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v pdftotext >/dev/null || missing="$$missing poppler-utils"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = "0" ]; then \
	    echo "Installing Debian packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	  else echo "Missing Debian packages:$$missing (run as root or install them)"; fi; \
	fi

test: install system-deps
	$(PY) -m pytest -q -n 2 --dist loadgroup

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: install system-deps
	$(PY) bench/lifecycle.py
	$(PY) bench/letters.py
	$(PY) bench/office.py --repeat 20
	$(PY) bench/budget.py
	$(PY) bench/workers.py
	$(PY) bench/web.py

# make demo PORT=8080 serves on another port; mail links follow it unless FONDS_BASE_URL is set
PORT ?= 5000
DEMO_ENV = FONDS_BASE_URL="$${FONDS_BASE_URL:-http://127.0.0.1:$(PORT)}"

demo: install
	@mkdir -p instance
	@test -s instance/secret_key || $(PY) -c "import secrets; print(secrets.token_hex(32))" > instance/secret_key
	$(VENV)/bin/fondsengine db upgrade
	$(VENV)/bin/fondsengine funds load
	$(VENV)/bin/fondsengine demo-data
	@$(DEMO_ENV) $(VENV)/bin/fondsengine jobs run send_mail > instance/demo-mails.log 2>&1 || true
	@echo "Webanwendung: http://127.0.0.1:$(PORT)  (Strg+C beendet Webanwendung und Zeitplaner; E-Mails landen in instance/mailbox.mbox)"
	@export $(DEMO_ENV) FONDS_SECRET_KEY=$$(cat instance/secret_key) FONDS_SECURE_COOKIES=false; \
	  trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  $(VENV)/bin/fondsengine scheduler & scheduler=$$!; \
	  $(VENV)/bin/fondsengine serve --bind 127.0.0.1:$(PORT)

clean:
	rm -rf $(VENV) artifacts .pytest_cache .mypy_cache .ruff_cache
