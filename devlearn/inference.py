"""Loading a trained learner for use: ``devlearn.load(RUN or CHECKPOINT)``.

```python
import devlearn
model = devlearn.load("runs/saycam-s")             # the run's final checkpoint
model = devlearn.load("runs/saycam-s/checkpoints/age-012.00mo.ckpt")
img = model.encode_image(frames)                   # uint8 (n, H, W, 3) -> (n, D) unit vectors
txt = model.encode_text(["ball", "look at the car"])
spk = model.encode_speech([samples_16k, ...])      # float waveforms at 16 kHz
(img @ txt.T).argmax(1)
```
Checkpoints load with ``torch.load(weights_only=True)``: no pickled code runs.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from devlearn.errors import UserError
from devlearn.models.learner import Learner, ModelConfig
from devlearn.models.speech import SAMPLE_RATE
from devlearn.models.vocab import Vocab, tokenize


class TrainedLearner:
    """A trained learner with a CLIP-like API; all ``encode_*`` return unit vectors (n, D)."""

    def __init__(self, model: Learner, vocab: Vocab, info: dict, device: str = "cpu"):
        self.model = model.eval().to(device)
        self.vocab = vocab
        self.info = info  # age_months, samples_seen, step, config, path
        self.device = torch.device(device)

    @property
    def age_months(self) -> float:
        return float(self.info["age_months"])

    @torch.no_grad()
    def encode_image(
        self, images: np.ndarray | torch.Tensor, batch_size: int = 256
    ) -> torch.Tensor:
        """uint8 (n, H, W, 3) frames or float (n, 3, H, W) images in [0, 1]."""
        from devlearn.training.augment import to_float_images

        images = torch.as_tensor(images)
        out = []
        for chunk in images.split(batch_size):
            x = to_float_images(chunk.to(self.device), self.model.config.image_size)
            out.append(self.model.embed_image(x).cpu())
        return torch.cat(out) if out else torch.zeros(0, self.model.config.embed_dim)

    @torch.no_grad()
    def encode_text(self, texts: Sequence[str] | Sequence[Sequence[str]]) -> torch.Tensor:
        """Utterances as strings (tokenised like the dataset) or as word lists."""
        words = [tokenize(t) if isinstance(t, str) else [w.lower() for w in t] for t in texts]
        tokens = self.vocab.encode_batch(words, self.model.config.max_words).to(self.device)
        return self.model.embed_text(tokens).cpu()

    @torch.no_grad()
    def encode_speech(
        self, waves: Sequence[np.ndarray], sample_rate: int = SAMPLE_RATE
    ) -> torch.Tensor:
        """Mono waveforms (utterances or single words), cut to the model's max_speech_s."""
        if sample_rate != SAMPLE_RATE:
            import torchaudio.functional as AF

            waves = [
                AF.resample(
                    torch.as_tensor(w, dtype=torch.float32), sample_rate, SAMPLE_RATE
                ).numpy()
                for w in waves
            ]
        limit = int(self.model.config.max_speech_s * SAMPLE_RATE)
        lengths = torch.tensor([min(len(w), limit) for w in waves], dtype=torch.long)
        batch = torch.zeros(len(waves), limit)
        for i, w in enumerate(waves):
            batch[i, : lengths[i]] = torch.as_tensor(np.asarray(w, dtype=np.float32)[: lengths[i]])
        feats, n_frames = self.model.log_mel(batch.to(self.device), lengths.to(self.device))
        n_frames = torch.where(lengths.to(self.device) > 0, n_frames, torch.zeros_like(n_frames))
        return self.model.embed_speech(feats, n_frames).cpu()


def _checkpoint_of(path: Path) -> Path:
    if path.is_file():
        return path
    if not path.is_dir():
        raise UserError("no such run folder or checkpoint", path=path)
    done = path / "complete.json"
    if not done.exists():
        raise UserError(
            "this run has not finished (no complete.json); pass one of its "
            "checkpoints/age-*.ckpt files to load it anyway",
            path=path,
        )
    final = json.loads(done.read_text()).get("final_checkpoint")
    if not final:
        raise UserError("the run saved no checkpoint", path=path)
    return path / final


def load(path: str | Path, device: str = "cpu") -> TrainedLearner:
    """A trained learner from a run folder (its final checkpoint) or a checkpoint file."""
    from devlearn.training.checkpoints import read_checkpoint

    ckpt = _checkpoint_of(Path(path))
    content = read_checkpoint(ckpt)
    try:
        config = ModelConfig.from_dict(dict(content["config"]["model"]))
        vocab = Vocab(content["vocab"])
    except (KeyError, TypeError, ValueError) as error:
        raise UserError(f"checkpoint holds an unusable config: {error}", path=ckpt) from error
    model = Learner(config, len(vocab))
    expected, given = model.state_dict(), content["state_dict"]
    problems = [
        f"{k}: {tuple(v.shape)} in the file, {tuple(expected[k].shape)} for the config"
        for k, v in given.items()
        if k in expected and v.shape != expected[k].shape
    ]
    problems += [f"{k}: missing" for k in expected if k not in given]
    problems += [f"{k}: not part of the model" for k in given if k not in expected]
    if problems:
        raise UserError(
            f"the weights do not match the checkpoint's model config ({len(problems)} "
            f"tensors differ, e.g. {'; '.join(problems[:3])})",
            path=ckpt,
        )
    model.load_state_dict(given)
    info = {k: content.get(k) for k in ("age_months", "age_days", "samples_seen", "step", "data")}
    info.update(config=content["config"], path=str(ckpt))
    return TrainedLearner(model, vocab, info, device)
