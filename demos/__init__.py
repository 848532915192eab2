"""The registry of tabs, in display order: key -> (title, build, load).

`build()` lays out one tab's components and events inside a gr.Tab; `load()` loads its default
model (used by --preload and the benchmark; otherwise models load on first use).
"""

from collections.abc import Callable

from demos import cifar10, digits, sentiment
from models.cifar10.predict import get_model as load_cifar10
from models.digits.predict import get_model as load_digits
from models.sentiment.predict import get_model as load_sentiment

DEMOS: dict[str, tuple[str, Callable[[], None], Callable[[], object]]] = {
    "digits": ("Digits", digits.build, load_digits),
    "cifar10": ("CIFAR-10", cifar10.build, load_cifar10),
    "sentiment": ("中文情感 (Chinese sentiment)", sentiment.build, load_sentiment),
}
