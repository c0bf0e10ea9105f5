from __future__ import annotations

from collections import Counter
from types import SimpleNamespace

import numpy as np
import pytest

from devlearn.environments import templates as T
from devlearn.environments.language import CaregiverLanguage, LanguageConfig, categories_by_place

CATEGORIES = (
    "ball car duck cup spoon shoe book bottle block truck bear bunny apple banana hat keys "
    "phone bowl train airplane fish bird dog cat"
).split()
N = 4000


def _plan(cfg: LanguageConfig, n: int = N, seed: int = 0, mlu: float = 4.0, **scene):
    lang = CaregiverLanguage(cfg, CATEGORIES, seed=seed)
    scene = {"in_view": ["ball", "cup"], "held": "cup", "absent": ["dog", "cat"],
             "out_of_view": ["shoe"], **scene}  # fmt: skip
    plans = [lang.next_utterance(mean_utterance_length=mlu, **scene) for _ in range(n)]
    return lang, plans


def test_measured_naming_decisions_match_the_configured_rates():
    cfg = LanguageConfig(naming_rate=0.6, p_named_in_view=0.7, p_absent_naming=0.1)
    lang, plans = _plan(cfg)
    named = [u for u in plans if u.named_category is not None]
    # Binomial standard errors: naming ~0.008 (n=4000), in-view ~0.010 and absent ~0.006
    # (n~2400); tolerances are about 3.5 of them.
    assert len(named) / N == pytest.approx(0.6, abs=0.03)
    in_view = np.mean([u.named_in_view for u in named])
    assert in_view == pytest.approx(0.7, abs=0.035)
    absent = np.mean([u.named_status == "absent" for u in named])
    assert absent == pytest.approx(0.1, abs=0.02)
    # Out-of-view naming takes the rest, and each status names from the right pool.
    pools = {"in_view": {"ball", "cup"}, "absent": {"dog", "cat"}, "out_of_view": {"shoe"}}
    assert all(u.named_category in pools[u.named_status] for u in named)
    assert np.mean([u.named_status == "out_of_view" for u in named]) == pytest.approx(0.2, abs=0.03)
    summary = lang.summary()
    assert summary["p_named_in_view"] == pytest.approx(in_view)
    assert summary["p_absent_naming"] == pytest.approx(absent)


@pytest.mark.parametrize("p", [0.0, 0.5, 1.0])
def test_in_view_rate_follows_the_knob(p):
    cfg = LanguageConfig(naming_rate=1.0, p_named_in_view=p, p_absent_naming=0.0)
    _, plans = _plan(cfg, n=1500)
    assert np.mean([u.named_in_view for u in plans]) == pytest.approx(p, abs=0.04)


def test_absent_objects_are_never_named_at_zero_rate():
    cfg = LanguageConfig(naming_rate=1.0, p_named_in_view=0.5, p_absent_naming=0.0)
    _, plans = _plan(cfg, n=1000)
    assert not any(u.named_status == "absent" for u in plans)


def test_nothing_in_view_falls_back_and_is_recorded():
    cfg = LanguageConfig(naming_rate=1.0, p_named_in_view=1.0, p_absent_naming=0.0)
    _, plans = _plan(cfg, n=200, in_view=[], held=None, out_of_view=[])
    assert all(u.named_status == "absent" and u.intended_status == "in_view" for u in plans)
    assert not any(u.in_view_possible or u.named_in_view for u in plans)
    _, chat = _plan(cfg, n=50, in_view=[], held=None, out_of_view=[], absent=[])
    assert all(u.kind == "chatter" and u.named_category is None for u in chat)


@pytest.mark.parametrize("mlu", [2.5, 4.0, 6.0])
def test_mean_utterance_length_tracks_the_profile(mlu):
    _, plans = _plan(LanguageConfig(naming_rate=0.5), n=3000, mlu=mlu)
    assert np.mean([len(u.words) for u in plans]) == pytest.approx(mlu, rel=0.05)


def test_utterances_say_the_named_word_and_chatter_names_nothing():
    _, plans = _plan(LanguageConfig(naming_rate=0.5), n=600)
    kinds = Counter(u.kind for u in plans)
    assert set(kinds) == {"naming", "question", "request", "chatter"}
    cats = frozenset(CATEGORIES)
    for u in plans:
        assert u.words == T.words_of(u.text) and u.words
        named = {T.category_of(w, cats) for w in u.words} - {None}
        if u.kind == "chatter":
            assert named == set() and u.named_category is None and u.named_in_view is None
        else:
            assert named == {u.named_category} and u.named_word in u.words


