"""The summarization tab: sentence splitting, ROUGE, the oracle labels, length control, the
net's chunks, training, the Hub option, quality on LCSTS val, bad input, the running app over
HTTP (in a browser: test_browser_summarization.py)."""

import math
import re

import pytest
import torch

from models.common.errors import InputError
from models.common.hub import HubUnavailable
from models.common.weights import read_meta, save_weights
from models.summarization import hub
from models.summarization import predict as summarization
from models.summarization.data import (
    Doc,
    bbc_splits,
    chunks,
    drop_copies,
    greedy_oracle,
    lcsts_val,
    parse,
    read_lcsts,
    text_key,
    token_features,
    token_labels,
)
from models.summarization.net import Config, build_net
from models.summarization.rouge import rouge
from models.summarization.sentences import SUBORDINATORS, split_sentences
from tests.conftest import DATA, needs_data

TINY = Config(buckets=512, d_model=16, heads=2, token_layers=1, sentence_layers=1, ff=32)
ARTICLE = (
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn for the three months "
    "to December. The firm, which is now one of the biggest investors in Google, benefited from "
    "sales of high-speed internet connections. TimeWarner said fourth quarter sales rose 2% to "
    "$11.1bn from $10.9bn. Its profits were buoyed by one-off gains. Time Warner said on Friday "
    "that it now owns 8% of search-engine Google."
)
POST = (
    "日前，方舟子发文直指林志颖旗下爱碧丽推销假保健品，引起哗然。调查发现，爱碧丽没有自己的生产"
    "加工厂。其胶原蛋白饮品无核心研发，全部代工生产。"
)


@pytest.fixture
def tiny_summarizer(tmp_path, monkeypatch, fresh_cache):
    """GALLERY_WEIGHTS_DIR with a random-init tiny summarization net."""
    torch.manual_seed(0)
    path = tmp_path / "summarization" / "default.safetensors"
    save_weights(build_net(TINY).state_dict(), path, {"config": TINY.to_dict()})
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(tmp_path))
    return path.parent


def test_sentences_split_in_chinese_and_english_with_quotes_and_ellipses():
    assert split_sentences("他说：“今天天气很好。”然后我们出门了。") == [
        "他说：“今天天气很好。”",
        "然后我们出门了。",
    ]
    assert split_sentences("真的吗……我不信！你呢？") == ["真的吗……", "我不信！", "你呢？"]
    assert split_sentences('He said "Hello." Then he left.') == [
        'He said "Hello."',
        "Then he left.",
    ]
    assert split_sentences("Wait... what? No way!") == ["Wait... what?", "No way!"]
    assert split_sentences("Mr. Smith met Dr. Jones. It rained.") == [
        "Mr. Smith met Dr. Jones.",
        "It rained.",
    ]
    assert split_sentences("你好。 hello world. Yes.") == ["你好。", "hello world.", "Yes."]


def test_titles_initials_and_acronyms_end_no_english_sentence():
    # BBC News Summary, tech/023 and tech/371 (quoted)
    tata = (
        '"In this particular geography getting permission to dig the ground and lay the pipes '
        'is a bit of a task," said Mr R. Sridharan, vice president of networks at Tata. "Heavy '
        'traffic and the layout under the ground mean that digging is uniquely difficult," he '
        "said."
    )
    assert split_sentences(tata) == [tata[: tata.index("Tata.") + 5], tata[tata.index('"Heavy') :]]
    bush = (
        "Many big brands have leveraged the opportunity, including Senator John Kerry and "
        "President George W. Bush, said chief executive Sam Yagan. There are some distinct "
        "advantages."
    )
    assert len(split_sentences(bush)) == 2
    assert split_sentences(
        "J. K. Rowling met Dr. Smith of the U.S. Navy, e.g. in May. It rained."
    ) == [
        "J. K. Rowling met Dr. Smith of the U.S. Navy, e.g. in May.",
        "It rained.",
    ]
    assert split_sentences("(e.g. Mr. X) were there. It is No. 10. Then he left.") == [
        "(e.g. Mr. X) were there.",
        "It is No. 10.",
        "Then he left.",
    ]
    # an acronym or initial before a word that starts sentences, or a line break, ends one
    assert split_sentences("Sales fell in the U.S. The firm said so.") == [
        "Sales fell in the U.S.",
        "The firm said so.",
    ]
    assert split_sentences("It runs Mac OS X.\n\nOf course not.") == [
        "It runs Mac OS X.",
        "Of course not.",
    ]


