"""Pet segmentation tab: upload a photo of a cat or dog and see the pet highlighted."""

from pathlib import Path

import gradio as gr
import skimage
from PIL import Image

from demos.common import (
    MODEL_CALLS,
    about_panel,
    endpoint,
    gpu,
    image_upload,
    uploaded_path,
    user_errors,
)
from demos.i18n import localize, t
from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.images import ImageInput, overlay_heatmap, overlay_labels, overlay_mask
from models.pets import SPEC, hub
from models.pets import predict as pets
from models.pets.predict import Segmentation, mask_image, shrink

TITLE = t("pets.title")
TRAINED, PRETRAINED = "trained", "pretrained"  # the API's names for the two models
MODELS = [(t("pets.trained"), TRAINED), (t("pets.pretrained"), PRETRAINED)]
OVERLAY, TRIMAP, HEAT = "overlay", "trimap", "heat map"  # what the overlay image shows
VIEWS = [
    (t("pets.view_overlay"), OVERLAY),
    (t("pets.view_trimap"), TRIMAP),
    (t("pets.view_heat"), HEAT),
]
TRIMAP_COLOURS = [(255, 64, 160), (40, 60, 160), (255, 220, 0)]  # pet, background, border
DISPLAY_SIDE = 1600  # the overlays are shown at most this large (the mask keeps full size)

# Sample photos that scikit-image ships in its wheel (no download): a cat, and two photos with
# no pet in them (the mask should stay nearly empty).
EXAMPLES = [
    str(Path(skimage.data.__file__).parent / name)
    for name in ("chelsea.png", "coffee.png", "astronaut.png")
]


def segmentation(image: ImageInput, model: str) -> Segmentation:
    if model not in (TRAINED, PRETRAINED):
        raise InputError("Unknown model {model}: use trained or pretrained.", model=repr(model))
    return hub.segment(image) if model == PRETRAINED else pets.segment(image)


def view(result: Segmentation, shown: str = OVERLAY) -> Image.Image:
    """The photo with the pet tinted and outlined, the trimap classes, or the heat map (at
    most DISPLAY_SIDE large)."""
    result = shrink(result, DISPLAY_SIDE)
    if shown == TRIMAP:
        return overlay_labels(result.image, result.classes, TRIMAP_COLOURS)
    if shown == HEAT:
        return overlay_heatmap(result.image, result.probability)
    return overlay_mask(result.image, result.mask)


@gpu
@user_errors
def segment_pet(image: dict | None, model: str = TRAINED):
    """API /segment_pet: any image -> the binary mask at the image's resolution (white = pet),
    the photo with the pet highlighted, and the share of the photo that is pet (0 to 1); from
    the model trained here or, with model="pretrained", torchvision's DeepLabV3."""
    result = segmentation(uploaded_path(image), model)
    return mask_image(result.mask), view(result), round(result.pet_share, 4)


@gpu
@user_errors
def show(image: dict | None, model: str, shown: str):
    """The tab's one event: overlay (or trimap, or heat map), mask, pet share and any notice.
    No image yet (a model or view picked first): nothing to show."""
    if image is None:
        return None, None, None, ""
    try:
        result = segmentation(uploaded_path(image), model)
    except HubUnavailable as err:
        gr.Warning(localize(err.args[0]))
        return None, None, None, localize(err.args[0])
    notice = localize(result.notice) if result.notice else ""
    share = round(result.pet_share, 4)
    return view(result, shown), mask_image(result.mask), share, notice


def build() -> None:
    gr.Markdown(t("pets.intro"))
    with gr.Row():
        with gr.Column():
            image = image_upload(label=t("pets.image"), sources=["upload", "clipboard"], height=320)
            examples = gr.Examples(EXAMPLES, inputs=image, label=t("pets.examples"))
            model = gr.Radio(MODELS, value=TRAINED, label=t("common.model"))
            shown = gr.Radio(VIEWS, value=OVERLAY, label=t("pets.view"))
        with gr.Column():
            overlay = gr.Image(
                label=t("pets.overlay"), type="pil", format="png", interactive=False, height=320
            )
            with gr.Row():
                mask = gr.Image(
                    label=t("pets.mask"), type="pil", format="png", interactive=False, height=200
                )
                share = gr.Number(label=t("pets.share"), precision=4, interactive=False)
            note = gr.Markdown()
    about_panel(SPEC)

    # preprocess=False: the functions get the upload's path undecoded (see demos.common).
    outputs = [overlay, mask, share, note]
    shown_event = dict(
        inputs=[image, model, shown], outputs=outputs, api_visibility="private", **MODEL_CALLS
    )
    gr.on(
        [image.upload, model.change, shown.change],
        show,
        **shown_event,
        preprocess=False,
        trigger_mode="always_last",
    )
    examples.load_input_event.then(show, **shown_event, preprocess=False)
    image.clear(lambda: (None, None, None, ""), outputs=outputs, api_visibility="private")
    endpoint(
        segment_pet,
        [image, model],
        [mask, overlay, share],
        api_name="segment_pet",
        preprocess=False,
    )
