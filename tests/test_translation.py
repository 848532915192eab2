"""The translation tab: tokenizer, Transformer masks and decoding, sentence splitting and the
language check, the data split, training, the Hub option, quality and bad input."""

import dataclasses

import pytest
import torch

from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.text import language, looks_chinese, mixed_languages, split_sentences
from models.common.transformer import RepetitionGuard, Seq2Seq, beam_search, greedy
from models.common.weights import read_meta, save_weights
from models.translation import hub
from models.translation import predict as translation
from models.translation.data import Pair, Tokenizer, group_pairs, train_tokenizer
from models.translation.net import BOS, EOS, Config, build_net
from models.translation.repetition import degenerate, longest_run, read_other_domains
from tests.conftest import DATA, needs_data

PAIRS = [
    ("I like tea.", "我喜欢茶。"),
    ("He is my friend.", "他是我的朋友。"),
    ("Where is the station?", "车站在哪里？"),
    ("It is raining today.", "今天下雨。"),
    ("We are going to the park tomorrow.", "我们明天去公园。"),
    ("This book is very interesting.", "这本书很有意思。"),
    ("Do you speak English?", "你会说英语吗？"),
    ("The cat is sleeping.", "猫在睡觉。"),
    ("Thank you very much.", "非常感谢。"),
    ("She bought a new car.", "她买了一辆新车。"),
]
TINY = Config(vocab_size=400, d_model=32, heads=2, encoder_layers=1, decoder_layers=1, ff=64)


@pytest.fixture(scope="module")
def tokenizer_path(tmp_path_factory):
    pairs = [Pair(en, zh, "test") for en, zh in PAIRS] * 20
    return train_tokenizer(pairs, tmp_path_factory.mktemp("spm") / "default.spm.model", 400)


@pytest.fixture
def tiny_translation(tmp_path, monkeypatch, fresh_cache, tokenizer_path):
    """GALLERY_WEIGHTS_DIR with a random-init tiny translation net and the test tokenizer."""
    folder = tmp_path / "translation"
    folder.mkdir()
    (folder / "default.spm.model").write_bytes(tokenizer_path.read_bytes())
    cfg = Config(**{**TINY.to_dict(), "vocab_size": len(Tokenizer(tokenizer_path))})
    torch.manual_seed(0)
    save_weights(
        build_net(cfg).state_dict(), folder / "default.safetensors", {"config": cfg.to_dict()}
    )
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    return folder


def tiny_net(seed: int = 0) -> Seq2Seq:
    torch.manual_seed(seed)
    return Seq2Seq(50, d_model=32, heads=4, encoder_layers=2, decoder_layers=2, ff=64).eval()


def test_tokenizer_round_trips_english_and_chinese(tokenizer_path):
    tok = Tokenizer(tokenizer_path)
    for en, zh in PAIRS:
        assert tok.decode(tok.ids(en)) == en
        assert tok.decode(tok.ids(zh)) == zh  # full-width punctuation kept as written
    src = tok.source("I like tea.", "zh", 100)
    assert src[0] == tok.tags["zh"] and src[-1] == EOS
    assert tok.target("我喜欢茶。", 100)[0] == BOS
    assert len(tok.source("I like tea. " * 50, "zh", 10)) == 10


def test_padding_and_the_causal_mask_hide_what_they_should():
    net = tiny_net()
    src = torch.tensor([[5, 6, 7, 8]])
    padded = torch.tensor([[5, 6, 7, 8, 0, 0, 0]])
    memory, mask = net.encode(src)
    memory_padded, mask_padded = net.encode(padded)
    assert torch.allclose(memory, memory_padded[:, :4], atol=1e-5)  # padding changes nothing
    tgt = torch.tensor([[BOS, 9, 10, 11]])
    later = torch.tensor([[BOS, 9, 12, 13]])
    a = net.decode(tgt, memory, mask)[0]
    b = net.decode(later, memory_padded, mask_padded)[0]
    assert torch.allclose(a[:, :2], b[:, :2], atol=1e-5)  # a prefix never sees later tokens
    _, weights = net.decode(tgt, memory_padded, mask_padded, need_weights=True)
    assert weights.shape == (1, 4, 7)
    assert torch.all(weights[..., 4:] == 0)  # no attention on padding
    assert torch.allclose(weights.sum(-1), torch.ones(1, 4))


