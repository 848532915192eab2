"""Pet segmentation tab: upload a photo of a cat or dog and see the pet highlighted."""

import gradio as gr
from PIL import Image

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
from demos.i18n import t, text
from models.common.images import ImageInput, overlay_heatmap, overlay_labels, overlay_mask
from models.common.loading import LazyModule
from models.common.samples import sample
from models.pets import SPEC

pets = LazyModule("models.pets.predict")  # imported with torch by the first request
hub = LazyModule("models.pets.hub")
deeplab = LazyModule("models.pets.deeplab")

TITLE = t("pets.title")
# The API's names for the models (new ones go at the end; a name keeps its meaning):
# TRAINED here, PRETRAINED torchvision's DeepLabV3 (needs internet), DEEPLAB its
# DeepLabV3-MobileNetV2 shipped here.
DEEPLAB = "deeplab-offline"
SEGMENTERS = {TRAINED: pets, PRETRAINED: hub, DEEPLAB: deeplab}  # modules with a segment()
MODELS = [
    (t("pets.trained"), TRAINED),
    (t("pets.pretrained"), PRETRAINED),
    (t("pets.deeplab_offline"), DEEPLAB),
]
DEFAULT = DEEPLAB  # the best validation pet IoU (0.933 against 0.911 trained here): CARD.md
OVERLAY, TRIMAP, HEAT = "overlay", "trimap", "heat map"  # what the overlay image shows
VIEWS = [
    (t("pets.view_overlay"), OVERLAY),
    (t("pets.view_trimap"), TRIMAP),
    (t("pets.view_heat"), HEAT),
]
TRIMAP_COLOURS = [(255, 64, 160), (40, 60, 160), (255, 220, 0)]  # pet, background, border
DISPLAY_SIDE = 1600  # the overlays are shown at most this large (the mask keeps full size)

# Sample photos shipped with the app: a cat, and two photos with no pet in them (the mask
# should stay nearly empty, and the tab say it found no pet).
EXAMPLES = [str(sample(name)) for name in ("chelsea", "coffee", "astronaut")]


def segmentation(image: ImageInput, model: str) -> "pets.Segmentation":
    return SEGMENTERS[model_choice(model, SEGMENTERS)].segment(image)


def verdict_note(result: "pets.Segmentation") -> str:
    """What the tab says about the result: nothing when it is sure of the pet, else that it
    found none or is unsure (with the region's size and mean probability)."""
    found = pets.verdict(result)
    if found == pets.PET_FOUND:
        return ""
    share, p = round(100 * result.pet_share, 1), round(pets.region_probability(result), 2)
    return text("pets.no_pet" if found == pets.NO_PET else "pets.unsure", share=share, p=p)


def view(result: "pets.Segmentation", shown: str = OVERLAY) -> Image.Image:
    """The photo with the pet tinted and outlined, the trimap classes, or the heat map (at
    most DISPLAY_SIDE large)."""
    result = pets.shrink(result, DISPLAY_SIDE)
    if shown == TRIMAP:
        return overlay_labels(result.image, result.classes, TRIMAP_COLOURS)
    if shown == HEAT:
        return overlay_heatmap(result.image, result.probability)
    return overlay_mask(result.image, result.mask)


@gpu
@user_errors
def segment_pet(image: dict | None, model: str = DEFAULT):
    """API /segment_pet: any image -> the binary mask at the image's resolution (white = pet),
    the photo with the pet highlighted, and the share of the photo that is pet (0 to 1); from
    the model trained here ("trained"), torchvision's DeepLabV3 ("pretrained", needs internet)
    or DeepLabV3-MobileNetV2 shipped converted ("deeplab-offline")."""
    result = segmentation(uploaded_path(image), model)
    return pets.mask_image(result.mask), view(result), round(result.pet_share, 4)


@gpu
@user_errors
@hub_fallback(lambda notice: (None, None, None, notice))
def show(image: dict | None, model: str, shown: str):
    """The tab's one event: overlay (or trimap, or heat map), mask, pet share and any notice.
    No image yet (a model or view picked first): nothing to show."""
    if image is None:
        return None, None, None, ""
    result = segmentation(uploaded_path(image), model)
    note = notices_of([verdict_note(result), result.notice], mark="")
    return view(result, shown), pets.mask_image(result.mask), round(result.pet_share, 4), note


def build() -> None:
    gr.Markdown(t("pets.intro"))
    with gr.Row():
        with gr.Column():
            image = image_upload(label=t("pets.image"), sources=["upload", "clipboard"], height=320)
            examples = gr.Examples(EXAMPLES, inputs=image, label=t("pets.examples"))
            model = gr.Radio(MODELS, value=DEFAULT, label=t("common.model"))
            shown = gr.Radio(VIEWS, value=OVERLAY, label=t("pets.view"))
        with gr.Column():
            overlay = image_output(t("pets.overlay"))
            with gr.Row():
                mask = image_output(t("pets.mask"), height=200)
                share = gr.Number(label=t("pets.share"), precision=4, interactive=False)
            note = gr.Markdown(label=t("pets.note"))
    about_panel(SPEC)

    image_events(
        image,
        examples,
        show,
        [image, model, shown],
        [overlay, mask, share, note],
        changes=[model.change, shown.change],
        cleared=(None, None, None, ""),
    )
    endpoint(
        segment_pet,
        [image, model],
        [mask, overlay, share],
        api_name="segment_pet",
        preprocess=False,
    )
