"""A small ctypes binding to the eSpeak NG library shipped in the ``espeakng-loader`` wheel.

eSpeak NG keeps its state in C globals: one synthesis callback per process, and static
variables in the waveform generator (the pitch-flutter phase, the echo buffer) that carry over
from one utterance to the next, and breathy voices take noise from the C library's rand(), so
the same text spoken twice comes out slightly different. Noise generators are seeded below.
To make synthesis a pure function of its inputs, every call loads the library, synthesises
and unloads it again (`dlclose` resets those statics; the round trip costs about 1 ms). That
also makes the binding safe in worker processes, forked or spawned: nothing is left
initialised between calls. A lock serialises calls from threads of one process.
"""

from __future__ import annotations

import ctypes
import os
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

# speak_lib.h
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_INITIALIZE_DONT_EXIT = 0x8000  # return an error code instead of calling exit()
_CHARS_UTF8 = 1
_POS_CHARACTER = 1
EVENT_LIST_TERMINATED = 0
EVENT_WORD = 1
EVENT_SENTENCE = 2
EVENT_END = 5  # end of a clause or sentence
PARAM_RATE = 1
PARAM_PITCH = 3
PARAM_RANGE = 4
PARAM_WORDGAP = 7  # pause between words, in units of 10 ms at the default speed

NATIVE_SAMPLE_RATE = 22050


class _Event(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),  # 1-based character position in the text
        ("length", ctypes.c_int),  # characters
        ("audio_position", ctypes.c_int),  # milliseconds from the start of the output
        ("sample", ctypes.c_int),  # sample index at the native rate
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_void_p),
    ]


class _VoiceSpec(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),  # 0 none, 1 male, 2 female
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


_CALLBACK_TYPE = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.POINTER(_Event)
)


@dataclass(frozen=True)
class RawEvent:
    kind: int
    text_position: int  # 1-based character index
    length: int
    sample: int  # at NATIVE_SAMPLE_RATE


@dataclass
class RawSpeech:
    samples: np.ndarray  # int16 at NATIVE_SAMPLE_RATE
    events: list[RawEvent]


_lock = threading.Lock()


def _fresh_lock_in_child() -> None:
    # A process forked while another thread was synthesising must not inherit a held lock.
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_lock_in_child)
_chunks: list[np.ndarray] = []
_events: list[RawEvent] = []


def _collect(wav, n_samples, events) -> int:
    if n_samples > 0:
        _chunks.append(np.ctypeslib.as_array(wav, shape=(n_samples,)).copy())
    i = 0
    while events[i].type != EVENT_LIST_TERMINATED:
        e = events[i]
        _events.append(RawEvent(e.type, e.text_position, e.length, e.sample))
        i += 1
    return 0  # 0 = continue synthesising


# Kept at module level: the C library holds a bare pointer to this thunk.
_CALLBACK = _CALLBACK_TYPE(_collect)


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None)  # the process's own C library, where rand() lives


def _paths() -> tuple[str, str]:
    try:
        import espeakng_loader
    except ImportError as e:  # pragma: no cover - a declared dependency
        raise ImportError(
            "speech needs the espeakng-loader wheel: pip install espeakng-loader"
        ) from e
    return espeakng_loader.get_library_path(), espeakng_loader.get_data_path()


def _declare(lib: ctypes.CDLL) -> None:
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    lib.espeak_SetSynthCallback.argtypes = [_CALLBACK_TYPE]
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByProperties.argtypes = [ctypes.POINTER(_VoiceSpec)]
    lib.espeak_ng_SetRandSeed.argtypes = [ctypes.c_long]
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int, ctypes.c_uint,
        ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
    ]  # fmt: skip


# Common language tags that are not eSpeak voice names ("en" is British English).
_ALIASES = {"en-gb": "en", "en-uk": "en"}


def _set_voice(lib: ctypes.CDLL, voice_name: str, gender: int, data_path: str) -> None:
    language, _, variant = voice_name.partition("+")
    # eSpeak ignores an unknown variant without an error: check that it exists.
    if variant and not (Path(data_path) / "voices" / "!v" / variant).is_file():
        raise ValueError(f"eSpeak NG has no voice variant {variant!r} (in {voice_name!r})")
    language = _ALIASES.get(language.lower(), language)
    name = f"{language}+{variant}" if variant else language
    if lib.espeak_SetVoiceByName(name.encode()) == 0:
        return
    # Not a voice name: let eSpeak choose by language and sex.
    spec = _VoiceSpec(languages=language.encode(), gender=gender)
    if lib.espeak_SetVoiceByProperties(ctypes.byref(spec)) != 0:
        raise ValueError(f"eSpeak NG has no voice {voice_name!r}")


def synthesize(
    text: str, voice_name: str, rate_wpm: int, pitch: int, pitch_range: int,
    word_gap: int = 0, gender: int = 0,
) -> RawSpeech:  # fmt: skip
    """Speak `text` with eSpeak NG; return 22,050 Hz int16 samples and the synthesis events.

    `pitch` and `pitch_range` are eSpeak's 0-99 scales, `rate_wpm` words per minute (80-450),
    `word_gap` extra pause between words in units of 10 ms.
    """
    import _ctypes

    lib_path, data_path = _paths()
    data = text.encode("utf-8")
    with _lock:
        lib = ctypes.CDLL(lib_path)
        try:
            _declare(lib)
            rate = lib.espeak_Initialize(
                _AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path.encode(), _INITIALIZE_DONT_EXIT
            )
            if rate != NATIVE_SAMPLE_RATE:
                raise RuntimeError(f"eSpeak NG failed to initialise (returned {rate})")
            lib.espeak_SetSynthCallback(_CALLBACK)
            _set_voice(lib, voice_name, gender, data_path)
            for param, value in (
                (PARAM_RATE, rate_wpm), (PARAM_PITCH, pitch), (PARAM_RANGE, pitch_range),
                (PARAM_WORDGAP, word_gap),
            ):  # fmt: skip
                lib.espeak_SetParameter(param, int(value), 0)
            _chunks.clear()
            _events.clear()
            # Breathy voices draw noise from eSpeak's generator, which espeak_Initialize seeds
            # from the clock, and Klatt voices from the C library's rand(): seed both from the
            # text so the noise is fixed per utterance (this also reseeds the process's rand()).
            seed = zlib.crc32(data)
            lib.espeak_ng_SetRandSeed(seed)
            _libc().srand(seed)
            err = lib.espeak_Synth(
                data, len(data) + 1, 0, _POS_CHARACTER, 0, _CHARS_UTF8, None, None
            )
            if err != 0:
                raise RuntimeError(f"eSpeak NG synthesis failed with code {err} for {text!r}")
            samples = np.concatenate(_chunks) if _chunks else np.zeros(0, np.int16)
            return RawSpeech(samples.astype(np.int16, copy=False), list(_events))
        finally:
            _chunks.clear()
            _events.clear()
            lib.espeak_Terminate()
            _ctypes.dlclose(lib._handle)