def test_zipf_and_uniform_word_distributions():
    everything = {"in_view": CATEGORIES, "held": None, "absent": [], "out_of_view": []}
    cfg = LanguageConfig(naming_rate=1.0, p_named_in_view=1.0, p_absent_naming=0.0)
    _, plans = _plan(cfg, n=6000, **everything)
    counts = Counter(u.named_category for u in plans)
    # Zipf with exponent 1 over 24 ranks: P(rank 1) = 1 / H_24 = 0.266, rank 1 : rank 4 = 4.
    assert counts["ball"] / 6000 == pytest.approx(1 / sum(1 / np.arange(1, 25)), abs=0.02)
    assert counts["ball"] / counts["cup"] == pytest.approx(4.0, rel=0.2)
    steep = LanguageConfig(
        naming_rate=1.0, p_named_in_view=1.0, p_absent_naming=0.0, zipf_exponent=2.0
    )
    _, plans = _plan(steep, n=3000, **everything)
    assert Counter(u.named_category for u in plans)["ball"] / 3000 == pytest.approx(0.62, abs=0.03)
    flat = LanguageConfig(
        naming_rate=1.0, p_named_in_view=1.0, p_absent_naming=0.0, word_distribution="uniform"
    )
    _, plans = _plan(flat, n=6000, **everything)
    shares = np.array([Counter(u.named_category for u in plans)[c] for c in CATEGORIES]) / 6000
    assert np.abs(shares - 1 / 24).max() < 0.015


def test_held_object_is_named_more_often():
    cfg = LanguageConfig(
        naming_rate=1.0, p_named_in_view=1.0, p_absent_naming=0.0, word_distribution="uniform"
    )
    _, plans = _plan(cfg, n=2000, in_view=["ball", "cup"], held="cup")
    share = np.mean([u.named_category == "cup" for u in plans])
    assert share == pytest.approx(10 / 11, abs=0.03)  # held_bias 10 against 1


def test_the_toy_the_child_looks_at_is_named_more_often():
    cfg = LanguageConfig(
        naming_rate=1.0, p_named_in_view=1.0, p_absent_naming=0.0, word_distribution="uniform"
    )
    scene = dict(in_view=["ball", "cup", "dog"], held=None)
    _, plans = _plan(cfg, n=2000, attended="dog", **scene)
    assert np.mean([u.named_category == "dog" for u in plans]) == pytest.approx(0.8, abs=0.03)
    _, plans = _plan(LanguageConfig(**{**cfg.__dict__, "attended_bias": 1.0}), n=2000, **scene)
    assert np.mean([u.named_category == "dog" for u in plans]) == pytest.approx(1 / 3, abs=0.04)


def test_a_toy_held_up_to_the_child_is_named_at_the_configured_share():
    cfg = LanguageConfig(naming_rate=0.0, name_presented=0.7, word_distribution="uniform")
    lang, plans = _plan(cfg, n=2000, presented="ball")
    named = [u.named_category for u in plans]
    assert np.mean([c == "ball" for c in named]) == pytest.approx(0.7, abs=0.035)
    assert set(named) <= {"ball", None}  # the rest is chatter, as naming_rate is 0
    assert all(u.named_status == "in_view" for u in plans if u.named_category)
    assert lang.summary()["naming_rate"] == pytest.approx(0.7, abs=0.035)
    # a presented toy that is not in view is not named for being presented
    _, plans = _plan(cfg, n=200, presented="shoe")
    assert all(u.named_category is None for u in plans)
    _, plans = _plan(LanguageConfig(naming_rate=0.0, name_presented=0.0), n=200, presented="ball")
    assert all(u.named_category is None for u in plans)


def test_schedule_matches_words_per_hour_over_a_long_run():
    cfg = LanguageConfig(naming_rate=0.5)
    lang = CaregiverLanguage(cfg, CATEGORIES, seed=3)
    hours, wph, mlu = 10.0, 1250.0, 4.0
    onsets = lang.schedule(hours * 3600, wph, mlu)
    assert onsets == sorted(onsets) and 0 <= onsets[0] and onsets[-1] < hours * 3600
    assert len(onsets) * mlu / hours == pytest.approx(wph, rel=0.10)
    assert np.diff(onsets).min() >= 0.45 * mlu + 0.5 - 1e-9  # no overlapping utterances
    spoken = sum(
        len(lang.next_utterance(["ball"], mean_utterance_length=mlu).words) for _ in onsets
    )
    assert spoken / hours == pytest.approx(wph, rel=0.10)


def test_config_words_per_hour_overrides_the_profile():
    lang = CaregiverLanguage(LanguageConfig(words_per_hour=600.0), CATEGORIES, seed=0)
    onsets = lang.schedule(20 * 3600, 2150.0, 4.0)
    assert len(onsets) * 4.0 / 20 == pytest.approx(600.0, rel=0.10)
    with pytest.raises(ValueError, match="words per hour"):
        CaregiverLanguage(LanguageConfig(), CATEGORIES).schedule(60.0, None, 4.0)


def test_same_seed_same_plan_and_other_seed_differs():
    cfg = LanguageConfig()
    a = [u.text for u in _plan(cfg, n=50, seed=5)[1]]
    assert a == [u.text for u in _plan(cfg, n=50, seed=5)[1]]
    assert a != [u.text for u in _plan(cfg, n=50, seed=6)[1]]
    s1 = CaregiverLanguage(cfg, CATEGORIES, seed=5).schedule(600, 1000, 4)
    assert s1 == CaregiverLanguage(cfg, CATEGORIES, seed=5).schedule(600, 1000, 4)


