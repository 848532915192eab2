"""Output pictures in Gradio's cache folder (demos.common.save_pil_to_cache): a picture that is
already there is never rewritten while a client may be downloading it."""

import threading

from gradio import image_utils, processing_utils
from PIL import Image

import demos.common  # noqa: F401  (installs the safe save_pil_to_cache)


def test_gradio_saves_output_pictures_through_ours():
    assert processing_utils.save_pil_to_cache is demos.common.save_pil_to_cache


def test_a_picture_already_cached_is_not_written_again(tmp_path):
    picture = Image.new("RGB", (64, 48), "teal")
    path = processing_utils.save_pil_to_cache(picture, str(tmp_path))
    assert Image.open(path).size == (64, 48)
    # what a client downloading it would be reading: Gradio's own version truncated and
    # rewrote the file here, so the reader could get a cut-off body
    with open(path, "r+b") as file:
        file.write(b"being read")
    again = processing_utils.save_pil_to_cache(picture, str(tmp_path))
    assert again == path
    assert open(path, "rb").read(10) == b"being read"


def test_concurrent_identical_outputs_never_show_a_partial_file(tmp_path):
    """Many threads save the same picture while a reader checks the file's size each time."""
    picture = Image.effect_noise((256, 256), 64).convert("RGB")  # a few kB of WebP
    path = processing_utils.save_pil_to_cache(picture, str(tmp_path))
    full = len(open(path, "rb").read())
    sizes, done = [], threading.Event()

    def read_sizes() -> None:
        while not done.is_set():
            sizes.append(len(open(path, "rb").read()))

    reader = threading.Thread(target=read_sizes)
    reader.start()
    for _ in range(200):
        image_utils.save_image(picture, str(tmp_path))  # as gr.Image's postprocess does
    done.set()
    reader.join()
    assert sizes and set(sizes) == {full}