def test_step_by_step_decoding_gives_the_full_decoders_logits():
    net = tiny_net(2)
    src = torch.tensor([[5, 6, 7, 8, 0], [9, 10, 11, 12, 13]])
    tgt = torch.tensor([[BOS, 14, 15, 16], [BOS, 17, 18, 19]])
    memory, mask = net.encode(src)
    full = net.decode(tgt, memory, mask)[0]
    caches = net.start(memory)
    for position in range(tgt.shape[1]):
        logits = net.step(tgt[:, position], position, caches, mask)
        assert torch.allclose(logits, full[:, position], atol=1e-4)


def test_beam_search_at_beam_1_returns_the_greedy_result():
    for seed in range(3):
        net = tiny_net(seed)
        src = torch.randint(4, 50, (6, 9), generator=torch.Generator().manual_seed(seed))
        src[2, 5:] = 0  # one padded source
        assert beam_search(net, src, BOS, EOS, 20, beam=1) == greedy(net, src, BOS, EOS, 20)


def test_beam_search_scores_at_least_as_well_as_greedy():
    net = tiny_net(1)
    src = torch.randint(4, 50, (4, 7), generator=torch.Generator().manual_seed(3))

    def logprob(ids: list[int], row: int) -> float:
        memory, mask = net.encode(src[row : row + 1])
        tgt = torch.tensor([[BOS, *ids]])
        logp = net.decode(tgt, memory, mask)[0].log_softmax(-1)[0]
        targets = [*ids, EOS]
        return sum(logp[i, t].item() for i, t in enumerate(targets))

    wide = beam_search(net, src, BOS, EOS, 12, beam=6, length_penalty=0.0)
    narrow = greedy(net, src, BOS, EOS, 12)
    for row in range(4):
        if len(narrow[row]) < 12 and len(wide[row]) < 12:  # both ended with eos
            assert logprob(wide[row], row) >= logprob(narrow[row], row) - 1e-4


def test_sentences_split_at_chinese_and_english_punctuation():
    assert split_sentences("你好！今天天气很好。Hi. How are you?") == [
        "你好！",
        "今天天气很好。",
        "Hi.",
        "How are you?",
    ]
    assert split_sentences("他说：“你好。”然后走了……真的吗？是的") == [
        "他说：“你好。”",
        "然后走了……",
        "真的吗？",
        "是的",
    ]
    assert split_sentences("Mr. Smith paid 3.50 dollars. He left!") == [
        "Mr. Smith paid 3.50 dollars.",
        "He left!",
    ]
    assert split_sentences("line one\nline two") == ["line one", "line two"]
    assert split_sentences("  \n ") == []


def test_language_check_is_the_sentiment_tabs_rule():
    from models.sentiment import predict as sentiment

    assert sentiment.looks_chinese is looks_chinese  # one rule for both tabs
    assert language("我们明天去公园。") == "zh" and language("Where is it?") == "en"
    assert language("我用 iPhone 拍照") == "zh"
    assert mixed_languages("我喜欢 machine learning") and not mixed_languages("我喜欢茶")


def test_pairs_sharing_a_sentence_are_grouped():
    pairs = [Pair("Hi.", "你好。", "t"), Pair("hi.", "嗨。", "t"), Pair("Hello.", "嗨。", "t")]
    pairs.append(Pair("Bye.", "再见。", "t"))
    groups = sorted(sorted(g) for g in group_pairs(pairs))
    assert groups == [[0, 1, 2], [3]]


@needs_data("nlp", "translation", "cmn-eng", "cmn.txt")
def test_split_shares_no_sentence_between_training_and_test():
    from models.translation.data import make_splits

    splits = make_splits(DATA)
    assert len(splits["test"]) >= 1900 and len(splits["val"]) >= 950
    train_en = {p.en.lower() for p in splits["train"]}
    train_zh = {p.zh for p in splits["train"]}
    for name in ("val", "test"):
        assert not {p.en.lower() for p in splits[name]} & train_en, name
        assert not {p.zh for p in splits[name]} & train_zh, name
    assert not {p.zh for p in splits["val"]} & {p.zh for p in splits["test"]}
    assert make_splits(DATA)["test"] == splits["test"]  # seeded: the same every time


