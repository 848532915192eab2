"""Where data and weights live. The app's --data-dir (use_data_dir), else environment variables,
override the defaults, as the device is chosen (models/common/device.py):

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


_data_dir: Path | None = None  # what use_data_dir was told


def use_data_dir(path: Path | str) -> None:
    """Set the data sets' root for this process (the app calls it once, with --data-dir)."""
    global _data_dir
    _data_dir = Path(path)


def data_dir() -> Path:
    """The root use_data_dir set, else $GALLERY_DATA_DIR, else the default."""
    return _data_dir or Path(os.environ.get(DATA_ENV) or default_data_dir())


def weights_dir(model: str) -> Path:
    """models/<model>/weights, or $GALLERY_WEIGHTS_DIR/<model> when that is set."""
    override = os.environ.get(WEIGHTS_ENV)
    return Path(override) / model if override else ROOT / "models" / model / "weights"


# A weights variant's files share its stem: default.safetensors, default.log.jsonl, ...
WEIGHTS, LOG, METRICS = "safetensors", "log.jsonl", "metrics.json"


def artefact(folder: Path, variant: str, suffix: str) -> Path:
    """`folder/<variant>.<suffix>`: where training and evaluation write a variant's files."""
    return Path(folder) / f"{variant}.{suffix}"