def test_chinese_sentences_keep_their_speech_tag_and_dependent_clauses():
    # LCSTS val and train (quoted)
    quote = (
        "“有了电子婚育证明，流动人口在外出时就无需再携带纸质证明，对流动人口来说非常方便。”王谦说。"
    )
    assert split_sentences("国家卫计委将全面推开流动人口电子婚育证明。" + quote) == [
        "国家卫计委将全面推开流动人口电子婚育证明。",
        quote,
    ]
    assert split_sentences("“你好！”她说。天黑了。") == ["“你好！”她说。", "天黑了。"]
    joined = "调查显示，美国55岁以上的人群依然是买车的主力军；而18-24岁的年轻人中买车的人却在减少。"
    assert split_sentences(joined) == [joined]  # 而 leans on the clause before
    conditional = "如果明天下雨；我们就不去了。"
    assert split_sentences(conditional) == [conditional]  # 如果 needs its main clause
    both = "大家开心，我心里有底；如果你们觉得这事不怎么好玩，那我就堪忧了。"
    assert split_sentences(both) == [
        "大家开心，我心里有底；",
        "如果你们觉得这事不怎么好玩，那我就堪忧了。",
    ]
    assert split_sentences("他说：“今天天气很好。”然后我们出门了。") == [
        "他说：“今天天气很好。”",
        "然后我们出门了。",
    ]


# LCSTS val: a post of seven sentences, and one of two with a conditional (quoted)
SEVEN = (
    "怎么去旅游呢？跟团？自由行？搭车穷游？统统OUT了！3年时间里，温州90后小伙仇乾阳畅游全球40多个"
    "国家，每到一处不仅免收门票，还全程封道。小伙子说，举办马拉松的都是旅游城市，赛道往往从著名景点"
    "经过，进出都不用收门票。"
)
CONDITIONAL = (
    "网络权力寻租，让“租客”也露露脸才是重点。如果有偿删帖是见利忘义，那么，雇人删帖就是明知故犯。"
)


def test_a_chinese_paragraph_of_seven_sentences_gets_whole_sentences(tiny_summarizer):
    assert len(split_sentences(SEVEN)) == 7 and len(SEVEN) <= summarization.COMPRESS_MAX_CHARS
    for length in (0, 0.3):
        summary = summarization.summarize(SEVEN, length)
        chosen = [s for s in split_sentences(SEVEN) if s in summary]
        assert summary == "".join(chosen)  # whole sentences, not a headline of clauses
    headline = summarization.summarize(POST)  # three sentences: a short post, compressed
    assert not headline.endswith("。") and headline not in split_sentences(POST)


def test_a_headline_never_takes_a_subordinate_clause_without_its_main_clause():
    parsed = parse(CONDITIONAL)
    clauses = [CONDITIONAL[a:b] for a, b in summarization.pieces(parsed, "clauses")]
    assert "如果有偿删帖是见利忘义，那么，雇人删帖就是明知故犯" in clauses
    assert not any(c.startswith(SUBORDINATORS) and "，" not in c for c in clauses)
    # the token scores favour the 如果 clause alone: the headline takes its main clause too
    start = CONDITIONAL.index("如果")
    scores = [1.0 if start <= a < start + 11 else 0.0 for a, _ in parsed.tokens]
    spans = summarization.compress(parsed, scores, 11, "clauses")
    assert [CONDITIONAL[a:b] for a, b in spans] == [
        "如果有偿删帖是见利忘义，那么，雇人删帖就是明知故犯"
    ]
    late = parse("我们就不去了，如果明天下雨。")  # a conditional after its main clause
    assert summarization.pieces(late, "clauses") == [(0, 13)]


