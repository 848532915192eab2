"""A net's settings as plain data: one dataclass per net, its fields' defaults and a comment
each, saved as JSON in the weights header (so `load()` rebuilds the net from the file alone)
and overridden on the command line with `--config key=value,...` (nanoGPT's configurator).

    @dataclass
    class Config(NetConfig):
        widths: tuple[int, ...] = (32, 64)  # channels per stage
        dropout: float = 0.2

    Config.from_dict({"widths": [32, 64], "dropout": 0.1})   # JSON lists back to tuples
    Config().with_overrides("widths=16/32,dropout=0")         # '/' separates tuple items
"""

import dataclasses
import typing
from typing import Any, Self

TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


@dataclasses.dataclass
class NetConfig:
    """Base of every net's Config: dict round trip and typed overrides, unknown keys refused."""

    def to_dict(self) -> dict:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Self:
        """The Config a weights header holds; ValueError for a key the net does not have."""
        names = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(d) - names)
        if unknown:
            raise ValueError(f"{cls.__qualname__} has no field {', '.join(map(repr, unknown))}")
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in d.items()})

    def with_overrides(self, text: str) -> Self:
        """A copy with 'key=value,...' applied, each value parsed as its field's type;
        ValueError names a key the Config lacks or a value that does not parse."""
        hints = typing.get_type_hints(type(self))
        changes = {}
        for item in filter(None, (part.strip() for part in text.split(","))):
            key, sep, value = item.partition("=")
            key = key.strip()
            if not sep or key not in hints:
                fields = ", ".join(hints)
                raise ValueError(f"--config {item!r}: expected key=value with a key of {fields}")
            changes[key] = parse_value(value.strip(), hints[key], getattr(self, key), key)
        return dataclasses.replace(self, **changes)


def parse_value(text: str, hint: Any, current: Any, key: str) -> Any:
    """`text` as the type of a field (its annotation, else the type of its current value)."""
    origin = typing.get_origin(hint)
    if origin is tuple or isinstance(current, tuple):
        args = typing.get_args(hint)
        item = args[0] if args else type(current[0]) if current else str
        parsed = tuple(parse_value(part, item, None, key) for part in text.split("/") if part)
        if args and Ellipsis not in args and len(parsed) != len(args):  # e.g. tuple[int, int]
            raise ValueError(f"--config {key}={text!r}: expected {len(args)} values")
        return parsed
    kind = hint if isinstance(hint, type) else type(current)
    try:
        if kind is bool:
            if text.lower() in TRUE:
                return True
            if text.lower() in FALSE:
                return False
            raise ValueError(f"not a boolean (use {'/'.join(TRUE[:1] + FALSE[:1])})")
        return kind(text)
    except ValueError as err:
        raise ValueError(f"--config {key}={text!r}: {err}") from None
