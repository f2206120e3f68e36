"""Sentence alignment of two editions over the real model's vectors."""

from __future__ import annotations

from retrieval.alignment import align
from retrieval.embedding import Embedder

VIETNAMESE = [
    "Quốc hội là cơ quan đại biểu cao nhất của Nhân dân, cơ quan quyền lực nhà nước cao nhất.",
    "Công dân có nghĩa vụ nộp thuế theo luật định và tham gia bảo vệ an ninh quốc gia.",
    "Thủ đô nước Cộng hòa xã hội chủ nghĩa Việt Nam là Hà Nội.",
    "Mọi người có quyền tự do tín ngưỡng, tôn giáo, theo hoặc không theo một tôn giáo nào.",
]
# The edition splits the second sentence in two and leaves the third out.
ENGLISH = [
    "The National Assembly is the highest representative organ of the people and the highest "
    "organ of state power.",
    "Citizens have the duty to pay taxes as provided by law.",
    "They also take part in safeguarding national security.",
    "Everyone has the right to freedom of belief and religion, to follow any religion or none.",
]


def test_a_split_sentence_is_paired_whole_and_a_missing_one_with_nothing(
    embedder: Embedder,
) -> None:
    beads = align(embedder.embed_passages(ENGLISH), embedder.embed_passages(VIETNAMESE))

    assert [(b.source, b.target) for b in beads] == [
        ((0, 1), (0, 1)),
        ((1, 3), (1, 2)),
        ((3, 4), (3, 4)),
    ]
    assert all(b.similarity > 0.8 for b in beads)


def test_unrelated_texts_align_nowhere_and_empty_ones_raise_nothing(embedder: Embedder) -> None:
    weather = embedder.embed_passages(
        [
            "Heavy rain is expected across the northern provinces this weekend.",
            "Temperatures in Hanoi will drop to twelve degrees at night.",
        ]
    )
    assert align(weather, embedder.embed_passages(VIETNAMESE[2:3])) == []
    assert align(weather[:0], weather) == []


def test_a_sentence_is_never_paired_with_the_heading_lines_of_the_next_article(
    embedder: Embedder,
) -> None:
    # The Constitution's English edition prints an article's side titles as lines of
    # their own; "Article 35." between them is no sentence and is left out.
    english = [
        "Citizen has the right to social insurance.",
        "Right to choose occupation and safe work environment",
        "Citizen has the right to work and to select career, job, and workplace.",
    ]
    vietnamese = [
        "Công dân có quyền được bảo đảm an sinh xã hội.",
        "Công dân có quyền làm việc, lựa chọn nghề nghiệp, việc làm và nơi làm việc.",
    ]
    beads = align(
        embedder.embed_passages(english),
        embedder.embed_passages(vietnamese),
        source_apart=[True, False],
    )

    # Without the heading between them the first pair would take in the next article's
    # title ((0, 2), (0, 1)); the title stays with its own article's sentence.
    assert [(b.source, b.target) for b in beads] == [((0, 1), (0, 1)), ((1, 3), (1, 2))]
