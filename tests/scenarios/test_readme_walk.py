"""The README's API walk, run as written against a live server on `make run`'s demo data.

The ```sh block under "The API in one walk" is taken from README.md, its `API=` line
pointed at a server started here (`manage.py runserver` on a free port, SQLite, tasks
in-process: the embedded default the README describes), with a database freshly migrated
and seeded by `manage.py seed_demo`. Its output must have the shape of the README's
"Its output" block. The demo data is dated from the day it is seeded, so the walk must
work on every day of the year: besides today it runs on fixed days (a Saturday, a month
end, a leap day) with the whole stack's clock — server, seeding and the script's `date`
and one-time code — set by Debian's `faketime` wrapper around each process tree, outside
the product's code. (The wrapper, not a bare LD_PRELOAD of libfaketime: with a bare preload
every process creates libfaketime's shared clock state itself, and a forked bash subshell that
exits removes it under its siblings.)
"""

import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
FAKE_TODAYS = ["2027-01-02", "2027-03-31", "2028-02-29"]  # Saturday, Wednesday, Tuesday


def readme_block(after: str, fence: str) -> str:
    text = (ROOT / "README.md").read_text()
    section = text[text.index(after) :]
    return re.search(rf"```{fence}\n(.*?)```", section, re.S).group(1)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One migrated SQLite database, copied for every run (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("walk") / "migrated.sqlite3"
    run_manage(["migrate", "--noinput", "-v0"], database=path, env={})
    return path


def base_env(database: Path, env: dict[str, str]) -> dict[str, str]:
    out = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE")
    }
    out.update(DATABASE_URL=f"sqlite:///{database}", PYTHONWARNINGS="ignore", **env)
    return out


def run_manage(
    args: list[str], *, database: Path, env: dict[str, str], clock: Sequence[str] = ()
) -> str:
    result = subprocess.run(
        [*clock, sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=base_env(database, env),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def walk(
    tmp_path: Path, migrated: Path, clock: list[str], env: dict[str, str]
) -> subprocess.CompletedProcess:
    """The walk with every process started under the `clock` prefix (empty: the real one)."""
    database = tmp_path / "demo.sqlite3"
    shutil.copy(migrated, database)
    seeded = run_manage(["seed_demo"], database=database, env=env, clock=clock)
    port = free_port()
    server = subprocess.Popen(
        [*clock, sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=base_env(database, env),
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "server.log").open("w"),
        start_new_session=True,  # its own process group: the wrapper and the server stop together
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (
                    tmp_path / "server.log"
                ).read_text()[-3000:]
                time.sleep(0.3)
        script = re.sub(
            r"^API=.*$",
            f"API=http://127.0.0.1:{port}/api/v1",
            readme_block("## The API in one walk", "sh"),
            count=1,
            flags=re.M,
        )
        result = subprocess.run(
            [*clock, "bash", "-c", script],
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    result.seeded = seeded  # type: ignore[attr-defined]
    return result


CANDIDATE = re.compile(r"^(\d+) (.+?) ([01](?:\.\d+)?) - (.+)$")


def shape(lines: list[str]) -> list[object]:
    """What may not vary between days: statuses, candidate lines' form, the final record."""
    out: list[object] = []
    for line in lines:
        candidate = CANDIDATE.match(line)
        if candidate:
            phrases = candidate.group(4).split("; ")
            out.append(("candidate", phrases[0], phrases[-1].split(" of the asked ")[1]))
        elif line.startswith("{"):
            record = json.loads(line.replace('"…"', '"x"'))
            out.append(
                ("completed", sorted(record), record["hours"], record["rating"], record["comment"])
            )
        else:
            out.append(line)
    return out


def assert_walk_as_documented(result: subprocess.CompletedProcess) -> None:
    assert result.returncode == 0
    assert result.stderr == ""  # no traceback from any step
    documented = readme_block("Its output", "").strip().splitlines()
    printed = result.stdout.strip().splitlines()
    assert shape(printed) == shape(documented)
    assert printed[-2:] == ["applied", "accepted"]  # the change applied, the early end taken


def test_the_readme_walk_runs_as_written_today(tmp_path, migrated):
    result = walk(tmp_path, migrated, clock=[], env={})

    assert_walk_as_documented(result)


@pytest.mark.faketime
@pytest.mark.parametrize("today", FAKE_TODAYS)
def test_the_readme_walk_runs_as_written_on_any_day(tmp_path, migrated, today):
    # One offset from the real clock for every process, so that the server and the script's
    # one-time code agree on the time however far apart the processes started.
    target = dt.datetime.fromisoformat(f"{today}T10:00:00+01:00")
    offset = int((target - dt.datetime.now(dt.UTC)).total_seconds())
    clock = ["faketime", "-f", f"{offset:+d}"]
    env = {"FAKETIME_DONT_FAKE_MONOTONIC": "1", "TZ": "Europe/Stockholm"}
    result = walk(tmp_path, migrated, clock=clock, env=env)

    assert f"dates anchored on {today}" in result.seeded
    assert_walk_as_documented(result)
