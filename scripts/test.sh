#!/usr/bin/env bash
# Set up and run every check: lint, unit, HTTP (gradio_client) and browser (Chromium) tests.
# Usage: bash scripts/test.sh [pytest args]      (CI runs this through .ci/run)
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's Chromium for the browser tests, and a CJK font so Chinese text renders in screenshots
if [ ! -x /usr/bin/chromium ] || [ ! -d /usr/share/fonts/truetype/wqy ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium fonts-wqy-microhei >/dev/null
fi
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/pip install -q --disable-pip-version-check -r requirements-dev.txt

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest "$@"
