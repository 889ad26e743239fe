"""The scheduled-monitor workflow of docs/examples, run step by step as two nightly jobs.

Each job gets a fresh copy of this repository (the checkout), a fresh virtualenv (the
runner's Python), and the workflow's ``run:`` steps executed in order by bash with GitHub's
variables (``$GITHUB_OUTPUT``, ``$GITHUB_STEP_SUMMARY``, ``${{ ... }}`` expressions) and its
``if:`` rules. The ``uses:`` steps are stubbed: checkout copies the repository, the cache
actions keep ``path`` in a directory shared by the two jobs (restore: the exact key, else the
newest key starting with a restore key), upload-artifact copies ``path`` aside.

What differs from GitHub, on purpose, so that nothing leaves this machine:

- The install step would fetch zdcontract from its repository at the pinned commit (pinned
  here to this checkout's HEAD, so the step's guard passes); the test installs this checkout
  instead (``pip install --no-index --no-deps --no-build-isolation``;
  the dependencies are those of the test environment, reached through a ``.pth`` file).
  The pinned form itself is checked, and so is its guard against an unset pin.
- The target is a ``zdcontract mock`` (zendesk profile) the test serves on loopback: the
  repository's one secret is ``ZDCONTRACT_BASE_URL``, its address; every other secret is
  empty, as GitHub passes secrets a repository does not have. ``ZDCONTRACT_MAX_EXAMPLES``
  and ``ZDCONTRACT_SEED`` keep the run short and repeatable, ``ZDCONTRACT_RATE_LIMIT`` lifts
  the live-account rate limit (the target is loopback). ``PIP_NO_INDEX`` is set.
- A repository with no target secret at all: the job must fail, not test zdcontract's own
  embedded mock and pass.
- The repository's accepted drift (``.zdcontract/baseline.json``, which the workflow reads)
  is made the way docs/monitoring.md says, with ``--update-baseline`` against the same mock.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import site
import subprocess
import sys
import sysconfig
from pathlib import Path
from typing import Any

import pytest
import yaml

from zdcontract.mock import MockConfig, MockServer

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / "docs" / "examples" / "zdcontract-drift.yml"
PINNED = re.compile(
    r'python -m pip install [^\n]*"zdcontract @ git\+\$\{ZDCONTRACT_REPO\}@\$\{ZDCONTRACT_COMMIT\}"'
)
# This checkout, built and installed offline into the job's virtualenv (see the docstring).
LOCAL_INSTALL = (
    "python -m pip install --disable-pip-version-check -q "
    '--no-index --no-deps --no-build-isolation "$GITHUB_WORKSPACE"'
)
TEST_SETTINGS = {
    "ZDCONTRACT_MAX_EXAMPLES": "5",
    "ZDCONTRACT_SEED": "11",
    "ZDCONTRACT_RATE_LIMIT": "1000000/s",
}


def load_workflow() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    return data


def repository_files() -> list[str]:
    """This repository's files, as a checkout has them (tracked, or new and not ignored)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [name for name in listed.decode().split("\0") if name and (ROOT / name).is_file()]


def copy_repository(files: list[str], into: Path) -> None:
    for name in files:
        target = into / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target)


def clean_environ() -> dict[str, str]:
    """The test's environment without zdcontract's or Zendesk's own variables."""
    return {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("ZDCONTRACT_", "ZENDESK_", "GITHUB_", "PYTEST_"))
        and k not in ("VIRTUAL_ENV", "PYTHONPATH", "CI")
    }