def test_parse_locates_sentences_and_tokens_in_the_text():
    parsed = parse("我爱北京。 I like tea.")
    assert parsed.sentence_texts() == ["我爱北京。", "I like tea."]
    assert parsed.token_texts() == ["我", "爱", "北", "京", "。", "I", "like", "tea", "."]
    assert parsed.token_sentence == [0, 0, 0, 0, 0, 1, 1, 1, 1]


def test_rouge_matches_hand_computed_values():
    # 我爱北京 / 我爱上海: 2 of 4 characters (P = R = 1/2), 1 of 3 bigrams, LCS 2
    r = rouge("我爱，北京！", "我爱上海", "zh")  # punctuation is dropped
    assert r == pytest.approx({"rouge1": 0.5, "rouge2": 1 / 3, "rougeL": 0.5})
    # stemmed: the cat sat / the cat sat on the mat: P 3/3, R 3/6; bigrams P 2/2, R 2/5
    r = rouge("The cats sat", "the cat sat on the mat", "en")
    assert r == pytest.approx({"rouge1": 2 / 3, "rouge2": 2 * 0.4 / 1.4, "rougeL": 2 / 3})
    assert rouge("", "我爱上海", "zh")["rouge1"] == 0.0


def test_the_greedy_oracle_picks_the_sentences_of_the_summary_and_stops():
    sentences = ["我们今天去公园。", "天气很好。", "公园里有很多花。", "晚上回家吃饭。"]
    assert greedy_oracle(sentences, "天气很好", "zh") == [1]
    assert greedy_oracle(sentences, "天气很好晚上回家吃饭", "zh") == [1, 3]
    assert greedy_oracle(sentences, "".join(sentences), "zh", limit=2) == [0, 2]
    assert greedy_oracle(sentences, "完全无关", "zh") == []
    english = ["The cat sat.", "Dogs bark loudly.", "Birds sing."]
    assert greedy_oracle(english, "dogs bark", "en") == [1]


def test_token_labels_mark_the_characters_a_headline_shares_in_order():
    parsed = parse("林志颖公司疑涉虚假营销。")
    labels = token_labels(parsed, "林志颖虚假营销")
    assert (
        "".join(t for t, on in zip(parsed.token_texts(), labels, strict=True) if on)
        == "林志颖虚假营销"
    )
    assert labels[-1] == 0  # punctuation never


def test_token_features_count_how_often_a_token_and_its_pair_recur():
    features = token_features(parse("猫猫。猫猫狗。"))  # tokens 猫 猫 。 猫 猫 狗 。
    assert features[0][:2] == pytest.approx([math.log(4) / 3, 0.0])  # 猫 four times; <s>猫 once
    assert features[1][1] == pytest.approx(math.log(2) / 3)  # 猫猫 twice
    assert features[5][0] == 0.0 and features[-1][2] == 1.0


def test_length_control_counts_sentences_or_a_share_of_the_characters():
    scores, lengths = [0.1, 0.9, 0.5, 0.8], [10, 10, 10, 30]
    assert summarization.choose(scores, lengths, 2) == [1, 3]  # the best two, in text order
    assert summarization.choose(scores, lengths, 9) == [0, 1, 2, 3]
    # a share: 0.3 of 60 characters is 18, so 10 + 10 (sentence 3's 30 would overshoot more)
    assert summarization.choose(scores, lengths, 0.3) == [1, 2]
    assert summarization.choose(scores, lengths, 0.2) == [1]  # 12: 10 is nearer than 20
    assert summarization.choose(scores, lengths, 0.01) == [1]  # always one
    assert summarization.check_length(None) == 0 and summarization.check_length(2.7) == 2
    for bad in (-1, float("nan"), "abc", 10**6):
        with pytest.raises(InputError, match="Length must be"):
            summarization.check_length(bad)


