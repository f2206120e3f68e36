"""The hand-written off-topic questions (bench/questions/off_topic.jsonl) and their split."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

OFF_TOPIC = Path(__file__).resolve().parent / "questions" / "off_topic.jsonl"


def off_topic_questions() -> list[tuple[str, str, bool]]:
    """Return (language, question, is test) for the hand-written off-topic questions."""
    rows = [json.loads(line) for line in OFF_TOPIC.read_text().splitlines() if line.strip()]
    return [
        (r["lang"], r["question"], hashlib.sha256(r["question"].encode()).digest()[0] < 128)
        for r in rows
    ]
