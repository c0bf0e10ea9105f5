from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from devlearn.training.augment import BatchAugment
from devlearn.training.config import AugmentConfig
from devlearn.training.losses import info_nce, masked_info_nce, same_tokens, shared_words


def test_info_nce_is_log_b_for_uninformative_and_near_zero_for_perfect_pairs():
    b = 8
    zeros = torch.zeros(b, 4)
    assert math.isclose(
        info_nce(zeros, zeros, torch.tensor(10.0)).item(), math.log(b), rel_tol=1e-6
    )
    e = torch.eye(b)
    assert info_nce(e, e, torch.tensor(100.0)).item() < 1e-6


def test_same_utterances_share_the_target():
    tokens = torch.tensor([[3, 4, 0], [3, 4, 0], [5, 0, 0]])
    same = same_tokens(tokens)
    assert same.tolist() == [[True, True, False], [True, True, False], [False, False, True]]
    # rows 0 and 1 are the same utterance: matching image 0 to text 1 is not punished
    img = F.normalize(torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), dim=1)
    txt = F.normalize(torch.tensor([[1.0, 0.1], [1.0, 0.1], [0.0, 1.0]]), dim=1)
    soft = info_nce(img, txt, torch.tensor(50.0), same).item()
    # rows 0, 1 spread their target over two equal logits: log(2) each, row 2 about 0
    assert abs(soft - 2 / 3 * math.log(2)) < 1e-3


def test_utterances_sharing_a_counted_word_are_positives():
    # vocabulary: 0 pad, 1 unk, 2 "the", 3 "look", 4 "ball", 5 "cup"; only 4 and 5 count
    counted = torch.tensor([False, False, False, False, True, True])
    tokens = torch.tensor([[3, 2, 4], [2, 4, 4], [3, 2, 5], [3, 0, 0]])
    assert shared_words(tokens, counted).tolist() == [
        [True, True, False, False],  # "look the ball" ~ "the ball ball": both say ball
        [True, True, False, False],
        [False, False, True, False],  # sharing "look" and "the" with row 0 does not count
        [False, False, False, False],  # no counted word: not even itself (info_nce adds it)
    ]
    # a frame of a ball is then no negative for the other ball utterance: rows 0 and 1 lose
    # log(2) for two equal logits instead of being pushed apart
    img = F.normalize(torch.tensor([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [-1.0, 0.0]]), dim=1)
    same = shared_words(tokens, counted)
    loss = info_nce(img, img, torch.tensor(50.0), same).item()
    assert abs(loss - 2 / 4 * math.log(2)) < 1e-3


def test_masked_info_nce_uses_only_kept_rows():
    a = F.normalize(torch.randn(6, 4), dim=1)
    keep = torch.tensor([True, False, True, True, False, False])
    assert torch.allclose(
        masked_info_nce(a, a, torch.tensor(5.0), keep),
        info_nce(a[keep], a[keep], torch.tensor(5.0)),
    )
    assert masked_info_nce(a, a, torch.tensor(5.0), torch.zeros(6, dtype=torch.bool)).item() == 0


def _plain(**kw) -> AugmentConfig:  # noqa: ANN003
    base = dict(
        crop_scale=(1.0, 1.0),
        flip=False,
        channel_permute=0.0,
        greyscale=0.0,
        hue=0.0,
        brightness=0.0,
        contrast=0.0,
    )
    base.update(kw)
    return AugmentConfig(**base)


def _frames(n: int = 64) -> torch.Tensor:
    g = torch.Generator().manual_seed(0)
    return torch.randint(0, 256, (n, 16, 16, 3), generator=g, dtype=torch.uint8)


