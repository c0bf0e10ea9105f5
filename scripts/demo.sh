#!/usr/bin/env bash
# `make demo`: a small end-to-end run of devlearn, a few minutes on a laptop CPU.
# Everything it writes goes under one folder (default demo-output/), made anew each time.
set -euo pipefail
out=${1:-demo-output}
devlearn=${DEVLEARN:-.venv/bin/devlearn}
rm -rf "$out"
mkdir -p "$out"

step() { printf '\n== %s\n' "$*"; }

step "The child's senses at 1, 3, 6, 12 and 24 months, and the developmental curves"
$devlearn development show --ages 1,3,6,12,24 --fov 30 --out "$out/ages.png"
$devlearn development curves --out "$out/curves"

step "A simulated infant: 2 children at 6, 12 and 18 months, 2 minutes of experience each"
$devlearn simulate --out "$out/sim" --ages 6:18:6 --hours-per-age 0.034 --children 2 --seed 0
$devlearn data info "$out/sim"
$devlearn data validate "$out/sim"

step "What the infant sees and hears: a contact sheet and a video with the caregiver's voice"
$devlearn simulate --out "$out/preview" --ages 6:18:6 --preview --seed 0

step "Importing head-camera recordings: generated videos, transcripts and ages"
$devlearn data sample "$out/inputs" --seed 0
$devlearn import video "$out/inputs/videos" --out "$out/recorded" \
    --ages "$out/inputs/ages.csv" --transcripts "$out/inputs/transcripts" --size 96
$devlearn data info "$out/recorded"

step "Training the audio-visual learner over age for one minute"
$devlearn train --data "$out/sim" --out "$out/run" --max-minutes 1 --seed 0

step "Done. Look at:"
find "$out" -maxdepth 3 \( -name '*.png' -o -name '*.mp4' -o -name '*.ckpt' \) | sort
