"""Regenerate ``WenQuanYiMicroHei.ttf`` from Debian's ``fonts-wqy-microhei`` (run from anywhere).

The project ships WenQuanYi Micro Hei (Apache-2.0; see ``README.md`` and ``LICENSE_Apache2.txt``)
so that the brief's PDF embeds the same font on every machine. This script takes the "Micro Hei"
face (index 0) out of Debian's TrueType collection and drops what no brief needs -- the Hangul
syllables and jamo and the private-use area -- keeping every other character: all 20,932 CJK
unified ideographs (U+4E00-U+9FC3, every GBK hanzi), CJK punctuation, full-width forms, kana, Latin
and the symbols. Layout tables and hinting are kept (the map's PNG renders through it too).

    python3 iiscore/_fonts/make_font.py [/usr/share/fonts/truetype/wqy/wqy-microhei.ttc]
"""
from __future__ import annotations

import sys
from pathlib import Path

SOURCE = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
TARGET = Path(__file__).resolve().parent / "WenQuanYiMicroHei.ttf"


def dropped(u: int) -> bool:
    """Code points left out: Hangul syllables and jamo, the private-use area."""
    return 0xAC00 <= u <= 0xD7AF or 0x1100 <= u <= 0x11FF or 0x3130 <= u <= 0x318F or 0xE000 <= u <= 0xF8FF


def main(source: Path = SOURCE, target: Path = TARGET) -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    font = TTCollection(str(source)).fonts[0]  # "WenQuanYi Micro Hei" (1 is the Mono face)
    keep = [u for u in font.getBestCmap() if not dropped(u)]
    opts = subset.Options()
    opts.layout_features = ["*"]
    opts.name_IDs = ["*"]
    opts.name_languages = ["*"]
    opts.notdef_outline = True
    opts.hinting = True
    sub = subset.Subsetter(opts)
    sub.populate(unicodes=keep)
    sub.subset(font)
    font.save(str(target))
    print(f"{target}: {len(keep)} characters, {target.stat().st_size:,} bytes")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE)
