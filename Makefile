# Two commands: `make demo` and `make test`; both set everything up from a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean-venv system-deps

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

# redis-server is a Debian package; the distributed-crawl tests start their own instance.
# chromium (Debian) renders the run report in tests/test_report.py.
system-deps:
	@command -v redis-server >/dev/null 2>&1 || { \
	  echo "installing redis-server (Debian package)"; \
	  (apt-get update -qq && apt-get install -y -qq redis-server) >/dev/null 2>&1 || \
	  echo "warning: could not install redis-server; the Redis tests will fail"; }
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "installing chromium (Debian package, for the report's browser test)"; \
	  (apt-get update -qq && apt-get install -y -qq chromium) >/dev/null 2>&1 || \
	  echo "warning: could not install chromium; the report's browser test will be skipped"; }

demo: $(STAMP)
	$(BIN)/zonenews demo -O data/demo.jsonl
	$(BIN)/zonenews report data/demo.jsonl -o data/demo.report.html
	@echo "demo report: $(CURDIR)/data/demo.report.html (open it in a browser)"

test: $(STAMP) system-deps
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

clean-venv:
	rm -rf $(VENV)
