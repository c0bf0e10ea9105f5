from __future__ import annotations

import pytest
import torch

from devlearn.models import Learner, ModelConfig, Vocab
from devlearn.models.speech import LogMel
from devlearn.models.text import TextEncoder
from devlearn.models.vision import ResNetEncoder, ViTEncoder


def test_vocab_orders_by_count_and_maps_unknown_words():
    vocab = Vocab.build([["ball", "the"], ["the", "dog"], ["the", "ball"]], min_count=2)
    assert vocab.words == ["<pad>", "<unk>", "the", "ball"]
    assert vocab.encode(["the", "cat", "ball"], 5) == [2, 1, 3, 0, 0]
    assert vocab.encode_batch([["ball"] * 9], 4).tolist() == [[3, 3, 3, 3]]
    with pytest.raises(ValueError, match="must start with"):
        Vocab(["ball"])


@pytest.mark.parametrize("arch", ["mean", "transformer"])
def test_text_encoder_ignores_padding(arch: str):
    torch.manual_seed(0)
    enc = TextEncoder(10, 16, arch, max_len=8).eval()
    short = torch.tensor([[3, 4, 5, 0]])
    long = torch.tensor([[3, 4, 5, 0, 0, 0, 0, 0]])
    assert torch.allclose(enc(short), enc(long), atol=1e-5)
    assert enc(torch.zeros(2, 4, dtype=torch.long)).isfinite().all()


def test_vision_encoders_output_one_vector_per_image():
    images = torch.rand(2, 3, 64, 64)
    assert ResNetEncoder(8)(images).shape == (2, 64)
    assert ViTEncoder(64, 8, 32, 2)(images).shape == (2, 32)
    with pytest.raises(ValueError, match="multiple of the patch size"):
        ViTEncoder(60, 8)


def test_speech_embedding_is_the_same_alone_or_padded_in_a_batch():
    torch.manual_seed(0)
    model = Learner(ModelConfig(speech_width=16, embed_dim=8, vision_width=4), 5).eval()
    wave = torch.randn(1, 12_000)
    other = torch.randn(1, 20_000)
    alone = model.embed_speech(*model.log_mel(wave, torch.tensor([12_000])))
    padded = torch.cat([torch.nn.functional.pad(wave, (0, 8_000)), other])
    both = model.embed_speech(*model.log_mel(padded, torch.tensor([12_000, 20_000])))
    assert torch.allclose(alone[0], both[0], atol=1e-5)
    assert not torch.allclose(both[0], both[1], atol=1e-3)


def test_log_mel_counts_only_frames_inside_the_waveform():
    assert LogMel.frames_for(torch.tensor([16_000, 100])).tolist() == [99, 1]


def test_learner_embeddings_are_unit_vectors_and_config_is_checked():
    cfg = ModelConfig(vision="vit", vision_width=32, text="transformer", embed_dim=16)
    model = Learner(cfg, 7)
    img = model.embed_image(torch.rand(3, 3, 64, 64))
    txt = model.embed_text(torch.tensor([[2, 3, 0], [4, 0, 0], [5, 6, 2]]))
    assert torch.allclose(img.norm(dim=1), torch.ones(3)) and torch.allclose(
        txt.norm(dim=1), torch.ones(3)
    )
    assert abs(float(model.scale().detach()) - 1 / 0.07) < 1e-3
    with pytest.raises(ValueError, match="model.vision must be"):
        ModelConfig(vision="alexnet")
    with pytest.raises(ValueError, match="model.image_size"):
        ModelConfig(image_size=4)