class Job:
    """One run of the workflow's job on a fresh runner."""

    def __init__(
        self,
        workflow: dict[str, Any],
        home: Path,
        run_id: int,
        shared: Path,
        secrets: dict[str, str] | None = None,
    ) -> None:
        self.workflow, self.run_id = workflow, run_id
        self.secrets = secrets or {}  # the repository's secrets; any other is empty
        self.home = home
        self.workspace = home / "workspace"
        self.cache, self.artifacts = shared / "cache", shared / "artifacts"
        self.outputs: dict[str, dict[str, str]] = {}
        self.codes: list[tuple[str, int | None]] = []  # (step, exit status or None if skipped)
        self.summary = home / "step_summary.md"
        self.failed = False

    # -- expressions -------------------------------------------------------------------
    def value(self, expression: str) -> str:
        """``a || b || 'c'``: the first operand that is not empty (GitHub's ``||``)."""
        for operand in (part.strip() for part in expression.split("||")):
            found = self.operand(operand)
            if found:
                return found
        return ""

    def operand(self, text: str) -> str:
        if re.fullmatch(r"\d+", text):
            return text
        if re.fullmatch(r"'[^']*'", text):
            return text[1:-1]
        if text == "github.run_id":
            return str(self.run_id)
        if text.startswith("secrets."):
            return self.secrets.get(text.removeprefix("secrets."), "")
        step = re.fullmatch(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text)
        if step:
            return self.outputs.get(step.group(1), {}).get(step.group(2), "")
        raise AssertionError(f"the test does not model the expression {text!r}")

    def expand(self, text: str) -> str:
        return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: self.value(m.group(1)), str(text))

    # -- steps -------------------------------------------------------------------------
    def environ(self, step: dict[str, Any]) -> dict[str, str]:
        env = clean_environ()
        venv_bin = self.home / "venv" / "bin"
        env.update(
            {
                "PATH": f"{venv_bin}{os.pathsep}{env.get('PATH', '')}",
                "CI": "true",
                "GITHUB_ACTIONS": "true",
                "GITHUB_RUN_ID": str(self.run_id),
                "GITHUB_WORKSPACE": str(self.workspace),
                "GITHUB_STEP_SUMMARY": str(self.summary),
                "PIP_NO_INDEX": "1",
                "HOME": str(self.home),
                **TEST_SETTINGS,
            }
        )
        for scope in (self.workflow.get("env") or {}, self.job.get("env") or {}):
            env.update({k: self.expand(v) for k, v in scope.items()})
        env.update({k: self.expand(v) for k, v in (step.get("env") or {}).items()})
        return env

    @property
    def job(self) -> dict[str, Any]:
        job: dict[str, Any] = self.workflow["jobs"]["drift"]
        return job

    def run(self, files: list[str]) -> None:
        self.home.mkdir()
        self.make_runner()
        for step in self.job["steps"]:
            name = step.get("name") or step.get("uses")
            condition = step.get("if")
            assert condition in (None, "always()"), f"{name}: the test models no if: {condition}"
            if self.failed and condition is None:
                self.codes.append((name, None))
                continue
            if "uses" in step:
                self.use(step, files)
                self.codes.append((name, 0))
            else:
                code = self.shell(step)
                self.codes.append((name, code))
                self.failed = self.failed or code != 0

    def shell(self, step: dict[str, Any], script: str | None = None) -> int:
        output = self.home / f"output-{len(self.codes)}"
        output.touch()
        env = self.environ(step)
        env["GITHUB_OUTPUT"] = str(output)
        text = self.expand(script if script is not None else step["run"])
        if PINNED.search(text):
            text = PINNED.sub(lambda _: LOCAL_INSTALL, text)
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", text],
            cwd=self.workspace,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.log = getattr(self, "log", "") + f"\n$ {step.get('name')}\n{done.stdout}{done.stderr}"
        if "id" in step:
            pairs = (line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
            self.outputs[step["id"]] = dict(pairs)
        return done.returncode

    def use(self, step: dict[str, Any], files: list[str]) -> None:
        action, _, _ = step["uses"].partition("@")
        given = {k: self.expand(v) for k, v in (step.get("with") or {}).items()}
        if action == "actions/checkout":
            copy_repository(files, self.workspace)
            shutil.copytree(self.home.parent / "baseline", self.workspace / ".zdcontract")
        elif action == "actions/setup-python":
            assert str(given["python-version"]).startswith("3.")
        elif action == "actions/cache/restore":
            keys = [given["key"], *str(given.get("restore-keys") or "").split()]
            stored = sorted(self.cache.glob("*"), key=lambda p: p.stat().st_mtime, reverse=True)
            hit = next((p for p in stored if p.name == keys[0]), None) or next(
                (p for key in keys[1:] for p in stored if p.name.startswith(key)), None
            )
            if hit is not None:
                target = self.workspace / given["path"]
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(hit / Path(given["path"]).name, target)
        elif action == "actions/cache/save":
            source = self.workspace / given["path"]
            if source.exists():
                entry = self.cache / given["key"]
                entry.mkdir(parents=True)
                shutil.copy2(source, entry / source.name)
        elif action == "actions/upload-artifact":
            shutil.copytree(self.workspace / given["path"], self.artifacts / given["name"])
        else:
            raise AssertionError(f"the test has no stub for {step['uses']}")

    def make_runner(self) -> None:
        """A fresh virtualenv that reaches the test environment's packages, not zdcontract."""
        venv = self.home / "venv"
        # No pip of its own (ensurepip takes seconds): `python -m pip` finds the test
        # environment's pip through the .pth below and installs into this virtualenv.
        subprocess.run(
            [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120
        )
        inner = subprocess.run(
            [
                str(venv / "bin" / "python"),
                "-c",
                "import sysconfig; print(sysconfig.get_paths()['purelib'])",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        # Every site directory of the test environment: a virtualenv made with
        # --system-site-packages reaches the base interpreter's too.
        outer = {*site.getsitepackages(), sysconfig.get_paths()["purelib"]}
        # Plain directory lines: the .pth files in them (this checkout's editable install)
        # are not read, so `zdcontract` is found only once the install step installed it.
        Path(inner, "test-environment.pth").write_text("\n".join(sorted(outer)) + "\n")


def make_baseline(into: Path, target: str) -> None:
    """The accepted drift a repository keeps, made as docs/monitoring.md says."""
    env = {**clean_environ(), **TEST_SETTINGS, "ZDCONTRACT_BASE_URL": target}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "zdcontract",
            "run",
            "-q",
            "--report-dir",
            str(into.parent / "r0"),
            "--update-baseline",
            str(into / "baseline.json"),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_workflow_installs_a_pinned_commit_never_a_bare_name() -> None:
    workflow = load_workflow()
    steps = workflow["jobs"]["drift"]["steps"]
    installs = [s for s in steps if "pip install" in str(s.get("run", ""))]

    assert len(installs) == 1
    assert PINNED.search(installs[0]["run"])
    assert re.fullmatch(r"https://\S+\.git", workflow["env"]["ZDCONTRACT_REPO"])
    for text in (WORKFLOW.read_text(), (WORKFLOW.parent / "crontab.txt").read_text()):
        assert not re.search(r"pip install\s+(-\S+\s+)*['\"]?zdcontract\b(?! @)", text)
        assert "git+" in text


def test_the_install_step_refuses_an_unset_pin(tmp_path: Path) -> None:
    workflow = load_workflow()
    step = next(s for s in workflow["jobs"]["drift"]["steps"] if "pip install" in str(s.get("run")))
    job = Job(workflow, tmp_path / "job", 1, tmp_path)
    job.home.mkdir()
    job.workspace.mkdir()

    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
        cwd=job.workspace,
        env=job.environ(step),  # the example's own placeholder pin
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 2
    assert "::error::set ZDCONTRACT_COMMIT" in done.stdout


def test_two_nightly_jobs_carry_the_history_through_the_cache(tmp_path: Path) -> None:
    workflow = load_workflow()
    # Pinned as a user would pin: a full hash (this checkout's), which passes the guard.
    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    )
    workflow["env"]["ZDCONTRACT_COMMIT"] = head.stdout.strip()
    files = repository_files()
    with MockServer(MockConfig(seed=3)) as mock:  # the zendesk profile: it drifts
        make_baseline(tmp_path / "baseline", mock.url)
        secrets = {"ZDCONTRACT_BASE_URL": mock.url}
        jobs = [Job(workflow, tmp_path / f"job{n}", 1000 + n, tmp_path, secrets) for n in (1, 2)]
        for job in jobs:
            job.run(files)
        served, url = len(mock.requests), mock.url

    for job in jobs:
        assert all(code == 0 for _, code in job.codes), (job.codes, job.log)
        assert job.outputs["drift"] == {"code": "0"}, job.log
        assert "## zdcontract drift report" in job.summary.read_text()
    first, second = jobs
    # The first job found no history; the second restored the first one's from the cache.
    assert len((first.workspace / "reports" / "history.jsonl").read_text().splitlines()) == 1
    history = (second.workspace / "reports" / "history.jsonl").read_text().splitlines()
    assert len(history) == 2
    assert [json.loads(line)["exit_code"] for line in history] == [0, 0]
    # What the second job uploaded: the history and a report whose trend shows both runs.
    uploaded = tmp_path / "artifacts" / "zdcontract-reports-1002"
    assert (uploaded / "history.jsonl").read_text().splitlines() == history
    report = (uploaded / "zdcontract-report.html").read_text()
    assert report.count('<g class="run">') == 2
    assert {p.name for p in (tmp_path / "cache").iterdir()} == {
        "zdcontract-history-1001",
        "zdcontract-history-1002",
    }
    # Each job tested the target its secret names (the baseline's run too), not the mock
    # zdcontract embeds.
    for job in jobs:
        report = json.loads((job.workspace / "reports" / "zdcontract-report.json").read_text())
        assert report["target"]["url"] == url and report["target"]["kind"] == "live"
    assert served > 0
    # zdcontract ran from the job's virtualenv, installed from the checkout.
    installed = jobs[1].home / "venv" / "bin" / "zdcontract"
    assert installed.exists()


def test_a_job_with_no_target_secret_fails_rather_than_test_the_embedded_mock(
    tmp_path: Path,
) -> None:
    workflow = load_workflow()
    steps = workflow["jobs"]["drift"]["steps"]
    step = next(s for s in steps if s.get("id") == "drift")
    job = Job(workflow, tmp_path / "job", 1, tmp_path)  # a repository without secrets
    job.home.mkdir()
    job.workspace.mkdir()

    code = job.shell(step)
    last = steps[-1]
    assert last["name"] == "Fail only on new drift"

    assert code == 2, job.log
    assert "::error::set the ZENDESK_SUBDOMAIN secret" in job.log
    assert job.outputs["drift"] == {"code": "2"}
    assert not (job.workspace / "reports").exists()  # nothing ran
    assert job.expand(last["run"]) == 'exit "2"'  # and the job ends failed


def test_the_cron_job_without_a_subdomain_fails_rather_than_test_the_embedded_mock(
    tmp_path: Path,
) -> None:
    line = next(
        text
        for text in (WORKFLOW.parent / "crontab.txt").read_text().splitlines()
        if text and not text.startswith("#") and "=" not in text.split()[0]
    )
    command = line.split(None, 5)[5].replace("\\%", "%")  # cron's five fields, its escapes
    home = tmp_path / "srv"
    (home / "venv" / "bin").mkdir(parents=True)
    (home / "logs").mkdir()
    launcher = home / "venv" / "bin" / "zdcontract"
    launcher.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m zdcontract "$@"\n')
    launcher.chmod(0o755)
    (home / "baseline.json").write_text("{}")
    env_file = tmp_path / "zdcontract.env"  # credentials, but no subdomain
    env_file.write_text("export ZENDESK_EMAIL=bot@acme.example\nexport ZENDESK_API_TOKEN=t\n")
    command = command.replace("/etc/zdcontract.env", str(env_file))
    command = command.replace("/srv/zdcontract", str(home))

    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-c", command],
        env={**clean_environ(), **TEST_SETTINGS},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert "zdcontract exit 2" in done.stdout, done.stdout + done.stderr
    assert "--subdomain must be a Zendesk subdomain" in done.stdout
    assert not any((home / "reports").glob("*/zdcontract-report.json"))  # nothing ran