def test_training_writes_the_tokenizer_beside_weights_that_translate(
    dry_run, monkeypatch, fresh_cache
):
    root, _ = dry_run("translation")  # SPEC.dry_runs: a tiny net
    out = root / "translation"
    assert read_meta(out / "default.safetensors")["config"]["d_model"] == 32
    assert (out / "default.spm.model").is_file()
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(root))
    assert isinstance(translation.translate("我喜欢茶。", "zh-en", beam=2), str)
    assert isinstance(translation.translate("I like tea.", "en-zh", beam=1), str)


def test_translate_splits_sentences_and_joins_them(tiny_translation):
    result = translation.translate_full("我喜欢茶。他是我的朋友。", beam=1)
    assert result.direction == "zh-en" and len(result.sentences) == 2
    assert result.text == " ".join(out for _, out in result.sentences).strip()
    assert translation.translate_full("I like tea. He is my friend.").direction == "en-zh"
    att = translation.attention("我喜欢茶。", "I like tea.", "zh-en")
    assert att.weights.shape == (len(att.target), len(att.source))
    assert att.source[0] == "<2en>" and att.target[-1] == "</s>"


def test_every_example_names_the_direction_its_text_needs_by_a_plain_name():
    """The examples table shows a direction by its choice's name, untranslated: each example's
    must be a plain string (not a translation key), and fit the text (no notice)."""
    from demos import translation as tab

    names = {value: name for name, value in tab.DIRECTIONS}
    for text, direction in tab.EXAMPLES:
        assert isinstance(names[direction], str), (text, direction)
        assert translation.resolve_direction(text, direction) == (direction, []), text
    assert {direction for _, direction in tab.EXAMPLES} == {"zh-en", "en-zh"}


def test_bad_input_gets_a_clear_message_or_a_notice(tiny_translation):
    for empty in ("", "   ", None, "\ufeff\n"):
        with pytest.raises(InputError, match="Type or paste"):
            translation.translate(empty)
    with pytest.raises(InputError, match="nothing to translate"):
        translation.translate("😀🎉👍")
    assert isinstance(translation.translate("I like tea 😀", "en-zh", beam=1), str)
    assert "⁇" not in translation.translate("猫 🐈 在睡觉。", beam=1)
    huge = translation.translate_full("我喜欢茶。" * 40_000, beam=1)  # 200,000 characters
    assert any("only the first 2,000 were translated" in n for n in huge.notices)
    assert len(huge.sentences) == translation.MAX_SENTENCES
    mixed = translation.translate_full("我喜欢 machine learning", beam=1)
    assert any("mixes Chinese and English" in n for n in mixed.notices)
    wrong = translation.translate_full("I like tea.", "zh-en", beam=1)
    assert any("does not look like Chinese" in n for n in wrong.notices)
    with pytest.raises(InputError, match="Unknown direction"):
        translation.translate("I like tea.", "fr-de")
    with pytest.raises(InputError, match="Beam size must be"):
        translation.translate("I like tea.", beam=50)
    with pytest.raises(InputError, match="Unknown model"):
        translation.translate("I like tea.", model="other")
    long = translation.translate_full("tea " * 300, beam=1)  # one sentence, no punctuation
    assert any("was cut" in n for n in long.notices)


def test_the_tab_shows_the_translation_and_an_attention_map(tiny_translation):
    from demos import translation as tab

    text, notes, image = tab.translate_ui("我喜欢茶。他是我的朋友。", "auto", 2, 0.6, "trained")
    result = translation.translate_full("我喜欢茶。他是我的朋友。", "auto", 2, 0.6)
    assert text == result.text and notes == tab.notices_of(result.notices)
    assert all("short everyday sentences" in n for n in result.notices)  # (a random net: unsure)
    assert image.size[0] > 100 and image.size[1] > 100
    assert tab.translate_api("Where is the station?", "en-zh") == translation.translate(
        "Where is the station?", "en-zh"
    )


def test_a_missing_tokenizer_is_named(tiny_translation):
    (tiny_translation / "default.spm.model").unlink()
    with pytest.raises(translation.WeightsError, match="tokenizer file not found"):
        translation.get_model()


