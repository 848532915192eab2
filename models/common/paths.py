"""Where data and weights live. Environment variables override the defaults.

GALLERY_DATA_DIR     data sets (default: ../shared/data beside the checkout if present, else ./data)
GALLERY_WEIGHTS_DIR  override for shipped weights (default: models/<name>/weights)
"""

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_ENV = "GALLERY_DATA_DIR"
WEIGHTS_ENV = "GALLERY_WEIGHTS_DIR"


def default_data_dir() -> Path:
    shared = ROOT.parent / "shared" / "data"
    return shared if shared.is_dir() else ROOT / "data"


def data_dir() -> Path:
    return Path(os.environ.get(DATA_ENV) or default_data_dir())


def weights_dir(model: str) -> Path:
    """models/<model>/weights, or $GALLERY_WEIGHTS_DIR/<model> when that is set."""
    override = os.environ.get(WEIGHTS_ENV)
    return Path(override) / model if override else ROOT / "models" / model / "weights"


# A weights variant's files share its stem: default.safetensors, default.log.jsonl, ...
WEIGHTS, LOG, METRICS = "safetensors", "log.jsonl", "metrics.json"


def artefact(folder: Path, variant: str, suffix: str) -> Path:
    """`folder/<variant>.<suffix>`: where training and evaluation write a variant's files."""
    return Path(folder) / f"{variant}.{suffix}"
