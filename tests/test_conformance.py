"""The conformance corpus: every model runs through Stuurboord (pruned, and with pruning off)
and through plain SpiffWorkflow 3.2 with the same inputs; all must agree on the completed
elements, the final data, the status and the open tasks, unless a model documents why not."""

from __future__ import annotations

import pytest

from engine import Database
from tests.conformance.corpus import BUILDERS, DMN, SCENARIOS
from tests.conformance.harness import MODELS, Scenario, run_engine, run_plain


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.model)
@pytest.mark.parametrize("variant", ["pruned", "unpruned"])
def test_model_agrees_with_spiffworkflow(scenario: Scenario, variant: str, db: Database) -> None:
    plain = run_plain(scenario)
    assert plain.status == scenario.status, plain
    pruned = variant == "pruned"
    ours = run_engine(scenario, db, prune=pruned, reload=pruned)
    if pruned and scenario.expected_difference:
        assert ours.status == plain.status
        assert ours.path != plain.path
        expected = list(scenario.expected_path)
        assert ours.path == expected if scenario.ordered else sorted(ours.path) == sorted(expected)
        return
    assert ours.comparable(scenario.ordered) == plain.comparable(scenario.ordered)


def test_corpus_is_large_and_written_out() -> None:
    assert len(BUILDERS) >= 40
    for name, build in BUILDERS.items():
        assert (MODELS / f"{name}.bpmn").read_text() == build(), f"rerun corpus.py for {name}"
    assert (MODELS / "conformance_rules.dmn").read_text() == DMN
