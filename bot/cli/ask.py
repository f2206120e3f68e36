"""``vnpos ask``: answer one question from the command line."""

from __future__ import annotations

import logging

import click
from pydantic import ValidationError

from bot.answering import AskRequest, AskResponse
from bot.cli.common import load_settings, say
from bot.cli.remote import running_server
from bot.runtime import open_services


@click.command()
@click.argument("question")
@click.option("--json", "as_json", is_flag=True, help="Print the whole response as JSON.")
@click.option("--language", default=None, help="Answer in this language (ISO 639-1 code).")
@click.option("--conversation", default=None, help="Continue this conversation id.")
def ask(question: str, as_json: bool, language: str | None, conversation: str | None) -> None:
    """Answer QUESTION from the sources, with numbered citations."""
    try:
        request = AskRequest(question=question, language=language, conversation_id=conversation)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise click.BadParameter(problems) from None
    # Per-step log lines would drown the answer.
    logging.getLogger("retrieval").setLevel(logging.WARNING)
    logging.getLogger("bot.answering").setLevel(logging.WARNING)
    settings = load_settings()
    remote = running_server(settings)
    if remote is not None:
        try:
            response = remote.ask(request)
        finally:
            remote.close()
    else:
        services = open_services(settings, on_wait=say)
        try:
            response = services.answerer.ask(request, channel="cli")
        finally:
            services.close()
    click.echo(response.model_dump_json(indent=2) if as_json else render(response))


def render(response: AskResponse) -> str:
    """Return the answer followed by its numbered sources, with the quotes it only names."""
    lines = [response.answer]
    if response.citations:
        lines.append("")
    for c in response.citations:
        details = ", ".join(part for part in (c.publisher, c.published) if part)
        lines.append(f"[{c.n}] {c.title}" + (f" ({details})" if details else "") + f" {c.source}")
        read = c.translation.text if c.translation else c.quote
        if read and read not in response.answer:
            lines.append("    " + " ".join(read.split()))
    lines.append(f"\nconversation: {response.conversation_id}")
    return "\n".join(lines)
