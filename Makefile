# The two commands in the README: `make run` and `make test`. Everything else they need is here.
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup translations browser-deps lint check serve

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

run: setup
	$(BIN)/flask --app app course init-db
	$(BIN)/flask --app app course demo
	COURSE_CONTENT_AUTO_RELOAD=true $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

lint: $(BIN)/flask
	$(BIN)/ruff check .

check: $(BIN)/flask
	$(BIN)/flask --app app course check

test: setup browser-deps lint check
	$(BIN)/pytest
