"""Every API endpoint of the app, found from the app itself, fed hostile input: each call ends in
a well-formed answer or a gr.Error whose message a person can act on, never an unexpected
exception (what demos.common.user_errors shows as "Something went wrong on the server").

A new tab is covered the moment it registers an endpoint: the endpoints, their input components
and the choices of those are read from `app.build_app()`. A component type with no strategy below
fails the test, so a new kind of input gets one.
"""

import contextlib
import io
import uuid
from dataclasses import dataclass
from pathlib import Path

import gradio as gr
import numpy as np
import orjson
import pytest
import torch
from gradio.data_classes import GradioModel, GradioRootModel
from gradio_client import handle_file
from gradio_client.exceptions import AppError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

import app
from models import MODELS, get_spec
from models.common.samples import sample
from tests.conftest import upload_folder

# PIL warns about the damaged and huge files these tests make, and gr.Warning outside a request
# (the pretrained choices offline) is a UserWarning: all expected here
pytestmark = [
    pytest.mark.filterwarnings("ignore::UserWarning"),
    pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning"),
]

# What a user must never see: our own message for an unexpected exception (a bug, logged with its
# traceback), and gradio_client's text for an exception Gradio itself caught.
GENERIC = (
    "Something went wrong on the server",
    "The upstream Gradio app has raised an exception",
)
UNKNOWN_CHOICE = "no-such-choice"  # a model or class name just outside the allowed ones
CHOICES = (gr.Radio, gr.Dropdown)
IMAGES = (gr.Image, gr.ImageEditor)  # gr.Sketchpad is an ImageEditor


def public_endpoints(blocks: gr.Blocks) -> dict:
    """api_name -> BlockFunction of every endpoint a client may call (demos.common.endpoint and
    the live sketch event); Gradio's own example loaders are "undocumented", not ours."""
    return {
        fn.api_name: fn
        for fn in blocks.fns.values()
        if fn.api_name and fn.api_visibility == "public"
    }


BLOCKS = app.build_app()  # no model loads here; each loads on first use, once per session
ENDPOINTS = public_endpoints(BLOCKS)


def tab_of(block_fn) -> str:
    """The tab an event belongs to: its function's module, demos/<name>.py."""
    return block_fn.fn.__module__.rpartition(".")[2]


def trained(block_fn) -> bool:
    """Whether the weights of the event's tab are there (a tab whose model is still training
    has none yet, and says so)."""
    tab = tab_of(block_fn)
    if tab not in MODELS:
        return True
    spec = get_spec(tab)
    return all(spec.weights_path(variant).is_file() for variant in spec.variants)


def endpoints_with(kinds: tuple) -> list[str]:
    return [name for name, fn in ENDPOINTS.items() if any(isinstance(c, kinds) for c in fn.inputs)]


# ---- files: every PIL mode, every format that holds it, odd sizes, damaged and foreign bytes

# every PIL mode; "P+t" is P with one palette colour transparent (PNG and GIF keep it)
MODES = ("1", "L", "LA", "P", "P+t", "RGB", "RGBA", "CMYK", "YCbCr", "I", "I;16", "F")
FORMATS = {"PNG": ".png", "JPEG": ".jpg", "WEBP": ".webp", "TIFF": ".tif", "GIF": ".gif"}
PATTERNS = ("ink", "noise", "white", "black", "colour")  # ink: a dark 7 on light paper
DAMAGES = ("truncated", "scrambled", "header-only")


