"""Locust users for `benchmarks/load.py`: one scenario per run, chosen by BENCH_SCENARIO.

`load.py` writes the fixture (tokens, session keys, ids) to the JSON file named by
BENCH_FIXTURE and starts `locust --headless` once per scenario, so each scenario's figures
are measured alone and compared with the `ping` floor measured right beside them.
Users wait for nothing between requests: the figures are the server's capacity.
"""

from __future__ import annotations

import json
import os
import random

from locust import FastHttpUser, task

FIXTURE = json.loads(open(os.environ["BENCH_FIXTURE"], encoding="utf-8").read())  # noqa: SIM115
SCENARIO = os.environ["BENCH_SCENARIO"]
# Shared by all users of this one locust process, so each match is approved exactly once.
APPROVABLE = list(FIXTURE["approvable_matches"])
random.shuffle(APPROVABLE)


def _token(role: str) -> dict[str, str]:
    return {"Authorization": f"Token {FIXTURE['tokens'][role]}"}


def _session(role: str) -> dict[str, str]:
    return {"Cookie": f"sessionid={FIXTURE['sessions'][role]}"}


class ScenarioUser(FastHttpUser):
    def _get(self, path: str, headers: dict[str, str], name: str) -> None:
        with self.client.get(path, headers=headers, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")

    @task
    def scenario(self) -> None:
        getattr(self, SCENARIO)()

    def ping(self) -> None:
        self._get("/api/v1/ping/", _token("coordinator"), "ping")

    def needs_list(self) -> None:
        skill = random.choice(FIXTURE["skills"])
        role = random.choice(("coordinator", "manager", "specialist"))
        query = f"status=open&skill={skill}"
        if random.random() < 0.3:
            query += f"&agency={random.choice(FIXTURE['agencies'])}"
        self._get(f"/api/v1/needs/?{query}", _token(role), "needs_list")

    def specialists_list(self) -> None:
        skill = random.choice(FIXTURE["skills"])
        start, end = random.choice(FIXTURE["periods"])
        query = (
            f"skill={skill}&min_level={random.randint(2, 4)}"
            f"&available_from={start}&available_to={end}&min_capacity={random.choice((20, 50))}"
        )
        role = random.choice(("coordinator", "manager"))
        self._get(f"/api/v1/specialists/?{query}", _token(role), "specialists_list")

    def need_detail(self) -> None:
        need = random.choice(FIXTURE["needs"])
        role = random.choice(("coordinator", "manager", "specialist"))
        self._get(f"/api/v1/needs/{need}/", _token(role), "need_detail")

    def candidates(self) -> None:
        need = random.choice(FIXTURE["needs"])
        self._get(f"/api/v1/needs/{need}/candidates/?limit=10", _token("coordinator"), "candidates")

    def page_floor(self) -> None:
        self._get("/tillganglighet/", _session("specialist"), "page_floor")

    def dashboard_specialist(self) -> None:
        self._get("/", _session("specialist"), "dashboard_specialist")

    def dashboard_manager(self) -> None:
        self._get("/", _session("manager"), "dashboard_manager")

    def dashboard_coordinator(self) -> None:
        self._get("/", _session("coordinator"), "dashboard_coordinator")

    def approve(self) -> None:
        if not APPROVABLE:
            self.environment.runner.quit()
            return
        match = APPROVABLE.pop()
        with self.client.post(
            f"/api/v1/matches/{match}/approve/",
            headers=_token("coordinator"),
            name="approve",
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:200]}")