def test_long_documents_are_read_in_chunks_of_whole_sentences():
    parsed = parse(" ".join(f"Sentence number {i} is here." for i in range(50)))
    features = [[0.0] * 5 for _ in parsed.sentences]
    parts = chunks(parsed, 512, 40, features)
    assert all(len(c.tokens) <= 40 for c in parts)
    assert sum(c.n_sentences for c in parts) == 50
    assert [i for c in parts for i in c.token_index] == list(range(len(parsed.tokens)))


def test_chunks_hold_at_most_max_sentences_and_many_short_lines_summarize(tiny_summarizer):
    text = "\n".join(["Yes.", "No.", "OK."] * 100)  # 300 one-word sentences, 600 tokens
    parsed = parse(text)
    parts = chunks(parsed, 512, 1024, [[0.0] * 5 for _ in parsed.sentences], 256)
    assert [c.n_sentences for c in parts] == [256, 44]
    for method in ("trained", "textrank", "lead"):
        result = summarization.summarize_full(text, 2, method)
        assert len(result.chosen) == 2 and len(result.scores) == 300
    assert summarization.summarize("Hi. " * 30_000)  # cut to 500 sentences, in two chunks


def test_sentences_without_a_word_character_are_never_chosen(tiny_summarizer):
    assert summarization.choose([0.9, 0.1], [3, 1], 1, [False, True]) == [1]
    for method in ("trained", "textrank", "lead"):
        assert summarization.summarize("。。。a", 0, method) == "a", method
        assert summarization.summarize("。。。a", 1, method) == "a", method
        assert summarization.summarize("!!! ... Tea is good.", 1, method) == "Tea is good."


def test_a_short_chinese_text_gets_whole_clauses_in_text_order(tiny_summarizer):
    assert summarization.HEADLINE_UNIT == "clauses"
    clauses = [c.strip() for c in re.split(r"[，,；;：:、。！？!?…\n]+", POST) if c.strip()]
    headline = summarization.summarize_full(POST, 0, "trained")
    parts = headline.text.split("，")
    assert parts and all(part in clauses for part in parts)
    assert len(set(parts)) == len(parts)
    assert [clauses.index(p) for p in parts] == sorted(clauses.index(p) for p in parts)


def test_the_word_headline_option_drops_repeats_lone_digits_and_single_characters():
    text = "1日电，国家统计局中心发布企业PMI，PMI上升。在欧洲，法国华人华侨集中在法国。"
    words = [text[a:b] for a, b in summarization.pieces(parse(text), "words")]
    assert words and len(set(words)) == len(words)
    assert all(len(w) > 1 and not w.isdigit() for w in words)
    assert words.count("PMI") == 1 and words.count("法国") == 1


def test_a_long_reference_is_cut_for_rouge_with_a_notice(tiny_summarizer):
    result = summarization.summarize_full(ARTICLE, 1, "lead", reference="profits rose " * 2000)
    assert any("ROUGE used only the first 2,000" in n for n in result.notices)
    short = summarization.summarize_full(ARTICLE, 1, "lead", reference="profits rose")
    assert short.notices == [] and short.rouge["rouge1"] > 0


def test_rouge_compares_a_bounded_number_of_tokens_of_each_side():
    """ROUGE-L's table is both lengths' product in pure Python: 20,000 characters against
    2,000 took 19 s in a model slot before the cut."""
    from models.summarization.rouge import MAX_TOKENS

    head, tail = "我" * MAX_TOKENS, "爱北京" * 3000
    reference = "我爱北京" * 500
    assert rouge(head + tail, reference, "zh") == rouge(head, reference, "zh")
    assert rouge(reference, head + tail, "zh") == rouge(reference, head, "zh")
    text = "。".join(f"第{i}句话讲的是城市里的新自行车道和它们的好处" for i in range(800)) + "。"
    result = summarization.summarize_full(text, 0.9, "lead", reference=text[:2000])
    assert any(f"first {MAX_TOKENS:,} words or characters" in n for n in result.notices)
    assert 0 < result.rouge["rougeL"] <= 1