def test_bad_configuration_and_unknown_categories_raise():
    with pytest.raises(ValueError, match="p_named_in_view"):
        LanguageConfig(p_named_in_view=1.5)
    with pytest.raises(ValueError, match="at most 1"):
        LanguageConfig(p_named_in_view=0.8, p_absent_naming=0.3)
    with pytest.raises(ValueError, match="corpus_path"):
        LanguageConfig(word_distribution="corpus")
    with pytest.raises(ValueError, match="word_distribution"):
        LanguageConfig(word_distribution="pareto")
    with pytest.raises(ValueError, match="name_presented"):
        LanguageConfig(name_presented=-0.1)
    lang = CaregiverLanguage(LanguageConfig(), CATEGORIES)
    with pytest.raises(ValueError, match="unicorn"):
        lang.next_utterance(["unicorn"], None, [], 4.0)
    with pytest.raises(ValueError, match="unicorn"):
        lang.next_utterance(["ball"], None, [], 4.0, presented="unicorn")
    assert LanguageConfig(n_distractors=4).as_record()["n_distractors"] == 4


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory):
    from devlearn.datasets.writer import DatasetWriter

    out = tmp_path_factory.mktemp("chat") / "corpus"
    lines = [
        ("MOT", "look at the doggy !"), ("MOT", "where's the kitty ?"),
        ("MOT", "is that a doggy ?"), ("MOT", "give me the bunny ."),
        ("FAT", "the rabbit is sleeping ."), ("MOT", "oh [/] oh what a mess ."),
        ("MOT", "are you tired ?"), ("CHI", "doggy doggy doggy"),
        ("MOT", "the doggy and the kitty ."), ("MOT", "good job &-um sweetie !"),
    ]  # fmt: skip
    with DatasetWriter(out, source="chat") as writer:
        with writer.session("s1", "c1", 400) as session:
            for speaker, text in lines:
                session.add_utterance(speaker, text)
    return out


def test_corpus_utterances_map_nouns_to_categories(corpus_dir):
    cfg = LanguageConfig(
        naming_rate=0.5, word_distribution="corpus", utterance_source="corpus",
        corpus_path=str(corpus_dir),
    )  # fmt: skip
    lang = CaregiverLanguage(cfg, CATEGORIES, seed=0)
    # Mentions by adults only: dog 3 (incl. the two-category line), cat 2, bunny 2.
    assert lang.corpus.mentions == Counter({"dog": 3, "cat": 2, "bunny": 2})
    w = dict(zip(CATEGORIES, lang.weights, strict=True))
    assert w["dog"] / w["ball"] == pytest.approx(3.5 / 0.5)
    plans = [lang.next_utterance(["dog", "bunny", "ball"], None, ["cat"], 4.0) for _ in range(300)]
    from_corpus = [u for u in plans if u.named_category in ("dog", "bunny")]
    assert from_corpus and all(u.source == "corpus" for u in from_corpus)
    assert {u.named_word for u in from_corpus} <= {"doggy", "bunny", "rabbit"}
    assert {u.text for u in plans if u.kind == "chatter"} <= {
        "oh oh what a mess.",
        "are you tired?",
        "good job sweetie!",
    }
    # "ball" never occurs in the corpus: it is named from the templates instead.
    assert all(u.source == "templates" for u in plans if u.named_category == "ball")


def test_templates_cover_the_kinds_and_a_range_of_lengths():
    for kind, options in T.TEMPLATES.items():
        assert len(options) >= 15 and len(set(options)) == len(options)
        assert all(("{x}" in t) == (kind != "chatter") for t in options), kind
        lengths = [T.template_length(t, "ball") for t in options]
        assert min(lengths) <= 2 and max(lengths) >= 7, kind
    assert T.template_length("look, a {x}!", "toy_car") == 4  # "look a toy car"
    cats = frozenset({"dog", "cat", "bunny", "ball", "keys"})
    assert [
        T.category_of(w, cats) for w in ("doggy", "Kitty", "rabbit", "balls", "key", "cup")
    ] == ["dog", "cat", "bunny", "ball", "keys", None]


def test_categories_by_place_lists_in_view_largest_first_then_out_of_view_then_absent():
    names = {0: "ball", 1: "duck", 2: "ball", 3: "cup"}
    seen = [SimpleNamespace(index=i, pixel_frac=f) for i, f in ((0, 0.01), (1, 0.2), (2, 0.3))]
    in_view, out_of_view, absent = categories_by_place(
        seen, names.__getitem__, {"ball", "duck", "cup", "shoe"}, ["shoe", "car", "ball", "bear"]
    )
    assert in_view == ["ball", "duck"]  # the larger ball first, each category once
    assert out_of_view == ["cup", "shoe"] and absent == ["car", "bear"]
