# Two commands on a fresh Debian machine:
#   make run    set everything up and start MediaDesk (GUI with a display, else serve)
#   make test   set everything up and run the whole test suite
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test test-fast lint typecheck check lock package screenshots bench-gui bench-loop clean setup setup-test

setup:
	./scripts/bootstrap.sh run

setup-test:
	./scripts/bootstrap.sh test

run: setup
	$(BIN)/mediadesk

test: setup-test
	$(BIN)/python -m pytest -p no:cacheprovider

# The quick loop while iterating: everything except real-media and real-client tests.
test-fast: setup-test
	$(BIN)/python -m pytest -p no:cacheprovider -m "not slow and not e2e and not services"

lint: setup-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup-test
	$(BIN)/mypy

check: lint typecheck test

# A PyInstaller bundle in dist/mediadesk/, smoke-tested by packaging/build.sh itself
# (--version, a fresh library, a worker on PostgreSQL + Redis + S3); kept out of
# `make test` because it takes minutes.
package: setup-test
	./packaging/build.sh

# Re-pin every Python dependency (with hashes) after editing pyproject.toml.
lock: setup-test
	$(BIN)/pip-compile --quiet --extra dev --generate-hashes --strip-extras --no-emit-index-url \
		-o requirements.lock pyproject.toml

# PNGs of the desktop app (main window, player, job log) with a small sample library,
# rendered under Xvfb with the xcb platform so the player draws through OpenGL.
screenshots: setup-test
	xvfb-run -a -s "-screen 0 1600x1000x24" env QT_QPA_PLATFORM=xcb \
		$(BIN)/python scripts/screenshots.py docs/screenshots

# Cold start of the desktop app to a painted window with 10,000 media files.
bench-gui: setup-test
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python bench/gui_startup.py --platform xcb

# The worst stall of the app's event loop during an import, an encode, the first Play
# and dialogs (target: none over 200 ms).
bench-loop: setup-test
	xvfb-run -a -s "-screen 0 1600x1000x24" $(BIN)/python bench/event_loop.py --platform xcb

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
