"""``vnpos eval``: score the answers to an evaluation file, per language and overall."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import click

from bot.answering import AskRequest, AskResponse
from bot.answering.evaluation import load_items, report_json, report_table, run
from bot.cli.common import load_settings
from bot.cli.progress import progress_bar
from bot.runtime import answer_parts, open_knowledge_base


@click.command(name="eval")
@click.argument("questions", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def evaluate(questions: Path, as_json: bool) -> None:
    """Score the answers to QUESTIONS.jsonl per language and overall.

    Reports gold documents cited, expected mentions, abstention on unanswerable questions,
    refusals of answerable ones, and p50/p95 latency.
    """
    items = load_items(questions)
    logging.getLogger("retrieval").setLevel(logging.WARNING)
    logging.getLogger("bot.answering").setLevel(logging.WARNING)
    settings = load_settings()
    parts = answer_parts(settings)
    knowledge_base = open_knowledge_base(settings)
    # No store: evaluation questions must not show up as readers' unanswered questions.
    answerer = parts.answerer(knowledge_base)

    def ask(request: AskRequest) -> AskResponse:
        return answerer.ask(request, channel="eval")

    try:
        with progress_bar(len(items), "answering") as advance:
            results = run(ask, items, advance)
    finally:
        knowledge_base.close()
    if as_json:
        click.echo(json.dumps(report_json(results), ensure_ascii=False, indent=2))
    else:
        click.echo(report_table(results))
