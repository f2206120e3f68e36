"""The words around the quotes, in the asker's language (English for languages not listed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

FALLBACK = "en"


@dataclass(frozen=True)
class Strings:
    """One language's framing strings; ``date`` is a format with {d}, {m}, {y}, {month}."""

    intro: str
    intro_editions: str  # when a quote is a publisher's own edition in the reader's language
    no_answer: str
    nearest: str
    error: str
    not_a_question: str
    date: str
    months: tuple[str, ...]
    quote_open: str = "“"
    quote_close: str = "”"
    separator: str = ", "
    topic_separator: str = "; "


_NUMERIC_MONTHS = tuple(str(m) for m in range(1, 13))

STRINGS: dict[str, Strings] = {
    "en": Strings(
        intro="According to the official sources held here (quoted verbatim, in their "
        "original language):",
        intro_editions="According to the official sources held here (quoted verbatim, from the "
        "publisher's own edition in your language where there is one):",
        no_answer="The official sources held here do not cover this question, so I cannot "
        "answer it.",
        nearest="The nearest topics they do cover: {topics}.",
        error="Sorry, the answer could not be produced. Please try again.",
        not_a_question="Please write your question in words; I could not find one in your message.",
        date="{d} {month} {y}",
        months=(
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
    ),
    "vi": Strings(
        intro="Theo các nguồn chính thức hiện có (trích nguyên văn, bằng ngôn ngữ gốc):",
        intro_editions="Theo các nguồn chính thức hiện có (trích nguyên văn, từ ấn bản chính "
        "thức bằng ngôn ngữ của bạn nếu có):",
        no_answer="Các nguồn chính thức hiện có không đề cập đến câu hỏi này, vì vậy tôi "
        "không thể trả lời.",
        nearest="Các chủ đề gần nhất mà các nguồn có đề cập: {topics}.",
        error="Xin lỗi, không thể tạo câu trả lời. Vui lòng thử lại.",
        not_a_question="Vui lòng viết câu hỏi bằng chữ; tôi không tìm thấy câu hỏi nào trong "
        "tin nhắn của bạn.",
        date="ngày {d}/{m}/{y}",
        months=_NUMERIC_MONTHS,
    ),
    "fr": Strings(
        intro="D'après les sources officielles dont je dispose (citées mot pour mot, dans "
        "leur langue d'origine) :",
        intro_editions="D'après les sources officielles dont je dispose (citées mot pour mot, dans "
        "l'édition officielle en votre langue lorsqu'elle existe) :",
        no_answer="Les sources officielles dont je dispose ne traitent pas de cette "
        "question ; je ne peux donc pas y répondre.",
        nearest="Les sujets les plus proches qu'elles abordent : {topics}.",
        error="Désolé, la réponse n'a pas pu être produite. Veuillez réessayer.",
        not_a_question="Veuillez écrire votre question en toutes lettres ; je n'en ai trouvé "
        "aucune dans votre message.",
        date="{d} {month} {y}",
        months=(
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ),
        quote_open="« ",
        quote_close=" »",
        topic_separator=" ; ",
    ),
    "es": Strings(
        intro="Según las fuentes oficiales disponibles aquí (citadas textualmente, en su "
        "idioma original):",
        intro_editions="Según las fuentes oficiales disponibles aquí (citadas textualmente, de la "
        "edición oficial en su idioma cuando existe):",
        no_answer="Las fuentes oficiales disponibles aquí no tratan esta pregunta, por lo "
        "que no puedo responderla.",
        nearest="Los temas más cercanos que sí tratan: {topics}.",
        error="Lo siento, no se pudo generar la respuesta. Inténtelo de nuevo.",
        not_a_question="Escriba su pregunta con palabras; no encontré ninguna en su mensaje.",
        date="{d} de {month} de {y}",
        months=(
            "enero",
            "febrero",
            "marzo",
            "abril",
            "mayo",
            "junio",
            "julio",
            "agosto",
            "septiembre",
            "octubre",
            "noviembre",
            "diciembre",
        ),
        quote_open="«",
        quote_close="»",
    ),
    "de": Strings(
        intro="Laut den hier vorliegenden offiziellen Quellen (wörtlich zitiert, in der "
        "Originalsprache):",
        intro_editions="Laut den hier vorliegenden offiziellen Quellen (wörtlich zitiert, aus der "
        "offiziellen Ausgabe in Ihrer Sprache, wo es eine gibt):",
        no_answer="Die hier vorliegenden offiziellen Quellen behandeln diese Frage nicht, "
        "daher kann ich sie nicht beantworten.",
        nearest="Die nächstliegenden Themen, die sie behandeln: {topics}.",
        error="Entschuldigung, die Antwort konnte nicht erstellt werden. Bitte versuchen "
        "Sie es erneut.",
        not_a_question="Bitte schreiben Sie Ihre Frage in Worten; in Ihrer Nachricht habe ich "
        "keine gefunden.",
        date="{d}. {month} {y}",
        months=(
            "Januar",
            "Februar",
            "März",
            "April",
            "Mai",
            "Juni",
            "Juli",
            "August",
            "September",
            "Oktober",
            "November",
            "Dezember",
        ),
        quote_open="„",
        quote_close="“",
    ),
    "ru": Strings(
        intro="Согласно имеющимся здесь официальным источникам (цитаты приводятся дословно, "
        "на языке оригинала):",
        intro_editions="Согласно имеющимся здесь официальным источникам (цитаты приводятся "
        "дословно, по официальной версии на вашем языке, где она есть):",
        no_answer="Имеющиеся здесь официальные источники не освещают этот вопрос, поэтому "
        "я не могу на него ответить.",
        nearest="Ближайшие темы, которые в них освещаются: {topics}.",
        error="Извините, не удалось подготовить ответ. Попробуйте ещё раз.",
        not_a_question="Пожалуйста, напишите вопрос словами: в вашем сообщении я его не нашёл.",
        date="{d} {month} {y} г.",
        months=(
            "января",
            "февраля",
            "марта",
            "апреля",
            "мая",
            "июня",
            "июля",
            "августа",
            "сентября",
            "октября",
            "ноября",
            "декабря",
        ),
        quote_open="«",
        quote_close="»",
    ),
    "zh": Strings(
        intro="根据本系统收录的官方资料（按原文逐字引用）：",
        intro_editions="根据本系统收录的官方资料（逐字引用，如有您所用语言的官方版本则引用该版本）：",
        no_answer="本系统收录的官方资料没有涉及这个问题，因此无法回答。",
        nearest="资料中最接近的主题：{topics}。",
        error="抱歉，无法生成回答，请重试。",
        not_a_question="请用文字写下您的问题；您的消息中没有可回答的问题。",
        date="{y}年{m}月{d}日",
        months=_NUMERIC_MONTHS,
        separator="，",
        topic_separator="；",
    ),
    "ja": Strings(
        intro="ここに収録されている公式資料によると（原文のまま逐語的に引用します）：",
        intro_editions="ここに収録されている公式資料によると（逐語的に引用します。あなたの言語の公式版がある場合はそれを引用します）：",
        no_answer="ここに収録されている公式資料はこの質問を扱っていないため、お答えできません。",
        nearest="資料が扱っている最も近いテーマは次のとおりです：{topics}。",
        error="申し訳ありません。回答を作成できませんでした。もう一度お試しください。",
        not_a_question="質問を文字で書いてください。メッセージに質問が見つかりませんでした。",
        date="{y}年{m}月{d}日",
        months=_NUMERIC_MONTHS,
        quote_open="「",
        quote_close="」",
        separator="、",
        topic_separator="、",
    ),
    "ko": Strings(
        intro="이곳에 보관된 공식 자료에 따르면 다음과 같습니다 (원문 그대로 인용합니다):",
        intro_editions="이곳에 보관된 공식 자료에 따르면 다음과 같습니다 (그대로 인용하며, "
        "귀하의 언어로 된 공식판이 있으면 그것을 인용합니다):",
        no_answer="이곳에 보관된 공식 자료에는 이 질문에 대한 내용이 없어 답변할 수 없습니다.",
        nearest="자료에서 다루는 가장 가까운 주제는 다음과 같습니다: {topics}.",
        error="죄송합니다. 답변을 생성하지 못했습니다. 다시 시도해 주세요.",
        not_a_question="질문을 글로 적어 주세요. 메시지에서 질문을 찾지 못했습니다.",
        date="{y}년 {m}월 {d}일",
        months=_NUMERIC_MONTHS,
    ),
}

LANGUAGE_NAMES = {
    "en": "English",
    "vi": "Vietnamese",
    "fr": "French",
    "es": "Spanish",
    "de": "German",
    "ru": "Russian",
    "zh": "Chinese (Simplified)",
    "ja": "Japanese",
    "ko": "Korean",
    "pt": "Portuguese",
    "it": "Italian",
    "ar": "Arabic",
    "th": "Thai",
    "lo": "Lao",
    "km": "Khmer",
    "uk": "Ukrainian",
    "pl": "Polish",
    "nl": "Dutch",
    "tr": "Turkish",
}


def strings(language: str) -> Strings:
    """Return the strings of ``language``, or English's when it has none."""
    return STRINGS.get(language, STRINGS[FALLBACK])


def format_date(value: date, language: str) -> str:
    """Return ``value`` written the way readers of ``language`` write dates."""
    table = strings(language)
    return table.date.format(
        d=value.day, m=value.month, y=value.year, month=table.months[value.month - 1]
    )


def language_name(language: str) -> str:
    """Return the English name of ``language`` (for prompts), or the code itself."""
    return LANGUAGE_NAMES.get(language, language)
