"""CIFAR-10 tab: upload any photo and see the top-5 of the ten CIFAR-10 classes."""

import gradio as gr
from PIL import Image

from demos.common import (
    BATCHED_CALLS,
    PRETRAINED,
    TRAINED,
    about_panel,
    endpoint,
    gpu,
    image_events,
    image_upload,
    model_choice,
    uploaded_path,
    user_errors,
)
from demos.i18n import label_names, t, text
from models.cifar10 import HUB_MODEL, LABELS, SPEC
from models.common.hub import HubUnavailable
from models.common.images import ImageInput, center_square, overlay_heatmap
from models.common.loading import LazyModule
from models.common.samples import sample

cifar10 = LazyModule("models.cifar10.predict")  # imported with torch by the first request
hub = LazyModule("models.cifar10.hub")

TITLE = t("cifar10.title")
PREVIEW_SIZE = 192  # the 32x32 input shown enlarged, pixelated
TOP_CLASS = "top class"
MODELS = [
    (t("cifar10.trained"), TRAINED),
    (f"{t('cifar10.pretrained')} {HUB_MODEL}", PRETRAINED),  # (the colon: in the string)
]

# Sample photos shipped with the app: a cat, a rocket, a person and a coffee cup (the last two
# are no CIFAR-10 class: the model must still pick one of ten).
EXAMPLES = [str(sample(name)) for name in ("chelsea", "rocket", "astronaut", "coffee")]


def prediction(image: ImageInput, model: str) -> dict[str, float]:
    if model_choice(model, (TRAINED, PRETRAINED)) == PRETRAINED:
        return hub.predict(image)
    return cifar10.predict(image)


def model_input(image: ImageInput) -> Image.Image:
    small = cifar10.preprocess(image)
    return small.resize((PREVIEW_SIZE, PREVIEW_SIZE), Image.Resampling.NEAREST)


def heat_map(image: ImageInput, label: str | None) -> tuple[Image.Image, str]:
    """The Grad-CAM overlay on the centre square the model sees, and the class it explains."""
    heat, shown = cifar10.gradcam(
        image, None if label in (None, TOP_CLASS) else label, PREVIEW_SIZE
    )
    square = center_square(cifar10.load_photo(image), PREVIEW_SIZE)
    return overlay_heatmap(square, heat), shown


def caption(shown: str, label: str | None) -> str:
    """Which class the heat map shows, in the request's language."""
    key = "cifar10.cam_of_top" if label in (None, TOP_CLASS) else "cifar10.cam_of"
    return text(key, label=text(f"labels.{shown}"))


@gpu
@user_errors
def classify(image: dict | None, model: str = TRAINED) -> dict[str, float]:
    """API /cifar10: any image -> probabilities of the ten CIFAR-10 classes, from the model
    trained here or, with model="pretrained", the Hub's ViT."""
    return prediction(uploaded_path(image), model)


@user_errors
def preview(image: dict | None) -> Image.Image:
    """API /cifar10_preview: the 32x32 picture the model receives, enlarged."""
    return model_input(uploaded_path(image))


@gpu
@user_errors
def explain(image: dict | None, label: str = TOP_CLASS) -> Image.Image:
    """API /cifar10_gradcam: Grad-CAM heat map for a class (default: the top one, as shown in
    the prediction) over the image."""
    return heat_map(uploaded_path(image), label)[0]


@gpu
@user_errors
def show(image: dict | None, model: str, label: str):
    """The tab's one event: prediction, model input and Grad-CAM (with the caption naming its
    class) together, so a bad file gets one message. No image (a model or class picked first):
    nothing to show yet. Without the Hub's model, the input and Grad-CAM of the model trained
    here are still shown."""
    if image is None:
        return None, None, None, ""
    photo = cifar10.load_photo(uploaded_path(image))  # decoded once for all three
    seen, (heat, shown) = model_input(photo), heat_map(photo, label)
    try:
        probs = label_names(prediction(photo, model))
    except HubUnavailable as err:
        gr.Warning(text(err.args[0]))
        probs = None
    return probs, seen, heat, caption(shown, label)


def show_new(image: dict | None, model: str):
    """A new photo: its Grad-CAM starts again from the top class (the class picked for the last
    photo says nothing about this one), and the class choice shows that."""
    return *show(image, model, TOP_CLASS), TOP_CLASS


def picture(label: gr.i18n.I18nData, elem_id: str) -> gr.Image:
    """An output picture without its floating label (the layout puts a title above it)."""
    return gr.Image(label=label, show_label=False, interactive=False, buttons=[], elem_id=elem_id)


def build() -> None:
    gr.Markdown(t("cifar10.intro"))
    with gr.Row():
        with gr.Column():
            image = image_upload(
                label=t("cifar10.image"), sources=["upload", "clipboard"], height=320
            )
            examples = gr.Examples(EXAMPLES, inputs=image, label=t("cifar10.examples"))
            model = gr.Radio(MODELS, value=TRAINED, label=t("common.model"))
        with gr.Column(elem_id="cifar10-results"):
            label = gr.Label(num_top_classes=5, label=t("cifar10.prediction"))
            # titles above the pictures, not Gradio's labels, which would float over them
            with gr.Row(equal_height=True):
                with gr.Column(min_width=160):
                    gr.Markdown(f"**{t('cifar10.sees')}**")
                    seen = picture(t("cifar10.sees"), "cifar10-seen")
                with gr.Column(min_width=160):
                    gr.Markdown(f"**{t('cifar10.gradcam')}**")
                    heat = picture(t("cifar10.gradcam"), "cifar10-gradcam")
            cam_caption = gr.Markdown(
                label=t("cifar10.cam_caption"), show_label=False, elem_id="cifar10-cam-caption"
            )
            target = gr.Dropdown(
                [
                    (t("cifar10.top_class"), TOP_CLASS),
                    *((t(f"labels.{c}"), c) for c in LABELS),
                ],
                value=TOP_CLASS,
                label=t("cifar10.explain"),
                elem_id="cifar10-target",
            )
    about_panel(SPEC)

    # Not target.change: a new photo sets the class back to the top one, and .change would
    # then run the whole event a second time.
    outputs = [label, seen, heat, cam_caption]
    image_events(
        image,
        examples,
        show,
        [image, model, target],
        outputs,
        changes=[model.input, target.input],
        cleared=(None, None, None, "", TOP_CLASS),
        new_photo=(show_new, [image, model], [*outputs, target]),
    )
    endpoint(classify, [image, model], label, "cifar10", BATCHED_CALLS, preprocess=False)
    endpoint(preview, image, seen, api_name="cifar10_preview", preprocess=False)
    endpoint(explain, [image, target], heat, api_name="cifar10_gradcam", preprocess=False)
