"""The app's tabs: one module per model in models.MODELS, in that order.

demos/<name>.py holds the tab's `TITLE` and `build()`, which lays out its components and
events inside a gr.Tab and calls only models/<name>/predict.py. A new tab adds its name to
models.MODELS and nothing here.
"""

import importlib

from models import MODELS

DEMOS = {name: importlib.import_module(f"demos.{name}") for name in MODELS}