def test_no_augmentation_is_identity_and_permutation_only_reorders_channels():
    frames = _frames()
    x = frames.permute(0, 3, 1, 2).float() / 255
    out = BatchAugment(_plain(), 16)(frames, torch.Generator().manual_seed(1))
    assert torch.allclose(out, x, atol=1e-5)
    out = BatchAugment(_plain(channel_permute=1.0), 16)(frames, torch.Generator().manual_seed(1))
    seen = set()
    for i in range(len(frames)):
        match = [
            j for j in range(3) for k in range(3) if torch.allclose(out[i, k], x[i, j], atol=1e-5)
        ]
        assert len(set(match)) == 3  # every output channel is one of the input channels
        seen.add(
            tuple(
                int(
                    torch.argmin(torch.stack([(out[i, k] - x[i, j]).abs().sum() for j in range(3)]))
                )
                for k in range(3)
            )
        )
    assert len(seen) >= 4  # several different permutations over the batch


def test_greyscale_equalises_channels_and_outputs_stay_in_range():
    out = BatchAugment(_plain(greyscale=1.0), 16)(_frames(), torch.Generator().manual_seed(0))
    assert torch.allclose(out[:, 0], out[:, 1], atol=1e-5)
    out = BatchAugment(AugmentConfig(), 12)(_frames(), torch.Generator().manual_seed(0))
    assert out.shape == (64, 3, 12, 12) and out.min() >= 0 and out.max() <= 1


def test_hue_rotation_changes_colour_but_not_luma():
    frames = _frames()
    aug = BatchAugment(_plain(hue=0.5), 16)
    out = aug(frames, torch.Generator().manual_seed(0))
    x = frames.permute(0, 3, 1, 2).float() / 255
    luma = torch.tensor([0.299, 0.587, 0.114])[None, :, None, None]
    inside = (out > 0.01) & (out < 0.99)  # where clamping did not bite
    assert not torch.allclose(out, x, atol=0.05)
    diff = ((out * luma).sum(1) - (x * luma).sum(1)).abs()
    assert diff[inside.all(1)].max() < 1e-4


def test_augmentation_depends_only_on_the_generator_seed():
    aug, frames = BatchAugment(AugmentConfig(), 16), _frames()
    a = aug(frames, torch.Generator().manual_seed(5))
    b = aug(frames, torch.Generator().manual_seed(5))
    c = aug(frames, torch.Generator().manual_seed(6))
    assert torch.equal(a, b) and not torch.equal(a, c)


def _square_frame(size: int, cx: int, cy: int, half: int) -> torch.Tensor:
    """A black uint8 frame (1, size, size, 3) with a red square of side 2 * half at (cx, cy)."""
    frame = torch.zeros(1, size, size, 3, dtype=torch.uint8)
    frame[0, cy - half : cy + half, cx - half : cx + half, 0] = 255
    return frame


def test_gaze_crop_enlarges_the_looked_at_square():
    plain = dict(crop_scale=(1.0, 1.0), flip=False, channel_permute=0.0, greyscale=0.0, hue=0.0,
                 brightness=0.0, contrast=0.0)  # fmt: skip
    aug = BatchAugment(AugmentConfig(gaze_crop=0.5, **plain), image_size=64)
    frame = _square_frame(64, cx=44, cy=20, half=4)  # 8x8 px, 64 px of the frame's 4096
    gaze = torch.tensor([[44.0, 20.0]])
    # no jitter (validation view): a 32 px square around the gaze, scaled x2 to 64 px
    view = aug.gaze_view(frame, gaze)
    red = view[0, 0] > 0.5
    assert view.shape == (1, 3, 64, 64)
    assert abs(red.sum().item() - 256) <= 16  # 16x16 px now
    ys, xs = torch.nonzero(red, as_tuple=True)
    assert abs(xs.float().mean().item() - 31.5) < 1 and abs(ys.float().mean().item() - 31.5) < 1
    # training: jittered by at most 10% of the crop side (3.2 px -> 6.4 px after scaling)
    for seed in range(5):
        out = aug(frame, torch.Generator().manual_seed(seed), gaze=gaze)
        red = out[0, 0] > 0.5
        ys, xs = torch.nonzero(red, as_tuple=True)
        assert abs(red.sum().item() - 256) <= 40
        assert (
            abs(xs.float().mean().item() - 31.5) <= 7 and abs(ys.float().mean().item() - 31.5) <= 7
        )


