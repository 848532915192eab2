"""Sample photos shipped with the app (models/common/samples/*.jpg): the tabs' examples, the
contact sheets and the tests, with no download and no image library for them.

They come from scikit-image's data folder (long side cut to 512 px, JPEG quality 92), each free
to use: chelsea (a cat; CC0, Stefan van der Walt), coffee (CC0, Rachel Michetti), astronaut
(Eileen Collins; NASA, public domain), rocket (DSCOVR on Falcon 9; SpaceX, public domain),
hubble_deep_field (NASA, public domain).
"""

from pathlib import Path

FOLDER = Path(__file__).parent / "samples"
NAMES = ("chelsea", "coffee", "astronaut", "rocket", "hubble_deep_field")


def sample(name: str) -> Path:
    """The path of a sample photo by name (one of NAMES); KeyError naming them otherwise."""
    if name not in NAMES:
        raise KeyError(f"no sample photo {name!r}: one of {', '.join(NAMES)}")
    return FOLDER / f"{name}.jpg"
