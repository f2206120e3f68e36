"""Property-based checks of every endpoint against the app's own OpenAPI schema.

Schemathesis's pytest plugin does not run under pytest 9, so the operations are
driven through its Python API: one Hypothesis run per operation, a few examples each.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import positive_data_acceptance

from tests.bot.web.conftest import ADMIN, WebApi

EXAMPLES = 6
# A well-formed upload may still be refused for its content (a PNG, a corrupt PDF): 422.
CONTENT_CHECKED = {"POST /api/admin/documents"}


def test_responses_match_the_schema_and_nothing_crashes(web_api: WebApi) -> None:
    schema = schemathesis.openapi.from_url(f"{web_api.url}/openapi.json")
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15

    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            excluded = [positive_data_acceptance] if case.operation.label in CONTENT_CHECKED else []
            case.call_and_validate(headers=ADMIN, timeout=120, excluded_checks=excluded)

        try:
            check()
        except (Exception, BaseExceptionGroup) as failure:  # every failing operation is reported
            failures[operation.label] = str(failure)[:2000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