class FakeTokenizer:
    def __call__(self, texts, **kwargs):
        self.seen = texts
        return self

    def to(self, device):
        return {"input_ids": torch.ones(len(self.seen), 3, dtype=torch.long)}

    def batch_decode(self, ids, skip_special_tokens=True):
        return [f"translated {s}" for s in self.seen]


class FakeMarian:
    device = torch.device("cpu")

    def generate(self, input_ids, num_beams, max_new_tokens):
        return input_ids


def test_pretrained_option_translates_through_the_hub_model(monkeypatch, fresh_cache):
    fake = FakeTokenizer()
    asked = []
    monkeypatch.setattr(
        hub, "get_model", lambda direction: asked.append(direction) or (fake, FakeMarian())
    )
    result = translation.translate_full("I like tea. Thanks!", model="pretrained")
    assert asked == ["en-zh"]
    assert fake.seen == [">>cmn_Hans<< I like tea.", ">>cmn_Hans<< Thanks!"]
    assert result.text == "translated >>cmn_Hans<< I like tea.translated >>cmn_Hans<< Thanks!"


def test_pretrained_option_without_internet_says_so(monkeypatch, fresh_cache):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setitem(hub.HUB_MODELS, "zh-en", "someone/not-a-cached-model")
    with pytest.raises(HubUnavailable, match="needs internet"):
        translation.translate("我喜欢茶。", model="pretrained")


# The repetition guard, the length cap and the out-of-domain notice.

PIECES = ["", "", "", "", "a", "aa", "b", "▁c", "1", "...", "哈", "!!!", "d"]  # ids 0-3 special
A, AA, B, C, ONE, DOTS, HA, BANG, D = range(4, 13)


def test_the_guard_bans_a_third_token_or_character_in_a_row_but_never_digits():
    guard = RepetitionGuard(PIECES, no_repeat_ngram=0, max_run=2)
    banned = guard.mask([[A, A], [A], [B, A], [ONE, ONE], [HA, HA], [C]], len(PIECES), "cpu")
    assert banned[0, A] and banned[0, AA]  # "aa" + "a" / "aa": a third "a"
    assert not banned[1, A] and banned[1, AA]  # "a" + "a" is fine, "a" + "aa" is not
    assert not banned[2, A] and banned[2, AA]
    assert not banned[3, ONE] and not banned[3, DOTS]  # 111, ...: repeat by right
    assert banned[4, HA] and not banned[4, B]
    assert banned[5].nonzero().flatten().tolist() == [BANG]  # "▁c": nothing repeats yet
    assert banned[:, BANG].all()  # a piece with its own run of three
    assert not banned[:, EOS].any()


def test_the_guard_bans_a_repeated_ngram():
    guard = RepetitionGuard(PIECES, no_repeat_ngram=3, max_run=2)
    assert guard.banned([A, B, D, A, B]) == [D]  # "a b d" again
    assert guard.banned([A, B, D, C]) == []
    assert guard.banned([ONE, B, ONE, ONE, B]) == []  # digits: never banned (1b11b1)
    assert RepetitionGuard(PIECES, no_repeat_ngram=0).banned([A, B, D, A, B]) == []


def looping_net() -> Seq2Seq:
    """A tiny net whose every step prefers token 7, then 8: it repeats 7 for ever."""
    net = tiny_net(4)
    with torch.no_grad():
        net.decoder_norm.weight.zero_()
        net.decoder_norm.bias.copy_(net.embedding.weight[7] * 50 + net.embedding.weight[8] * 20)
    return net


def test_decoding_with_the_guard_repeats_nothing_the_net_would_loop_on():
    net = looping_net()
    pieces = [""] * 4 + [f"w{i}" for i in range(4, 50)]
    guard = RepetitionGuard(pieces, no_repeat_ngram=3, max_run=2)
    src = torch.randint(4, 50, (3, 6), generator=torch.Generator().manual_seed(0))
    assert greedy(net, src, BOS, EOS, 10)[0] == [7] * 10  # without the guard: a loop
    for out in [
        greedy(net, src, BOS, EOS, 10, guard),
        beam_search(net, src, BOS, EOS, 10, 3, 0.6, guard),
    ]:
        for row in out:
            row = [t for t in row if t > EOS]  # (what the text shows)
            assert row and not any(row[i] == row[i + 1] == row[i + 2] for i in range(len(row) - 2))
            trigrams = [tuple(row[i : i + 3]) for i in range(len(row) - 2)]
            assert len(trigrams) == len(set(trigrams))