def test_copies_of_training_documents_are_left_out_of_the_reported_splits():
    train = [Doc("The  cat sat.\nOn the mat.", "", "en"), Doc("x" * 150 + "tail one", "", "en")]
    docs = [
        Doc("the cat sat. on the MAT.", "", "en"),  # the same text, other case and spaces
        Doc("x" * 150 + "another tail", "", "en"),  # the same first 150 characters
        Doc("A dog barked.", "", "en"),
    ]
    assert [d.text for d in drop_copies(docs, train)] == ["A dog barked."]


@needs_data("nlp", "summarization", "bbc-news-summary")
def test_the_bbc_test_and_val_splits_hold_no_copy_of_a_training_article():
    splits = bbc_splits(DATA)
    assert len(splits["train"]) == 1500  # the split the model was trained on, unchanged
    seen = {text_key(d.text)[:150] for d in splits["train"]}
    for name in ("val", "test"):
        assert splits[name] and all(text_key(d.text)[:150] not in seen for d in splits[name])
    assert len(splits["test"]) == 265 and len(splits["val"]) == 183


@needs_data("nlp", "summarization", "lcsts", "val.tsv")
def test_the_reported_lcsts_val_leaves_out_the_posts_also_in_train():
    val, train = lcsts_val(DATA), {d.text for d in read_lcsts(DATA, "train")}
    assert len(val) == 951 and not any(d.text in train for d in val)


@needs_data("nlp", "summarization", "bbc-news-summary")
def test_the_evaluation_names_the_bbc_split_it_ran_on(tiny_summarizer):
    import json

    from models.summarization import evaluate

    args = ["--limit", "2", "--bbc-split", "val", "--write", "--data-dir", str(DATA)]
    evaluate.main(args)
    record = json.loads((tiny_summarizer / "default.metrics.json").read_text())
    assert "held out" not in record["split"] and "BBC val" in record["split"]
    assert record["n"] == {"LCSTS val": 2, "BBC val": 2}


def test_every_method_summarizes_at_the_length_asked(tiny_summarizer):
    for method in ("trained", "textrank", "lead"):
        result = summarization.summarize_full(ARTICLE, 2, method)
        assert len(result.chosen) == 2 and result.lang == "en", method
        assert result.text == " ".join(result.source[a:b] for a, b in result.chosen)
        assert len(result.scores) == len(result.sentences) == 5
        share = summarization.summarize_full(ARTICLE, 0.4, method)
        assert 0.2 < len(share.text) / len(ARTICLE) < 0.6
    assert summarization.summarize(ARTICLE, 1, "lead") == split_sentences(ARTICLE)[0]
    headline = summarization.summarize_full(POST, 0, "trained", reference="林志颖公司疑涉虚假营销")
    assert headline.lang == "zh" and 8 <= len(headline.text) <= 40  # ~28 characters of clauses
    assert set(headline.rouge) == {"rouge1", "rouge2", "rougeL"}
    two = summarization.summarize_full(POST, 2, "trained")  # sentences, not words
    assert len(two.chosen) == 2
    assert [two.source[a:b] for a, b in two.chosen] == [
        s for s in split_sentences(POST) if s in two.text
    ]
    assert summarization.summarize(POST, 1, "textrank") in split_sentences(POST)


