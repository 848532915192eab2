"""The models this project trains, in the app's tab order: the one list a new tab joins.

Each name is a package under models/ that declares itself in its __init__.py
(`SPEC = ModelSpec(...)`, see models/common/spec.py); the app's tabs (demos/<name>.py),
`python -m models.train NAME` and `python -m models.evaluate NAME` all follow this list.
"""

import importlib

MODELS = (
    "digits",
    "cifar10",
    "pets",
    "style",
    "cyclegan",
    "sentiment",
    "translation",
    "summarization",
)


def get_spec(name: str):
    """The ModelSpec of a model in MODELS; KeyError naming the known ones otherwise."""
    if name not in MODELS:
        raise KeyError(f"unknown model {name!r}: one of {', '.join(MODELS)}")
    return importlib.import_module(f"models.{name}").SPEC