def test_each_source_gets_its_own_length_cap():
    net = looping_net()
    src = torch.randint(4, 50, (3, 6), generator=torch.Generator().manual_seed(1))
    assert [len(r) for r in greedy(net, src, BOS, EOS, [2, 5, 0])] == [2, 5, 0]
    assert [len(r) for r in beam_search(net, src, BOS, EOS, [2, 5, 0], beam=3)] == [2, 5, 0]
    assert translation.max_output(10, "en") == 26 and translation.max_output(10, "zh") == 19


def test_degenerate_outputs_are_counted_by_character_or_word():
    assert degenerate("这座城市的海海海海海海边有。", "zh")
    assert not degenerate("这座城市的海海边有。", "zh") and not degenerate("他有10000元。", "zh")
    assert degenerate("Accccutss are here.", "en") and degenerate("no no no no!", "en")
    assert not degenerate("I had 1000000 books, too... really.", "en")
    assert longest_run(["a", "b", "b", "b"]) == 3 and longest_run([]) == 0


def fits(**changes) -> translation.Familiarity:
    return dataclasses.replace(translation.Familiarity(9, 0, 0.0, -0.5, "en"), **changes)


def test_a_sentence_unlike_the_training_sentences_is_named_and_noticed():
    assert fits().reasons() == []
    assert fits(pieces=60).reasons() == ["long"]
    assert fits(unknown=1, rare=0.5).reasons() == ["unknown", "rare"]
    assert fits(confidence=-3.0).reasons() == ["unsure"]
    assert fits(confidence=-1.4).reasons() == ["unsure"]  # unsure for English, not Chinese
    assert fits(confidence=-1.4, target="zh").reasons() == []
    assert translation.domain_notice([fits(), fits()]) is None
    one = translation.domain_notice([fits(pieces=60)])
    assert "short everyday sentences" in one and "this one" in one
    assert "1 of these 2 sentences" in translation.domain_notice([fits(), fits(confidence=-3.0)])


def test_out_of_domain_input_still_gets_its_translation_and_a_notice(tiny_translation):
    long = "我喜欢茶，" * 20 + "他是我的朋友。"
    result = translation.translate_full(long, "zh-en", beam=2)
    assert result.text and result.familiarity[0].pieces > translation.TRAINED_PIECES
    assert "long" in result.familiarity[0].reasons()
    assert any("short everyday sentences" in n for n in result.notices)
    assert translation.translate(long, "zh-en", beam=2) == result.text  # the API: text only
    assert translation.translate_full("I like tea.").familiarity[0].pieces < 10


@pytest.fixture
def shipped(fresh_cache):
    if not translation.SPEC.weights_path().is_file():
        pytest.skip("no shipped translation weights")
    return translation.load(device=torch.device("cpu"))


def test_the_shipped_model_never_repeats_a_token_four_times_on_other_domains(shipped):
    rows = read_other_domains()
    assert len(rows) == 50 and {d for d, _ in rows} >= {"news", "technical", "long", "mixed"}
    for target in ("en", "zh"):
        texts = [s for _, s in rows if (language(s) == "zh") == (target == "en")]
        outputs = translation.translate_batch(
            shipped.net, shipped.tok, texts, target, 4, 0.6, shipped.guard
        )
        assert [o for o in outputs if degenerate(o, target)] == []


def test_the_shipped_model_flags_news_but_not_everyday_sentences(shipped, monkeypatch):
    monkeypatch.setattr(translation, "get_model", lambda: shipped)
    everyday = translation.translate_full("我明天去公园。")
    assert everyday.text == "I'll go to the park tomorrow." and everyday.notices == []
    news = translation.translate_full(
        "国务院常务会议今天审议通过了关于进一步优化营商环境的若干措施。"
    )
    assert news.text and any("short everyday sentences" in n for n in news.notices)