def test_bad_input_gets_a_clear_message_or_a_notice(tiny_summarizer):
    for empty in ("", "   ", None, "\ufeff\n"):
        with pytest.raises(InputError, match="Paste a Chinese or English text"):
            summarization.summarize(empty)
    with pytest.raises(InputError, match="nothing to summarize"):
        summarization.summarize("😀🎉！？…")
    with pytest.raises(InputError, match="Unknown method"):
        summarization.summarize(ARTICLE, 0, "magic")
    one = summarization.summarize_full("I like tea.", 0, "textrank")
    assert one.text == "I like tea." and any("one sentence" in n for n in one.notices)
    flat = summarization.summarize_full("tea and coffee " * 40, 2, "trained")  # no punctuation
    assert any("no end punctuation" in n for n in flat.notices)
    huge = summarization.summarize_full("我喜欢茶。" * 40_000)  # 200,000 characters
    assert any("only the first 20,000 were summarized" in n for n in huge.notices)
    assert any("only the first 500 were summarized" in n for n in huge.notices)
    assert len(huge.sentences) == summarization.MAX_DOC_SENTENCES
    mixed = summarization.summarize_full("我喜欢机器学习。I like machine learning a lot.", 1)
    assert any("mixes Chinese and English" in n for n in mixed.notices)


def test_the_tab_shows_the_summary_highlights_scores_and_rouge(tiny_summarizer):
    from demos import summarization as tab

    text, notes, taken, scores, table = tab.summarize_ui(ARTICLE, 2, "trained", "profits rose")
    assert text and notes == ""
    assert "".join(piece for piece, _ in taken) == ARTICLE
    assert [piece for piece, label in taken if label] == split_sentences(text)
    assert sum(1 for _, s in scores if s is not None) == 5
    assert "ROUGE-1" in table
    assert tab.summarize_api(ARTICLE, 1, "lead") == split_sentences(ARTICLE)[0]


class FakeTokenizer:
    def __call__(self, texts, **kwargs):
        if isinstance(texts, str):  # counting the source's tokens: one a word here
            return {"input_ids": texts.split()}
        self.seen = texts
        return self

    def to(self, device):
        return {"input_ids": torch.ones(1, 3, dtype=torch.long)}

    def batch_decode(self, ids, skip_special_tokens=True):
        return [" a new summary "]


class FakeBart:
    device = torch.device("cpu")

    def generate(self, input_ids, **kwargs):
        return input_ids


def test_pretrained_option_summarizes_through_the_hub_model(monkeypatch, fresh_cache):
    asked = []
    monkeypatch.setattr(
        hub, "get_model", lambda lang: asked.append(lang) or (FakeTokenizer(), FakeBart())
    )
    result = summarization.summarize_full(ARTICLE, 0, "pretrained")
    assert asked == ["en"] and result.text == "a new summary" and result.scores is None
    assert result.notices == []
    long = summarization.summarize_full(ARTICLE * 10, 0, "pretrained")  # ~750 words
    assert any("reads only the first 512" in n for n in long.notices)


def test_pretrained_option_without_internet_says_so(monkeypatch, fresh_cache):
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setitem(hub.HUB_MODELS, "zh", "someone/not-a-cached-model")
    with pytest.raises(HubUnavailable, match="needs internet"):
        summarization.summarize(POST, 0, "pretrained")


def test_the_tab_offline_empties_every_output_and_says_why(monkeypatch, fresh_cache):
    from demos import summarization as tab

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setitem(hub.HUB_MODELS, "en", "someone/not-a-cached-model")
    text, notes, taken, scores, table = tab.summarize_ui(ARTICLE, 0, "pretrained", "profits")
    assert (text, taken, scores, table) == ("", None, None, "")  # nothing left of another method
    assert "needs internet access" in notes
    assert tab.summarize_picked("  ", 0, "pretrained", "") == tab.NOTHING  # no text yet


def test_training_writes_weights_that_summarize(dry_run, monkeypatch, fresh_cache):
    root, _ = dry_run("summarization")  # SPEC.dry_runs: a tiny net
    assert read_meta(root / "summarization" / "default.safetensors")["config"]["d_model"] == 16
    monkeypatch.setenv("GALLERY_WEIGHTS_DIR", str(root))
    assert isinstance(summarization.summarize(POST), str)