def test_gaze_crop_stays_inside_the_frame_and_unknown_gaze_is_the_centre():
    aug = BatchAugment(AugmentConfig(gaze_crop=0.5), image_size=32)
    frame = _square_frame(64, cx=4, cy=60, half=4)  # in the bottom-left corner
    view = aug.gaze_view(frame, torch.tensor([[1.0, 63.0]]))  # crop clamped to x 0-32, y 32-64
    assert torch.allclose(view, aug.gaze_view(frame, torch.tensor([[16.0, 48.0]])))
    red = view[0, 0] > 0.5
    ys, xs = torch.nonzero(red, as_tuple=True)
    assert abs(xs.float().mean().item() - 3.5) < 1 and abs(ys.float().mean().item() - 27.5) < 1
    centre = _square_frame(64, cx=32, cy=32, half=4)
    nan = torch.tensor([[float("nan"), float("nan")]])
    assert torch.allclose(
        aug.gaze_view(centre, nan), aug.gaze_view(centre, torch.tensor([[32.0, 32.0]]))
    )


def test_gaze_crop_off_leaves_augmentation_unchanged():
    frames = torch.randint(0, 256, (4, 48, 48, 3), dtype=torch.uint8)
    gaze = torch.rand(4, 2) * 48
    aug = BatchAugment(AugmentConfig(), image_size=32)
    a = aug(frames, torch.Generator().manual_seed(3))
    b = aug(frames, torch.Generator().manual_seed(3), gaze=gaze)
    assert torch.equal(a, b)


def test_speech_warp_stretches_the_mel_axis():
    from devlearn.training.augment import warp_mel

    feats = torch.zeros(64, 40, 5)
    feats[:, 20] = 1.0  # energy in band 20
    g = torch.Generator().manual_seed(0)
    out = warp_mel(feats, g, 0.2)
    peak = out.mean(-1).argmax(1).float()
    # band i takes band i * factor: the peak moves to about 20 / factor, factor in [0.8, 1.2]
    assert peak.min() >= 20 / 1.2 - 1 and peak.max() <= 20 / 0.8 + 1
    assert peak.std() > 1.0  # each sample gets its own factor
    assert torch.equal(warp_mel(feats, g, 0.0), feats)


def test_gaze_crop_range_sees_the_looked_at_square_at_several_sizes():
    plain = dict(crop_scale=(1.0, 1.0), flip=False, channel_permute=0.0, greyscale=0.0, hue=0.0,
                 brightness=0.0, contrast=0.0)  # fmt: skip
    aug = BatchAugment(AugmentConfig(gaze_crop=0.25, gaze_crop_max=1.0, **plain), image_size=64)
    frame = _square_frame(64, cx=32, cy=32, half=4).expand(64, -1, -1, -1)  # 8x8 px square
    gaze = torch.full((64, 2), 32.0)
    out = aug(frame, torch.Generator().manual_seed(0), gaze=gaze)
    sizes = (out[:, 0] > 0.5).flatten(1).sum(1).float().sqrt()  # the square's side, px
    # crop sides 16-64 px -> the 8 px square is scaled to 32-8 px; log-uniform: median ~16 px
    assert sizes.min() >= 7 and sizes.max() <= 33
    assert sizes.max() - sizes.min() > 16
    assert 12 <= sizes.median() <= 20
    # validation (no generator): one view at the geometric mean side, 32 px -> 16 px square
    red = aug.gaze_view(frame[:1], gaze[:1])[0, 0] > 0.5
    assert abs(red.sum().item() - 256) <= 16


def test_gaze_crop_max_below_gaze_crop_is_refused():
    import pytest

    from devlearn.models.learner import ConfigError

    with pytest.raises(ConfigError, match="gaze_crop_max"):
        AugmentConfig(gaze_crop=0.5, gaze_crop_max=0.3)
