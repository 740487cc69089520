#!/usr/bin/env bash
# Remakes the pictures of the README and the guide from the real binary in demo mode:
#   docs/images/console.png       the console at 100 x 30 after a mint (code, details, watcher line)
#   docs/images/patient-view.png  the patient-facing view (K) of the same link
#
# The console runs in a private tmux server at 100 x 30; the keys are those of "A first run"
# (pick patient-00012, tick Oura, m). Each screen is captured with its colours
# (`tmux capture-pane -e -p`), turned into HTML by Debian's `aha` (dark background, monospace
# font) and photographed by headless Chromium. Run it by hand when a screen changes; CI does not.
#
#   scripts/screenshots.sh                       # builds the debug binary first
#   VITAL_ONBOARD_BIN=path/to/vital-onboard scripts/screenshots.sh
#
# Needs: tmux, aha, chromium (Debian: apt-get install -y tmux aha chromium).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=""
for tool in tmux:tmux aha:aha chromium:chromium; do
  command -v "${tool%%:*}" >/dev/null || missing="$missing ${tool#*:}"
done
if [ -n "$missing" ]; then
  echo "screenshots.sh needs:$missing" >&2
  echo "install with: sudo apt-get install -y$missing" >&2
  exit 2
fi

cols=100
rows=30
line_px=17
out=docs/images
mkdir -p "$out"

bin="${VITAL_ONBOARD_BIN:-}"
if [ -z "$bin" ]; then
  cargo build --quiet
  bin="${CARGO_TARGET_DIR:-target}/debug/vital-onboard"
fi
bin="$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
[ -x "$bin" ] || { echo "no binary at $bin" >&2; exit 2; }

# A home of its own: no config, key, audit log or keychain of the caller's is read or written.
work="$(mktemp -d)"
sock="vital-onboard-shots-$$"
cleanup() {
  tmux -L "$sock" kill-server 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/home" "$work/config/vital-onboard" "$work/data" "$work/chromium"
cat >"$work/config/vital-onboard/config.toml" <<'EOF'
clinic_name = "Northside Clinic"
EOF

# The console, in a clean environment (no VITAL_* variables: demo mode).
tmux -L "$sock" -f /dev/null new-session -d -s shots -x "$cols" -y "$rows" \
  env -i PATH="$PATH" HOME="$work/home" XDG_CONFIG_HOME="$work/config" \
  XDG_DATA_HOME="$work/data" TERM=tmux-256color COLORTERM=truecolor LANG=C.UTF-8 \
  "$bin" --config "$work/config/vital-onboard/config.toml"
tmux -L "$sock" set-option -t shots status off >/dev/null
tmux -L "$sock" resize-window -t shots -x "$cols" -y "$rows" 2>/dev/null || true

screen() { tmux -L "$sock" capture-pane -t shots -p; }
wait_for() {
  local text="$1" tries=0
  until screen | grep -qF -- "$text"; do
    tries=$((tries + 1))
    if [ "$tries" -gt 150 ]; then
      echo "timed out waiting for: $text" >&2
      screen >&2
      exit 1
    fi
    sleep 0.2
  done
}
keys() { tmux -L "$sock" send-keys -t shots "$@"; sleep 0.3; }

wait_for "DEMO"
wait_for "patient-0001"
# The patient: / 00012 Enter.
keys /
keys -l 00012
keys Enter
wait_for "Selected patient-00012"
# The provider: Tab to Providers, / oura Enter, Space.
keys Tab
keys /
keys -l oura
keys Enter
keys Space
# Mint, and wait for the watcher's line.
keys m
wait_for "Watching for the connection"
sleep 0.5

# One capture → HTML (aha) → PNG (headless Chromium). $1: the PNG's path, $2: its title.
shoot() {
  local png="$1" title="$2" html="$work/shot.html"
  {
    cat <<EOF
<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>$title</title>
<style>
  html, body { margin: 0; background: #1c1c1c; }
  pre { margin: 0; padding: 12px 14px; color: #d0d0d0; background: #1c1c1c;
        font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 15px;
        line-height: ${line_px}px; font-variant-ligatures: none; }
</style></head><body><pre>
EOF
    tmux -L "$sock" capture-pane -t shots -e -p | aha --no-header
    echo "</pre></body></html>"
  } >"$html"
  # The page's size: 100 x 30 cells of 15 px DejaVu Sans Mono (9.04 x 17 px) and the padding.
  # A row of 17 px is a little less than the font's ascent plus descent, so the half blocks of the
  # code meet without a seam (at 18 px a light line shows between rows) and a module is nearly
  # square (9 x 8.5 px).
  local width=$((cols * 904 / 100 + 28 + 2)) height=$((rows * line_px + 24))
  local sandbox=()
  [ "$(id -u)" -eq 0 ] && sandbox=(--no-sandbox)
  chromium --headless "${sandbox[@]}" --disable-gpu --hide-scrollbars \
    --user-data-dir="$work/chromium" --force-device-scale-factor=1 \
    --window-size="$width,$height" --screenshot="$PWD/$png" "file://$html" >/dev/null 2>&1
  [ -s "$png" ] || { echo "chromium wrote no $png" >&2; exit 1; }
  echo "$png"
}

shoot "$out/console.png" "vital-onboard: the console after a mint"

# The patient-facing view of the same link.
keys K
wait_for "Scan with your phone camera"
sleep 0.5
shoot "$out/patient-view.png" "vital-onboard: the patient-facing view"

keys q