# The trained model must not fall below Lead on the CI sample (by more than a point: it is 191
# posts) as well as its metrics' floors (SPEC). Measured on it (every 5th post of LCSTS val less
# its copies of train posts): trained ROUGE-1 23.9, ROUGE-L 20.8; Lead 22.9 / 19.9; TextRank
# 22.6 / 19.3.
BELOW_LEAD = 1.0  # ROUGE x 100


def test_the_shipped_model_is_not_below_lead_on_the_ci_sample(sample_scores):
    scores = sample_scores("summarization")
    assert scores["lcsts_rouge1"] >= scores["lead_rouge1"] - BELOW_LEAD, scores
    assert scores["lcsts_rougeL"] >= scores["lead_rougeL"] - BELOW_LEAD, scores


# ---- the running app (shipped weights): over HTTP, and in a browser


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


def test_summarize_endpoint_answers_in_both_languages(client):
    from gradio_client.exceptions import AppError

    if not summarization.SPEC.weights_path().is_file():
        pytest.skip("no shipped summarization weights yet")
    english = client.predict(ARTICLE, 2, "trained", api_name="/summarize")
    assert len(split_sentences(english)) == 2
    assert all(sentence in ARTICLE for sentence in split_sentences(english))
    assert client.predict(ARTICLE, 1, "lead", api_name="/summarize") == split_sentences(ARTICLE)[0]
    chinese = client.predict(POST, 0, "trained", api_name="/summarize")
    assert re.search(r"[\u4e00-\u9fff]", chinese) and len(chinese) < len(POST)
    with pytest.raises(AppError, match="Paste a Chinese or English text"):
        client.predict("  ", 0, "trained", api_name="/summarize")


# A BBC article as the data set has it: the title on the first line, no end mark, a blank line.
TITLED = (
    "Ad sales boost Time Warner profit\n\n"
    "Quarterly profits at US media giant TimeWarner jumped 76% to $1.13bn (£600m) for the three "
    "months to December, from $639m year-earlier.\n\n"
    "The firm, which is now one of the biggest investors in Google, benefited from sales of "
    "high-speed internet connections and higher advert sales. TimeWarner said fourth quarter "
    "sales rose 2% to $11.1bn from $10.9bn. Its profits were buoyed by one-off gains which "
    "offset a profit dip at Warner Bros, and less users for AOL.\n\n"
    "Time Warner said on Friday that it now owns 8% of search-engine Google. But its own "
    "internet business, AOL, had mixed fortunes."
)
TITLE = "Ad sales boost Time Warner profit"


def test_a_title_line_is_a_sentence_of_its_own_and_keeps_its_line_in_a_summary(
    tiny_summarizer,
):
    for text in (TITLED, TITLED.replace("\n\n", "\n")):  # a blank line after it, or none
        sentences = parse(text).sentence_texts()
        assert sentences[0] == TITLE and sentences[1].startswith("Quarterly profits")
        lead = summarization.summarize(text, 2, "lead")
        assert lead == TITLE + "\n" + sentences[1]
        for method in ("lead", "textrank", "trained"):
            for length in (3, 0.6):
                summary = summarization.summarize(text, length, method)
                assert TITLE + " " not in summary and TITLE + "Q" not in summary


def test_a_heading_has_no_end_mark_and_few_words():
    assert summarization.is_heading(TITLE) and summarization.is_heading("国务院召开常务会议")
    assert not summarization.is_heading("Profits jumped 76%.")
    assert not summarization.is_heading('He said "no."') and not summarization.is_heading("好。")
    assert not summarization.is_heading(" ".join(["word"] * 30))  # a cut sentence
    assert summarization.join(["Profits rose.", "Sales fell."], "en") == "Profits rose. Sales fell."
    assert summarization.join(["标题", "正文。", "又一句。"], "zh") == "标题\n正文。又一句。"
