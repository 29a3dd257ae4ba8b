"""Characters text must not carry: those XML forbids (removed from every value the front matter
gives, so no copy, endpoint or feed carries them), and terminal control sequences.

Terminal text:
Scraped text and file names can hold escape sequences that a terminal acts on
(ESC ]0;...BEL retitles the window, CSI sequences move the cursor, erase or
recolour what is on screen), other control characters, and bidi overrides
(U+202A-202E, U+2066-2069) that show the text around them reordered. Text kept for later
(an imported draft) has them removed; text printed once (a file name in an
error) has them written out as escapes, so that the reader still sees them.
"""

from __future__ import annotations

import re
from typing import Any

#: characters XML 1.0 forbids: removed from every text, never a crash
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """`value` without the characters XML forbids."""
    return XML_INVALID.sub("", value)


#: a whole terminal control sequence, with its introducer, parameters and terminator
_SEQUENCE = re.compile(
    # OSC, DCS, SOS, PM and APC strings (7- or 8-bit), up to BEL or ST; never across a line
    "(?:\x1b[]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c\n]*(?:\x07|\x1b\\\\|\x9c)"
    # CSI: parameters, intermediates, final byte
    "|(?:\x1b\\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]"
    # any other escape: ESC c, ESC 7, ESC ( B
    "|\x1b[\x20-\x2f]*[\x30-\x7e]"
)
#: the bidirectional embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI): they
#: reorder the text around them as shown ("Trojan Source"), so that what is read is not what is there
_BIDI = "\u202a-\u202e\u2066-\u2069"
#: C0 controls but tab and newline, DEL, C1 controls, bidi controls
_CONTROL = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}]")
#: every C0 control, DEL and C1 control, bidi controls: what a one-line name may not show raw
_ANY_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")


def strip_controls(text: str) -> tuple[str, int]:
    """`text` without terminal control sequences and control characters, bidi controls among them
    (tabs and newlines stay), and how many were removed."""
    if not _CONTROL.search(text):  # the common case: nothing to do (every sequence starts with one)
        return text, 0
    text, sequences = _SEQUENCE.subn("", text)
    # a lone control that Python counts as white space (form feed, NEL) still parts two words
    text, characters = _CONTROL.subn(lambda m: " " if m.group(0).isspace() else "", text)
    return text, sequences + characters


def strip_controls_in(value: Any) -> int:
    """Strip every string in a structure of dicts and lists, in place; how many were removed."""
    removed = 0
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, item in items:
        if isinstance(item, str):
            value[key], count = strip_controls(item)
            removed += count
        else:
            removed += strip_controls_in(item)
    return removed


def escape_controls(text: str, keep_newlines: bool = False) -> str:
    """`text` with each control character written as an escape (ESC as \\x1b, RLO as \\u202e), for printing."""
    pattern = _CONTROL if keep_newlines else _ANY_CONTROL
    return pattern.sub(
        lambda m: f"\\x{ord(m.group(0)):02x}" if m.group(0) < "\u0100" else f"\\u{ord(m.group(0)):04x}", text
    )
