"""CycleGAN tab: upload a photo, pick a direction (apple -> orange, horse -> zebra, ...) and get
it translated beside the input; "round trip" also translates it back."""

import gradio as gr

from demos.common import (
    PRETRAINED,
    TRAINED,
    about_panel,
    endpoint,
    gpu,
    hub_fallback,
    image_events,
    image_output,
    image_upload,
    model_choice,
    notices_of,
    uploaded_path,
    user_errors,
)
from demos.i18n import t
from models.common.images import ImageInput
from models.common.loading import LazyModule
from models.common.samples import sample
from models.cyclegan import SPEC

cyclegan = LazyModule("models.cyclegan.predict")  # imported with torch by the first request
compressed = LazyModule("models.cyclegan.compressed")
hub = LazyModule("models.cyclegan.hub")
data = LazyModule("models.cyclegan.data")

TITLE = t("cyclegan.title")
# The API's names for the generators, after TRAINED and PRETRAINED; a new one goes at the end
# (clients send these values). "default" is the best shipped generator of each direction: GAN
# Compression's for horse2zebra, the one trained here for the others.
COMPRESSED, DEFAULT = "compressed", "default"
MODELS = [
    (t("cyclegan.trained"), TRAINED),
    (t("cyclegan.pretrained"), PRETRAINED),
    (t("cyclegan.compressed"), COMPRESSED),
    (t("cyclegan.default"), DEFAULT),
]
DIRECTIONS = [(t(f"cyclegan.{name}"), name) for name in SPEC.variants]  # API: apple2orange, ...
FIRST_DIRECTION = "horse2zebra"  # the tab opens on its strongest generator (GAN Compression's)
ONE_WAY, ROUND_TRIP = "one way", "round trip"  # what the tab shows
SHOWN = [(t("cyclegan.one_way"), ONE_WAY), (t("cyclegan.round_trip"), ROUND_TRIP)]

# Sample photos shipped with the app (models/common/samples). None shows an apple or a horse:
# they show what the nets do to other scenes (the orange tabby, the coffee's colours).
EXAMPLES = [str(sample(name)) for name in ("chelsea", "coffee", "astronaut")]


def resolve(model: str, direction: str) -> str:
    """The generator a model choice means for `direction` (InputError for an unknown one)."""
    model = model_choice(model, (TRAINED, PRETRAINED, COMPRESSED, DEFAULT))
    if model == DEFAULT:
        return COMPRESSED if direction in compressed.DIRECTIONS else TRAINED
    return model


def translation(image: ImageInput, direction: str, model: str = DEFAULT) -> "cyclegan.Translation":
    data.check_direction(direction)
    model = resolve(model, direction)
    if model == PRETRAINED:
        return hub.translate(image, direction)
    if model == COMPRESSED:
        return compressed.translate(image, direction)
    return cyclegan.translate(image, direction)


def back_model(model: str) -> str:
    """The generator of the way back: GAN Compression's exists for horse2zebra only, so its
    round trip comes back through the direction's default (the one trained here)."""
    return DEFAULT if model == COMPRESSED else model


@gpu
@user_errors
def translate(image: dict | None, direction: str, model: str = DEFAULT):
    """API /cyclegan: any image and a direction (apple2orange, orange2apple, horse2zebra,
    zebra2horse) -> the translated image, at the input's aspect ratio (long side up to 512).
    model: "default" (GAN Compression's generator for horse2zebra, else the one trained here),
    "trained" (trained here), "pretrained" (the CycleGAN authors' own, downloaded) or
    "compressed" (GAN Compression's, horse2zebra only)."""
    return translation(uploaded_path(image), direction, model).image


@gpu
@user_errors
def round_trip(image: dict | None, direction: str, model: str = DEFAULT):
    """API /cyclegan_round_trip: the image translated and back again, by the generators of a
    model choice of /cyclegan ("trained": the ones trained here both ways; the way back of
    "default" and "compressed" for horse2zebra is the zebra2horse generator trained here)."""
    there = translation(uploaded_path(image), direction, model)
    back = translation(there.image, data.reverse(direction), back_model(model))
    return there.image, back.image


@gpu
@user_errors
@hub_fallback(lambda notice: (None, None, notice))
def show(image: dict | None, direction: str, model: str = DEFAULT, shown: str = ONE_WAY):
    """The tab's one event: the translation, the way back when asked, and any notice."""
    if image is None:
        return None, None, ""
    there = translation(uploaded_path(image), direction, model)
    back = None
    if shown == ROUND_TRIP:  # (the way back may need another Hub file: the same notice)
        back = translation(there.image, data.reverse(direction), back_model(model)).image
    return there.image, back, notices_of([there.notice], mark="")


def build() -> None:
    gr.Markdown(t("cyclegan.intro"))
    with gr.Row():
        with gr.Column():
            image = image_upload(
                label=t("cyclegan.image"), sources=["upload", "clipboard"], height=320
            )
            direction = gr.Radio(DIRECTIONS, value=FIRST_DIRECTION, label=t("cyclegan.direction"))
            examples = gr.Examples(EXAMPLES, inputs=image, label=t("cyclegan.examples"))
            model = gr.Radio(MODELS, value=DEFAULT, label=t("common.model"))
            shown = gr.Radio(SHOWN, value=ONE_WAY, label=t("cyclegan.show"))
        with gr.Column():
            output = image_output(t("cyclegan.translated"))
            back = image_output(t("cyclegan.back"), height=240)
            note = gr.Markdown()
    about_panel(SPEC)

    image_events(
        image,
        examples,
        show,
        [image, direction, model, shown],
        [output, back, note],
        changes=[direction.change, model.change, shown.change],
        cleared=(None, None, ""),
    )
    endpoint(translate, [image, direction, model], output, api_name="cyclegan", preprocess=False)
    endpoint(
        round_trip,
        [image, direction, model],
        [output, back],
        api_name="cyclegan_round_trip",
        preprocess=False,
    )