def picture(pattern: str, size: tuple[int, int]) -> Image.Image:
    """An RGB picture of `size`: a flat colour, noise, or a 7 in dark ink on white."""
    if pattern == "noise":
        rng = np.random.default_rng(size[0] * 7919 + size[1])
        return Image.fromarray(rng.integers(0, 256, (size[1], size[0], 3), dtype=np.uint8))
    if pattern != "ink":
        colour = {"white": (255, 255, 255), "black": (0, 0, 0), "colour": (200, 120, 40)}
        return Image.new("RGB", size, colour[pattern])
    w, h = size
    image = Image.new("RGB", size, "white")
    ImageDraw.Draw(image).line(
        [(0.25 * w, 0.15 * h), (0.75 * w, 0.15 * h), (0.45 * w, 0.85 * h)],
        fill="black",
        width=max(1, min(w, h) // 8),
    )
    return image


def in_mode(rgb: Image.Image, mode: str) -> Image.Image:
    """`rgb` as an image of a PIL mode, wide modes scaled as their files hold them (16-bit white
    is 65535, float white 1.0), alpha modes with their left half see-through."""
    grey = np.asarray(rgb.convert("L"))
    if mode == "F":
        return Image.fromarray(grey.astype(np.float32) / 255)
    if mode == "I":
        return Image.fromarray(grey.astype(np.int32) * 257)
    if mode == "I;16":
        return Image.fromarray(grey.astype(np.uint16) * 257)
    if mode == "P+t":  # a palette with one colour (the top-left pixel's) transparent
        image = rgb.convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
        image.info["transparency"] = image.getpixel((0, 0))
        return image
    image = rgb.convert(mode)
    if mode in ("LA", "RGBA"):
        alpha = Image.new("L", rgb.size, 255)
        alpha.paste(0, (0, 0, rgb.width // 2, rgb.height))
        image.putalpha(alpha)
    return image


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    key = image.info.get("transparency")
    image.save(buffer, fmt, **({"transparency": key} if key is not None else {}))
    return buffer.getvalue()


def holds(mode: str, fmt: str) -> bool:
    """Whether PIL writes `mode` as `fmt` (converting it as that format's writer does) and reads
    the file back."""
    try:
        data = encode(in_mode(picture("ink", (8, 6)), mode), fmt)
        Image.open(io.BytesIO(data)).load()
    except (OSError, ValueError, KeyError):
        return False
    return True


SAVABLE = [(mode, fmt) for mode in MODES for fmt in FORMATS if holds(mode, fmt)]


@dataclass(frozen=True)
class ImageFile:
    """An image file to upload: PIL mode, (width, height), format, what it shows, and how its
    bytes are damaged ("" = not at all)."""

    mode: str = "RGB"
    size: tuple[int, int] = (64, 48)
    format: str = "PNG"
    pattern: str = "ink"
    damage: str = ""

    def suffix(self) -> str:
        return FORMATS[self.format]

    def data(self) -> bytes:
        data = encode(in_mode(picture(self.pattern, self.size), self.mode), self.format)
        if self.damage == "truncated":
            return data[: len(data) // 2]
        if self.damage == "header-only":
            return data[:16]
        if self.damage == "scrambled":  # the middle half flipped: headers intact, data garbage
            scrambled = bytearray(data)
            for i in range(len(data) // 4, 3 * len(data) // 4):
                scrambled[i] ^= 0x5A
            return bytes(scrambled)
        return data


def png_claiming(width: int, height: int) -> bytes:
    """A 1x1 PNG whose header says width x height (a decompression bomb's shape, not its size)."""
    import struct
    import zlib

    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    ihdr = data[12:29]  # chunk type + 13 bytes of IHDR
    ihdr[4:12] = struct.pack(">II", width, height)
    data[12:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(ihdr)))
    return bytes(data)


OTHER_FILES = {
    "empty": b"",
    "text": "好评，hello\n".encode(),
    "html": b"<!doctype html><script>alert(1)</script>",
    "pdf": b"%PDF-1.4\n1 0 obj<<>>endobj\n%%EOF",
    "zip": b"PK\x03\x04" + bytes(26) + b"not really a zip",
    "random": bytes(np.random.default_rng(1).integers(0, 256, 4096, dtype=np.uint8)),
    "bomb": png_claiming(30_000, 30_000),  # 900 megapixels claimed
    "huge-bomb": png_claiming(60_000, 60_000),  # over PIL's own DecompressionBombError limit
}


@dataclass(frozen=True)
class OtherFile:
    """A file that is not an image, whatever its name (".png") says."""

    kind: str

    def suffix(self) -> str:
        return ".png"

    def data(self) -> bytes:
        return OTHER_FILES[self.kind]


@dataclass(frozen=True)
class PhotoFile:
    """One of the sample photos the app ships (models/common/samples), uploaded as it is."""

    name: str

    def suffix(self) -> str:
        return ".jpg"

    def data(self) -> bytes:
        return sample(self.name).read_bytes()


@dataclass(frozen=True)
class Sketch:
    """A Sketchpad value as the browser sends it: image files for background, layers, composite."""

    background: ImageFile | None = None
    layers: tuple[ImageFile, ...] = ()
    composite: ImageFile | None = None


class Files:
    """Writes each file spec once into `folder` and hands out its path."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.written: dict = {}

    def path(self, spec: "ImageFile | OtherFile | PhotoFile") -> str:
        if spec not in self.written:
            path = self.folder / f"{uuid.uuid4().hex}{spec.suffix()}"
            path.write_bytes(spec.data())
            self.written[spec] = str(path)
        return self.written[spec]


def file_data(path: str) -> dict:
    return {"path": path, "meta": {"_type": "gradio.FileData"}}


def raw_value(spec, files: Files):
    """The value the browser or a client sends for a component (files as FileData dicts)."""
    if isinstance(spec, ImageFile | OtherFile | PhotoFile):
        return file_data(files.path(spec))
    if isinstance(spec, Sketch):
        return {
            "background": spec.background and file_data(files.path(spec.background)),
            "layers": [file_data(files.path(layer)) for layer in spec.layers],
            "composite": spec.composite and file_data(files.path(spec.composite)),
        }
    return spec


def gradio_inputs(block_fn, raw: list) -> list:
    """What Gradio passes the event's function for these raw values (blocks.preprocess_data):
    the component's data model, then its preprocess when the event has preprocess=True, else
    the model's plain dict (the image endpoints run with preprocess=False)."""
    values = []
    for component, value in zip(block_fn.inputs, raw, strict=True):
        model = getattr(component, "data_model", None)
        if model is not None and value is not None:
            value = model.model_validate(value, context={"validate_meta": True})
        if block_fn.preprocess:
            value = component.preprocess(value)
        elif isinstance(value, GradioModel | GradioRootModel):
            value = value.model_dump()
        values.append(value)
    return values


def answer_or_message(block_fn, raw: list) -> str | None:
    """Run the endpoint as Gradio would: None when it answered with outputs its components can
    postprocess and Gradio can send as JSON, else the gr.Error's message. Any other exception
    propagates: that is the bug these tests look for."""
    try:
        result = block_fn.fn(*gradio_inputs(block_fn, raw))
    except gr.Error as err:
        return err.message
    outputs = result if len(block_fn.outputs) > 1 else (result,)
    for component, value in zip(block_fn.outputs, outputs, strict=True):
        if isinstance(value, gr.components.Component):  # an update with new props, as Gradio
            value = value.constructor_args.get("value")  # unpacks it: its value is postprocessed
        sent = component.postprocess(value)
        if isinstance(sent, GradioModel | GradioRootModel):
            sent = sent.model_dump()
        # as gradio.routes sends each message: lone surrogates, say, fail here
        orjson.dumps(sent, default=str, option=orjson.OPT_SERIALIZE_NUMPY)
    return None


def actionable(message: str) -> bool:
    """A message a person can act on: says something, and is not a bug's or Gradio's generic text."""
    return (
        bool(message.strip())
        and "Traceback" not in message
        and not any(text in message for text in GENERIC)
    )


def assert_answers_or_explains(block_fn, raw: list) -> str | None:
    message = answer_or_message(block_fn, raw)
    assert message is None or actionable(message), f"/{block_fn.api_name}: {message}"
    return message


def assert_answers(block_fn, raw: list) -> None:
    """An answer; from a tab whose weights are not there yet, the message saying how to make
    them."""
    message = answer_or_message(block_fn, raw)
    if trained(block_fn):
        assert message is None, f"{block_fn.name}: {message}"
    else:
        assert message and "rebuild it with" in message, f"{block_fn.name}: {message}"


@contextlib.contextmanager
def one_torch_thread():
    """Model calls on one thread: on this shared 2-core machine, two torch threads spin in each
    other's way (a CIFAR-10 call measured 30x slower with 2 than with 1 while other jobs ran).
    These tests look at outcomes, not speed."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(scope="module", autouse=True)
def offline():
    """No network probe for the Hub's models: their choices must answer at once, saying so."""
    with pytest.MonkeyPatch.context() as patch, one_torch_thread():
        patch.setenv("HF_HUB_OFFLINE", "1")
        yield


@pytest.fixture(scope="module")
def files() -> Files:
    with upload_folder() as folder:  # where the app reads uploads from
        yield Files(folder)


# ---- hypothesis strategies, one per component type

HOSTILE_TEXTS = (
    "",
    " ",
    "\t\r\n \u3000\u00a0",
    "\x00\x07\x08\x1b[2J\x7f\x9b",  # control characters, an ANSI escape
    "\u200b\u200d\u200e\ufeff",  # zero-width characters, BOM
    "😀👍🏽👨‍👩‍👧🇨🇳",
    "酒店很好 great hotel とても良い 좋아요 отлично",
    "服务很好 الخدمة ممتازة השירות מצוין",  # right-to-left scripts in a Chinese review
    "\u202e很好不\u202c，\u2067服务\u2069",  # bidirectional overrides and isolates
    "<script>alert(1)</script><img src=x onerror=alert(1)>**差**评",
    "好" * 200_000,
    "A" * 200_000,
    "好\ud800评",  # a lone surrogate: valid JSON ("\\ud800"), not valid Unicode
)

sizes = st.one_of(
    st.tuples(st.integers(1, 64), st.integers(1, 64)),
    st.tuples(st.integers(1, 3), st.integers(512, 4096)),  # a thin column
    st.tuples(st.integers(512, 4096), st.integers(1, 3)),  # a thin row
    st.sampled_from([(1, 1), (4096, 4096), (4096, 700)]),
)


@st.composite
def image_files(draw, damaged: bool = True) -> ImageFile:
    mode, fmt = draw(st.sampled_from(SAVABLE))
    size = draw(sizes)
    # large ones flat, so writing and decoding them stays fast
    pattern = draw(st.sampled_from(PATTERNS)) if size[0] * size[1] <= 256 * 256 else "white"
    damage = draw(st.sampled_from(("", *DAMAGES))) if damaged else ""
    return ImageFile(mode, size, fmt, pattern, damage)


uploads = st.one_of(st.none(), image_files(), st.sampled_from(sorted(OTHER_FILES)).map(OtherFile))
# Only files Gradio's own Sketchpad preprocess decodes: one it cannot fails before our code runs
# (a demos bug, see test_sketch_endpoint_says_what_is_wrong_with_an_unreadable_drawing).
drawings = st.builds(
    Sketch,
    background=st.none() | image_files(damaged=False),
    layers=st.lists(image_files(damaged=False), max_size=2).map(tuple),
    composite=st.none() | image_files(damaged=False),
)
texts = st.one_of(
    st.sampled_from(HOSTILE_TEXTS),
    st.text(max_size=300),
    st.builds(str.__add__, st.sampled_from(HOSTILE_TEXTS[:10]), st.text(max_size=40)),
)


def choice_values(component) -> list:
    return [value for _, value in component.choices]


def slider_edges(component) -> list[float]:
    """Its ends, and a step past each (Gradio's own preprocess refuses those)."""
    step = component.step or 1
    low, high = component.minimum, component.maximum
    return [low, high, low - step, high + step]


def strategy_for(component) -> st.SearchStrategy:
    if isinstance(component, gr.ImageEditor):
        return st.none() | drawings
    if isinstance(component, gr.Image):
        return uploads
    if isinstance(component, gr.Textbox):
        return st.none() | texts
    if isinstance(component, CHOICES):
        return st.sampled_from([*choice_values(component), UNKNOWN_CHOICE])
    if isinstance(component, gr.JSON):  # the batch endpoint: a list of reviews
        return st.lists(texts, max_size=6)
    if isinstance(component, gr.Slider):
        return st.floats(component.minimum, component.maximum) | st.sampled_from(
            slider_edges(component)
        )
    pytest.fail(f"no strategy for a {type(component).__name__} input: add one to this file")


@pytest.mark.parametrize("api_name", ENDPOINTS)
@settings(
    max_examples=12,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(data=st.data())
def test_every_endpoint_answers_any_input_or_says_what_is_wrong(api_name, data, files):
    block_fn = ENDPOINTS[api_name]
    specs = [
        data.draw(strategy_for(c), label=f"{type(c).__name__} {c.label or ''}")
        for c in block_fn.inputs
    ]
    assert_answers_or_explains(block_fn, [raw_value(spec, files) for spec in specs])


# ---- every mode, format, size and choice at least once (a few hypothesis examples cannot)

TYPICAL_REVIEW = "房间干净，服务热情，早餐丰富，下次还住这里。"


def typical(component):
    """A value a person would give this component: a drawn 7, a review, the default choice."""
    if isinstance(component, gr.ImageEditor):
        return Sketch(composite=ImageFile("RGBA", (280, 280)))
    if isinstance(component, gr.Image):
        return ImageFile("RGB", (280, 280))
    if isinstance(component, gr.Textbox):
        return TYPICAL_REVIEW
    if isinstance(component, gr.JSON):
        return [TYPICAL_REVIEW, "质量太差了，再也不买了。"]
    if isinstance(component, (*CHOICES, gr.Slider)):
        return component.value
    if isinstance(component, gr.File | gr.State):  # (the batch tab's upload, its private state)
        return component.value
    pytest.fail(f"no typical value for a {type(component).__name__} input: add one")


# ---- valid input gets a real answer: a tab refusing everything must not pass the tests above

VALID_TEXTS = {  # per tab: text its model is made for
    "sentiment": TYPICAL_REVIEW,
    "translation": "我们明天去公园。",
    "summarization": (
        "The city council approved a plan to build more bike lanes on Tuesday. The plan adds "
        "forty kilometres of protected lanes over three years. Supporters say the lanes will "
        "make cycling safer. Some shop owners worry about losing parking. The first lanes open "
        "next spring."
    ),
}


def valid_example(block_fn) -> list:
    """Raw inputs a person would give this endpoint: a real photo (a drawn 7 for the digits
    tab; a painting as the second image, the style), its tab's kind of text, the defaults."""
    tab, specs, images = tab_of(block_fn), [], 0
    for component in block_fn.inputs:
        if isinstance(component, gr.Image) and not isinstance(component, gr.ImageEditor):
            photo = "hubble_deep_field" if images else "chelsea"
            specs.append(ImageFile("RGB", (280, 280)) if tab == "digits" else PhotoFile(photo))
            images += 1
        elif isinstance(component, gr.Textbox):
            specs.append(VALID_TEXTS.get(tab, TYPICAL_REVIEW))
        else:
            specs.append(typical(component))
    return specs


@pytest.mark.parametrize("api_name", ENDPOINTS)
def test_every_endpoint_answers_a_valid_example_with_a_real_answer(api_name, files):
    block_fn = ENDPOINTS[api_name]
    assert_answers(block_fn, [raw_value(spec, files) for spec in valid_example(block_fn)])


def with_image(block_fn, image: ImageFile, files: Files) -> list:
    """Raw inputs of an image endpoint: `image` in its image input, typical values elsewhere."""
    raw = []
    for component in block_fn.inputs:
        if isinstance(component, gr.ImageEditor):
            raw.append(Sketch(composite=image))
        elif isinstance(component, gr.Image):
            raw.append(image)
        else:
            raw.append(typical(component))
    return [raw_value(spec, files) for spec in raw]


def still_shows_the_picture(image: ImageFile) -> bool:
    """Whether the file, as its format's writer kept it, still shows ink on paper."""
    low, high = Image.open(io.BytesIO(image.data())).convert("L").getextrema()
    return high - low > 64


IMAGE_TABS = sorted({tab_of(ENDPOINTS[name]) for name in endpoints_with(IMAGES)})


@pytest.mark.parametrize("tab", IMAGE_TABS)
def test_every_image_tab_answers_every_pil_mode_in_every_format_that_holds_it(tab, files):
    """Each mode and format through the tab's decoding and conversion, which its endpoints share:
    they take turns (every one of them on every combination would take a minute)."""
    endpoints = [
        ENDPOINTS[name] for name in endpoints_with(IMAGES) if tab_of(ENDPOINTS[name]) == tab
    ]
    assert len(SAVABLE) >= 40  # (what this PIL writes and reads back: a guard against a typo)
    for k, (mode, fmt) in enumerate(SAVABLE):
        block_fn = endpoints[k % len(endpoints)]
        image = ImageFile(mode, format=fmt)
        raw = with_image(block_fn, image, files)
        if still_shows_the_picture(image):
            assert_answers(block_fn, raw)
        else:  # (a float image written as 8 bits is black: "blank" is then the right answer)
            assert_answers_or_explains(block_fn, raw)


EXTREME_SIZES = [  # the large ones flat: fast to write and decode
    ImageFile("1", (1, 1)),
    ImageFile("RGB", (1, 4096), "JPEG"),
    ImageFile("L", (4096, 1), "GIF"),
    ImageFile("RGBA", (3, 4096), "WEBP"),
    ImageFile("RGB", (4096, 4096), "PNG", "white"),  # the most a PNG may have: decoded in full
    ImageFile("RGB", (4096, 4096), "JPEG", "colour"),
    ImageFile("RGB", (4097, 4096), "PNG", "white"),  # refused before decoding (16 MP)
    ImageFile("RGB", (4097, 4096), "JPEG", "white"),  # decoded at reduced size
]


@pytest.mark.parametrize("api_name", endpoints_with(IMAGES))
def test_every_image_endpoint_answers_any_size_from_one_pixel_to_the_limit(api_name, files):
    """1x1 to 4096 a side and extreme aspect ratios answer; an uploaded PNG one pixel column over
    the 16-megapixel limit of non-JPEG files is refused with a message naming the limit."""
    block_fn = ENDPOINTS[api_name]
    for image in EXTREME_SIZES:
        message = assert_answers_or_explains(block_fn, with_image(block_fn, image, files))
        uploaded = any(type(c) is gr.Image for c in block_fn.inputs)  # (a sketch: Gradio decodes)
        if image.size == (4097, 4096) and image.format == "PNG" and uploaded and trained(block_fn):
            assert message and "megapixels" in message


@pytest.mark.parametrize("api_name", endpoints_with(CHOICES))
def test_every_choice_and_an_unknown_one_answers_or_says_what_is_wrong(api_name, files):
    block_fn = ENDPOINTS[api_name]
    for i, component in enumerate(block_fn.inputs):
        if not isinstance(component, CHOICES):
            continue
        for choice in [*choice_values(component), UNKNOWN_CHOICE]:
            specs = valid_example(block_fn)
            specs[i] = choice
            raw = [raw_value(spec, files) for spec in specs]
            if choice == UNKNOWN_CHOICE:  # refused, never answered by some other model
                message = assert_answers_or_explains(block_fn, raw)
                assert message, f"/{api_name} answered the unknown choice {choice!r}"
            elif "pretrained" in str(choice):  # offline here: answers or says it needs internet
                assert_answers_or_explains(block_fn, raw)
            else:
                assert_answers(block_fn, raw)


def test_the_pretrained_choices_say_they_need_internet_and_the_trained_model_answers(files):
    """Offline (HF_HUB_OFFLINE=1), a pretrained model's choice says it needs internet and that
    the model trained here still works; the same input with the default choice answers before
    and after. (Where the pretrained model is in the local cache, it answers.)"""
    for block_fn in ENDPOINTS.values():
        for i, component in enumerate(block_fn.inputs):
            if not isinstance(component, CHOICES):
                continue
            for choice in [v for v in choice_values(component) if "pretrained" in str(v)]:
                default = [raw_value(typical(c), files) for c in block_fn.inputs]
                assert_answers(block_fn, default)
                message = answer_or_message(block_fn, [*default[:i], choice, *default[i + 1 :]])
                assert message is None or ("internet" in message and "still works" in message)
                assert_answers(block_fn, default)


# ---- regressions: the exact inputs these tests found, each fixed


def test_batch_endpoint_answers_reviews_with_lone_surrogates():
    """A JSON client may send "\\ud800" (valid JSON, not valid Unicode): the table echoing the
    reviews could not be sent (orjson refuses surrogates), so Gradio showed its generic error.
    Fixed in models.sentiment (limit_reviews gives U+FFFD for them)."""
    block_fn = ENDPOINTS["sentiment_batch"]
    assert answer_or_message(block_fn, [["\ud800", "好\udfff好", "物流很快"]]) is None
    rows = block_fn.fn(["好\udfff好"])
    assert rows[0][0] == "好\ufffd好"


def test_analysis_of_a_review_with_lone_surrogates_can_be_sent():
    """The tab's own analysis returns the review's words (HighlightedText): valid Unicode too."""
    from models.sentiment.predict import analyse

    analysis = analyse("服务很好\ud800")
    orjson.dumps(analysis.tokens)
    assert "\ufffd" in "".join(analysis.tokens)


@pytest.mark.parametrize(
    "claimed",
    [
        (10_000, 10_000),  # 100 MP: over our 67 MP limit, under PIL's own bomb limit
        (30_000, 30_000),  # 900 MP: PIL's own DecompressionBombError comes first
    ],
    ids=["100MP", "900MP"],
)
def test_an_upload_over_the_pixel_limit_is_refused_as_too_large_not_as_unreadable(claimed, files):
    path = files.folder / f"huge-{claimed[0]}.png"
    path.write_bytes(png_claiming(*claimed))  # only the header: nothing is ever decoded
    for api_name in endpoints_with((gr.Image,)):
        block_fn = ENDPOINTS[api_name]
        if trained(block_fn) and type(block_fn.inputs[0]) is gr.Image:
            specs = [typical(c) for c in block_fn.inputs[1:]]
            raw = [file_data(str(path)), *(raw_value(s, files) for s in specs)]
            message = answer_or_message(block_fn, raw)
            assert message and "megapixels" in message, f"/{api_name}: {message}"


@pytest.mark.parametrize(
    "sketch",
    [
        Sketch(composite=OtherFile("text")),
        Sketch(composite=ImageFile(damage="truncated")),
        Sketch(background=OtherFile("empty"), composite=ImageFile()),
        Sketch(composite=OtherFile("huge-bomb")),
    ],
    ids=["text-composite", "truncated-composite", "empty-background", "bomb-composite"],
)
def test_sketch_endpoint_says_what_is_wrong_with_an_unreadable_drawing(sketch, files):
    block_fn = ENDPOINTS["digits_sketch"]
    assert_answers_or_explains(block_fn, [raw_value(sketch, files)])


@pytest.mark.parametrize("value", [5, 2.5, True, "not a list", {"text": "好"}, [None, 3]])
def test_batch_endpoint_says_what_is_wrong_with_a_value_that_is_not_a_list(value):
    assert_answers_or_explains(ENDPOINTS["sentiment_batch"], [value])


# ---- the same kinds of input through the running app, as a gradio_client user sends them

CLIENT_FILES = [
    OtherFile("text"),
    OtherFile("empty"),
    OtherFile("bomb"),
    ImageFile(format="JPEG", damage="truncated"),
    ImageFile("I;16", (1, 4096), pattern="white"),
    ImageFile("RGB", (4097, 4096), pattern="white"),  # over the 16 MP limit of a PNG
]
CLIENT_DRAWINGS = [  # (the sketch event reads API clients' files itself: see demos.digits.drawing)
    OtherFile("text"),
    OtherFile("bomb"),
    ImageFile(format="PNG", damage="truncated"),
    ImageFile("I;16", (1, 4096), pattern="white"),
    ImageFile("P+t", (1, 1), "GIF"),
    ImageFile("RGB", (4097, 4096), pattern="white"),
]
CLIENT_TEXTS = [
    "",
    " \t\n",
    HOSTILE_TEXTS[3],
    HOSTILE_TEXTS[5] + HOSTILE_TEXTS[7],
    HOSTILE_TEXTS[9],
    "好" * 200_000,
]
CLIENT_LISTS = [[], ["", "  "], CLIENT_TEXTS, "not a list", {"text": "好"}, [None, 3, ["好"]]]


def client_value(spec, files: Files):
    if isinstance(spec, ImageFile | OtherFile):
        return handle_file(files.path(spec))
    if isinstance(spec, Sketch):
        return {"background": None, "layers": [], "composite": client_value(spec.composite, files)}
    return spec


def hostile_values(component) -> list:
    if isinstance(component, gr.ImageEditor):
        return [Sketch(composite=image) for image in CLIENT_DRAWINGS]
    if isinstance(component, gr.Image):
        return [None, *CLIENT_FILES]
    if isinstance(component, gr.Textbox):
        return CLIENT_TEXTS
    if isinstance(component, gr.JSON):
        return CLIENT_LISTS
    if isinstance(component, CHOICES):
        return [UNKNOWN_CHOICE]
    if isinstance(component, gr.Slider):
        return slider_edges(component)[2:]
    pytest.fail(f"no hostile values for a {type(component).__name__} input: add some")


@pytest.mark.parametrize("api_name", ENDPOINTS)
def test_the_running_app_shows_our_message_for_hostile_input(api_name, client, files):
    """Each input of each endpoint gets hostile values (the others typical ones): the client
    gets an answer, or an AppError whose text is our message (the one the function gives for
    the same input), never Gradio's generic one."""
    block_fn = ENDPOINTS[api_name]
    for i, component in enumerate(block_fn.inputs):
        for spec in hostile_values(component):
            specs = [typical(c) for c in block_fn.inputs]
            specs[i] = spec
            expected = answer_or_message(block_fn, [raw_value(s, files) for s in specs])
            case = f"/{api_name} {spec!r:.120}"
            try:
                client.predict(*(client_value(s, files) for s in specs), api_name=f"/{api_name}")
            except AppError as err:
                assert actionable(str(err)), f"{case}: {err}"
                assert str(err) == expected, f"{case}: the app said {err}, the function {expected}"
            else:
                assert expected is None, f"{case}: the app answered, the function said {expected}"
