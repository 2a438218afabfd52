"""What is said rather than done: quotations and reported speech, which report no event of their own
(a visit inside “…” or after 说， is what someone said). Shared by the verb patterns and the visit model."""
from __future__ import annotations

import re

# Reported speech: what follows 说, in a sentence is what someone said, not the reported event.
SPEECH = re.compile(r"(?:说|表示|介绍|指出|强调|认为|坦言|告诉记者|回忆)[,，:：]")
# The same verbs as words right after a speaker's name (某局副局长张强说): the name ends before them.
AFTER_NAME = frozenset({"说", "表示", "介绍", "指出", "认为", "强调", "坦言", "告诉", "回忆", "说道", "谈到"})


def quoted(text: str) -> list[bool]:
    """Which characters are inside “…”; an unclosed quote ends with its paragraph."""
    out, depth = [], 0
    for c in text:
        if c == "\n":
            depth = 0
        elif c == "“":
            depth += 1
        elif c == "”":
            depth = max(0, depth - 1)
        out.append(depth > 0)
    return out
