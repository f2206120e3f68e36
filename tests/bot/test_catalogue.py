"""The app's words: one catalogue, a section per edge, English where a language has none."""

from __future__ import annotations

from datetime import date

import pytest

from bot import catalogue
from bot.answering.localisation import format_date, strings


def test_a_languages_own_words_win_and_english_fills_the_rest() -> None:
    french = catalogue.section("fr", "answer")
    assert (french["quote_open"], french["quote_close"]) == ("« ", " »")  # not in English
    assert french["intro"].startswith("D'après les sources officielles")
    assert catalogue.section("ar", "answer") == catalogue.section("en", "answer")
    assert catalogue.section("es", "telegram") == catalogue.section("en", "telegram")
    assert (
        catalogue.section("fr", "telegram")["commands"]["lang"]
        != (catalogue.section("en", "telegram")["commands"]["lang"])
    )


@pytest.mark.parametrize(
    ("language", "written"),
    [
        ("en", "15 June 2023"),
        ("vi", "ngày 15/6/2023"),
        ("fr", "15 juin 2023"),
        ("es", "15 de junio de 2023"),
        ("de", "15. Juni 2023"),
        ("ru", "15 июня 2023 г."),
        ("zh", "2023年6月15日"),
        ("ja", "2023年6月15日"),
        ("ko", "2023년 6월 15일"),
        ("th", "15 June 2023"),
    ],
)
def test_dates_are_written_as_the_readers_language_writes_them(language: str, written: str) -> None:
    assert format_date(date(2023, 6, 15), language) == written


def test_a_language_without_framing_gets_english() -> None:
    assert strings("th") == strings("en") and strings("th").language == "en"
