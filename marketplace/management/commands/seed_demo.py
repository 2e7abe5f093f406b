"""Demo data for trying the product: agencies, people, specialists, needs and matches.

Deterministic and idempotent: a fixed random seed draws a plan (plain data) whose
dates are offsets from an anchor day (the day it is seeded), and the plan is
written with update_or_create keyed by natural keys (agency slug, user email, need title
within its agency, need and specialist for a match). Running it twice leaves the same
rows; rows of the plan's own objects that the plan no longer holds (a specialist's old
skills or windows) are removed. Reserving matches never exceed a specialist's free
capacity on any day, checked with marketplace.matching.capacity as the plan is drawn.
"""

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.mfa import otpauth_uri, totp_device_demo
from accounts.models import Agency, Role, User
from accounts.validators import luhn_check_digit
from marketplace.matching.capacity import Window, min_free_percent, overcommitted_days
from marketplace.matching.scoring import DEFAULT_WEIGHTS
from marketplace.models import (
    RESERVING_MATCH_STATUSES,
    Availability,
    Clearance,
    Engagement,
    Match,
    MatchStatus,
    Need,
    NeedSkill,
    NeedStatus,
    ProposedBy,
    Region,
    Skill,
    Specialist,
    SpecialistSkill,
    UnfilledReason,
)
from marketplace.reports.facts import report_facts_refresh
from marketplace.skill_taxonomy import SKILLS

DEMO_PASSWORD = "demo-2026-dela"
SEED = 20261128
ADMIN_EMAIL = "admin@demo.se"
COORDINATOR_EMAIL = "samordnare@demo.se"
# Coordinators and admins must log in with a one-time code (accounts.mfa). The demo gives
# them a TOTP device with this published key (base32 DELADKOMPETENSDEMODELADKOMPETENS), so
# anyone trying the demo can add it to an authenticator app. Demo data only.
DEMO_TOTP_KEY_HEX = "191601a9cc792646c864638645806a731e4991b2"
DEMO_TOTP_SECRET = "DELADKOMPETENSDEMODELADKOMPETENS"

# (name, slug, first nine digits of the organisationsnummer, home län, specialists)
AGENCIES = [
    ("Skatteverket", "skatteverket", "202100544", Region.AB, 10),
    ("Försäkringskassan", "forsakringskassan", "202100552", Region.AB, 10),
    ("Lantmäteriet", "lantmateriet", "202100488", Region.X, 8),
    ("Arbetsförmedlingen", "arbetsformedlingen", "202100211", Region.AB, 8),
    ("Myndigheten för digital förvaltning", "digg", "202100673", Region.Y, 6),
    ("Trafikverket", "trafikverket", "202100628", Region.W, 7),
    ("Bolagsverket", "bolagsverket", "202100504", Region.Y, 5),
    ("Statens servicecenter", "statens-servicecenter", "202100663", Region.X, 6),
]

FIRST_NAMES = [
    "Anna", "Erik", "Maria", "Lars", "Karin", "Johan", "Sara", "Anders", "Emma", "Per",
    "Lena", "Mikael", "Elin", "Fredrik", "Sofia", "Jonas", "Ida", "Magnus", "Linnea",
    "Henrik", "Maja", "Oskar", "Helena", "Ahmed", "Fatima", "Mohammed", "Leila", "Niklas",
    "Hanna", "Björn", "Amira", "Tobias", "Jenny", "Daniel", "Malin", "Patrik", "Yasmin",
]  # fmt: skip
LAST_NAMES = [
    "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
    "Persson", "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist",
    "Berg", "Holm", "Sandberg", "Lundgren", "Ali", "Hassan", "Nyström", "Åberg",
    "Öberg", "Ekström", "Forsberg", "Sjöberg", "Wallin", "Engström", "Danielsson",
]  # fmt: skip

# Title -> the skills such a specialist has (the first ones most likely).
TITLES: dict[str, list[str]] = {
    "Molnarkitekt": [
        "Molnarkitektur (AWS/Azure)", "Infrastructure as Code (Terraform)", "Kubernetes",
        "Molnmigrering", "FinOps och molnkostnadsstyrning",
        "Suverän molntjänst och datalokalisering",
    ],
    "Säkerhetsarkitekt": [
        "Informationssäkerhet (ISO 27001)", "Identitets- och behörighetshantering (IAM)",
        "Säkerhetsskydd", "NIS2 och cybersäkerhetslagen", "Molnarkitektur (AWS/Azure)",
    ],
    "Informationssäkerhetssamordnare": [
        "Riskanalys och kontinuitetsplanering", "Informationssäkerhet (ISO 27001)",
        "NIS2 och cybersäkerhetslagen", "Incidenthantering (CSIRT)", "Säkerhetsskydd",
    ],
    "Penetrationstestare": [
        "Penetrationstestning", "Nätverk och brandväggar", "Linux-drift",
        "Incidenthantering (CSIRT)",
    ],
    "IT-upphandlare": [
        "IT-upphandling (LOU)", "Kravställning och förfrågningsunderlag", "Avtalsförvaltning",
        "IT-rätt och GDPR",
    ],
    "IT-jurist": [
        "IT-rätt och GDPR", "Offentlighet och sekretess (OSL)", "Dataskyddsombud",
        "IT-upphandling (LOU)", "NIS2 och cybersäkerhetslagen",
    ],
    "Dataingenjör": [
        "Dataengineering", "Python", "Databasadministration (PostgreSQL)",
        "Datastyrning och informationsförvaltning", "Molnarkitektur (AWS/Azure)",
    ],
    "Data scientist": [
        "Data science", "Python", "Statistik och analys", "Maskininlärning i produktion (MLOps)",
        "Generativ AI och språkmodeller",
    ],
    "BI-analytiker": [
        "Business Intelligence (Power BI)", "Statistik och analys",
        "Datastyrning och informationsförvaltning", "Öppna data och PSI-lagen",
    ],
    "Tillgänglighetsexpert": [
        "Tillgänglighet (WCAG)", "Användbarhet och UX-design", "Klarspråk",
        "Frontendutveckling (React/TypeScript)", "Designsystem",
    ],
    "UX-designer": [
        "Användbarhet och UX-design", "Interaktionsdesign", "Tjänstedesign",
        "Tillgänglighet (WCAG)", "Designsystem",
    ],
    "Lösningsarkitekt": [
        "Lösningsarkitektur", "Integrationsarkitektur och API-design",
        "Molnarkitektur (AWS/Azure)", "Informationsarkitektur", "Java",
    ],
    "Verksamhetsarkitekt": [
        "Verksamhetsarkitektur", "Enterprise Architecture (TOGAF)", "Informationsarkitektur",
        "Förvaltningsgemensam digital infrastruktur (Ena)",
    ],
    "Systemutvecklare": [
        "Python", "Java", ".NET (C#)", "Frontendutveckling (React/TypeScript)",
        "Testautomatisering", "E-tjänster och digitala ärendeflöden",
    ],
    "DevOps-ingenjör": [
        "DevOps och CI/CD", "Kubernetes", "Infrastructure as Code (Terraform)",
        "Övervakning och observerbarhet", "Site Reliability Engineering",
    ],
    "Driftingenjör": [
        "Linux-drift", "IT-servicehantering (ITIL)", "Nätverk och brandväggar",
        "Övervakning och observerbarhet", "Databasadministration (PostgreSQL)",
    ],
    "IT-projektledare": [
        "IT-projektledning", "Agil utveckling och Scrum",
        "Kravställning och förfrågningsunderlag", "Avtalsförvaltning",
    ],
}  # fmt: skip

# Title -> what an agency asking for such a person writes as the need's title.
NEED_TITLES: dict[str, list[str]] = {
    "Molnarkitekt": [
        "Molnarkitekt för flytt av ärendesystem till Azure",
        "Stöd i molnstrategi och exitplan",
    ],
    "Säkerhetsarkitekt": [
        "Säkerhetsarkitekt till ny e-legitimationslösning",
        "Säkerhetsgranskning av molnplattform",
    ],
    "Informationssäkerhetssamordnare": [
        "Gap-analys inför NIS2",
        "Kontinuitetsplan för kritiska it-system",
    ],
    "Penetrationstestare": ["Penetrationstest av medborgartjänst", "Säkerhetstest av nytt API"],
    "IT-upphandlare": [
        "Upphandling av ny e-tjänsteplattform",
        "Förnyad konkurrensutsättning av driftavtal",
    ],
    "IT-jurist": [
        "Juridiskt stöd i molntjänstavtal och GDPR",
        "Sekretessbedömning inför öppna API:er",
    ],
    "Dataingenjör": [
        "Dataplattform för statistik och uppföljning",
        "Datapipeline för registerdata",
    ],
    "Data scientist": [
        "Prognosmodell för ärendeinflöde",
        "Förstudie om generativ AI i handläggning",
    ],
    "BI-analytiker": ["Ledningsrapporter i Power BI", "Publicering av öppna data"],
    "Tillgänglighetsexpert": [
        "Tillgänglighetsgranskning av webbplats enligt WCAG",
        "Åtgärdsplan för tillgänglighetsredogörelse",
    ],
    "UX-designer": [
        "Användartester av ny e-tjänst",
        "Designsystem för myndighetens tjänster",
    ],
    "Lösningsarkitekt": [
        "Lösningsarkitekt för integrationsplattform",
        "Arkitektur för nytt verksamhetssystem",
    ],
    "Verksamhetsarkitekt": [
        "Målarkitektur för digitalisering 2030",
        "Anslutning till Ena-infrastrukturen",
    ],
    "Systemutvecklare": ["Utveckling av e-tjänst för ansökan", "Modernisering av äldre system"],
    "DevOps-ingenjör": ["Automatiserad driftsättning (CI/CD)", "Plattformsteam för Kubernetes"],
    "Driftingenjör": ["Driftstöd vid datacenterflytt", "Införande av ITIL-processer"],
    "IT-projektledare": ["Projektledare för systembyte", "Agil coach till utvecklingsteam"],
}

EXTRA_LANGUAGES = ["en", "en", "en", "fi", "ar", "de", "fr", "es"]

# Need plan: (status, what happens to it). Index = position among the 20 needs.
NEED_PLAN: list[tuple[str, str | None]] = [
    (NeedStatus.DRAFT, None),
    (NeedStatus.DRAFT, None),
    (NeedStatus.DRAFT, None),
    (NeedStatus.DRAFT, None),
    (NeedStatus.OPEN, MatchStatus.PROPOSED),
    (NeedStatus.OPEN, MatchStatus.PROPOSED),
    (NeedStatus.OPEN, MatchStatus.APPROVED),
    (NeedStatus.OPEN, MatchStatus.APPROVED),
    (NeedStatus.OPEN, None),
    (NeedStatus.OPEN, MatchStatus.ACCEPTED),  # headcount 2: one accepted, still open
    (NeedStatus.OPEN, MatchStatus.PROPOSED),
    (NeedStatus.OPEN, None),
    (NeedStatus.FILLED, MatchStatus.ACCEPTED),
    (NeedStatus.FILLED, MatchStatus.COMPLETED),
    (NeedStatus.FILLED, MatchStatus.COMPLETED),
    (NeedStatus.CLOSED, UnfilledReason.NO_CANDIDATE),
    (NeedStatus.CLOSED, UnfilledReason.NONE_ACCEPTED),
    (NeedStatus.CLOSED, UnfilledReason.WITHDRAWN),
    (NeedStatus.CANCELLED, None),
    (NeedStatus.CANCELLED, None),
]
PAST_NEED_STATUSES = (MatchStatus.COMPLETED, *UnfilledReason.values)


def anchor_day(today: dt.date) -> dt.date:
    """The day the plan's offsets count from: the day it is seeded, whatever its weekday."""
    return today


def org_number(body: str) -> str:
    return f"{body[:6]}-{body[6:]}{luhn_check_digit(body)}"


def ascii_fold(text: str) -> str:
    return (
        text.lower()
        .translate(str.maketrans({"å": "a", "ä": "a", "ö": "o", "é": "e", " ": "-"}))
        .encode("ascii", "ignore")
        .decode()
    )


# The plan: plain data drawn from the seeded random generator ---------------------------


@dataclass
class PersonPlan:
    email: str
    name: str
    role: str
    agency_slug: str | None
    language: str = "sv"


@dataclass
class SpecialistPlan:
    person: PersonPlan
    title: str
    summary: str
    phone: str
    clearance: int
    clearance_expires: dt.date | None
    languages: list[str]
    region: str
    remote_ok: bool
    shareable: bool
    max_share_percent: int
    skills: dict[str, int]
    windows: list[Window]
    reservations: list[Window] = field(default_factory=list)


@dataclass
class MatchPlan:
    specialist: SpecialistPlan
    status: str
    score: float
    breakdown: dict
    proposed_by: str


@dataclass
class NeedPlan:
    agency_slug: str
    title: str
    description: str
    status: str
    unfilled_reason: str
    start: dt.date
    end: dt.date
    capacity_percent: int
    headcount: int
    clearance_required: int
    languages: list[str]
    region: str
    remote_ok: bool
    skills: list[tuple[str, int, bool]]
    published_days_before_anchor: int | None
    closed_days_before_anchor: int | None
    matches: list[MatchPlan] = field(default_factory=list)


@dataclass
class DemoPlan:
    anchor: dt.date
    people: list[PersonPlan]
    specialists: list[SpecialistPlan]
    needs: list[NeedPlan]


class Planner:
    def __init__(self, anchor: dt.date, seed: int = SEED) -> None:
        self.anchor = anchor
        self.rng = random.Random(seed)
        self.used_emails: set[str] = set()
        self.needs: list[NeedPlan] = []
        self.need_titles: set[str] = set()

    def day(self, offset: int) -> dt.date:
        return self.anchor + dt.timedelta(days=offset)

    def person(self, role: str, agency_slug: str | None) -> PersonPlan:
        while True:
            first = self.rng.choice(FIRST_NAMES)
            last = self.rng.choice(LAST_NAMES)
            domain = f"{agency_slug}.demo.se" if agency_slug else "demo.se"
            email = f"{ascii_fold(first)}.{ascii_fold(last)}@{domain}"
            if email not in self.used_emails:
                self.used_emails.add(email)
                language = "en" if self.rng.random() < 0.1 else "sv"
                return PersonPlan(email, f"{first} {last}", role, agency_slug, language)

    def windows(self) -> list[Window]:
        first_start = self.rng.randint(0, 60)
        first_end = first_start + self.rng.randint(90, 200)
        windows = [
            Window(
                self.day(first_start), self.day(first_end), self.rng.choice([40, 50, 60, 80, 100])
            )
        ]
        second_start = first_end + self.rng.randint(14, 45)
        if self.rng.random() < 0.5 and second_start + 30 <= 364:
            second_end = min(364, second_start + self.rng.randint(30, 120))
            windows.append(
                Window(self.day(second_start), self.day(second_end), self.rng.choice([20, 30, 50]))
            )
        return windows

    def phone(self) -> str:
        digits = [self.rng.randint(100, 999), self.rng.randint(10, 99), self.rng.randint(10, 99)]
        return "010-{} {} {}".format(*digits)

    def specialist(self, agency_slug: str, home: str, title: str) -> SpecialistPlan:
        person = self.person(Role.SPECIALIST, agency_slug)
        pool = TITLES[title]
        count = self.rng.randint(2, min(5, len(pool)))
        # The title's core skill always, the rest drawn from its pool.
        names = [pool[0], *self.rng.sample(pool[1:], count - 1)]
        skills = {name: self.rng.choice([2, 3, 3, 4, 4, 5]) for name in names}
        skills[pool[0]] = max(skills[pool[0]], 3)
        cleared = self.rng.random() < 0.3
        clearance = self.rng.choice([Clearance.SK3, Clearance.SK3, Clearance.SK2]) if cleared else 0
        languages = ["sv"]
        if self.rng.random() < 0.8:
            languages.append(self.rng.choice(EXTRA_LANGUAGES))
        region = home if self.rng.random() < 0.7 else self.rng.choice(Region.values)
        years = self.rng.randint(3, 20)
        return SpecialistPlan(
            person=person,
            title=title,
            summary=f"{title} med {years} års erfarenhet från offentlig sektor.",
            phone=self.phone(),
            clearance=int(clearance),
            clearance_expires=self.day(self.rng.randint(200, 1500)) if cleared else None,
            languages=sorted(set(languages)),
            region=region,
            remote_ok=self.rng.random() < 0.85,
            shareable=self.rng.random() < 0.85,
            max_share_percent=self.rng.choice([20, 30, 40, 50, 60]),
            skills=skills,
            windows=self.windows(),
        )

    def plan(self) -> DemoPlan:
        people = [
            PersonPlan(ADMIN_EMAIL, "Alva Administratör", Role.ADMIN, None),
            PersonPlan(COORDINATOR_EMAIL, "Samir Samordnare", Role.COORDINATOR, None),
        ]
        self.used_emails.update(p.email for p in people)
        titles = list(TITLES)
        self.rng.shuffle(titles)
        specialists: list[SpecialistPlan] = []
        for _name, slug, _body, home, count in AGENCIES:
            manager = self.person(Role.MANAGER, slug)
            manager.email = f"chef@{slug}.demo.se"
            people.append(manager)
            for _ in range(count):
                specialists.append(
                    self.specialist(slug, home, titles[len(specialists) % len(titles)])
                )
        people.extend(s.person for s in specialists)
        for index, (status, outcome) in enumerate(NEED_PLAN):
            self.needs.append(self.need(index, status, outcome, specialists))
        return DemoPlan(self.anchor, people, specialists, self.needs)

    def _home(self, slug: str) -> str:
        return next(a[3] for a in AGENCIES if a[1] == slug)

    def _pick_match_specialist(
        self, specialists: list[SpecialistPlan], agency_slug: str
    ) -> SpecialistPlan:
        # Each specialist gets at most one demo match, so a reservation never stacks.
        used = {m.specialist.person.email for need in self.needs for m in need.matches}
        pool = [
            s
            for s in specialists
            if s.shareable and s.person.agency_slug != agency_slug and s.person.email not in used
        ]
        fresh = [s for s in pool if set(NEED_TITLES[s.title]) - self.need_titles]
        return self.rng.choice(fresh or pool)

    def need(
        self, index: int, status: str, outcome: str | None, specialists: list[SpecialistPlan]
    ) -> NeedPlan:
        agency_slug = AGENCIES[index % len(AGENCIES)][1]
        match_status = outcome if outcome in MatchStatus.values else None
        unfilled = outcome if outcome in UnfilledReason.values else ""
        past = outcome in PAST_NEED_STATUSES
        headcount = 2 if (status == NeedStatus.OPEN and match_status == MatchStatus.ACCEPTED) else 1

        chosen: SpecialistPlan | None = None
        if match_status:
            chosen = self._pick_match_specialist(specialists, agency_slug)
            title_key = chosen.title
        else:
            # A kind of specialist that still has an unused need title.
            title_key = self.rng.choice(
                [key for key, titles in NEED_TITLES.items() if set(titles) - self.need_titles]
            )

        if chosen is not None and not past:
            # A period inside the specialist's first window, asking for what they can give.
            window = chosen.windows[0]
            span = (window.end - window.start).days
            start = window.start + dt.timedelta(days=self.rng.randint(0, max(0, span - 60)))
            end = min(window.end, start + dt.timedelta(days=self.rng.randint(45, 120)))
            free = min_free_percent(
                start=start,
                end=end,
                availability=chosen.windows,
                reservations=chosen.reservations,
                max_share_percent=chosen.max_share_percent,
            )
            capacity = max(10, min(free, self.rng.choice([20, 30, 40, 50])) // 10 * 10)
            free_before_this = free
        elif past:
            start = self.day(-self.rng.randint(150, 240))
            end = start + dt.timedelta(days=self.rng.randint(45, 100))
            capacity = self.rng.choice([20, 30, 40, 50])
        else:
            start = self.day(self.rng.randint(14, 200))
            end = start + dt.timedelta(days=self.rng.randint(30, 150))
            capacity = self.rng.choice([20, 30, 40, 50, 60])

        if chosen is not None:
            # Requirements the chosen specialist meets, so the demo match is a real fit.
            owned = list(chosen.skills.items())
            self.rng.shuffle(owned)
            skills = [(n, max(1, lvl - self.rng.randint(0, 1)), True) for n, lvl in owned[:2]]
            skills += [(n, max(1, lvl - 1), False) for n, lvl in owned[2:3]]
            clearance_required = min(chosen.clearance, self.rng.choice([0, 0, 1]))
        else:
            pool = TITLES[title_key]
            skills = [(pool[0], self.rng.randint(2, 4), True)]
            skills += [
                (n, self.rng.randint(2, 3), self.rng.random() < 0.5)
                for n in self.rng.sample(pool[1:], self.rng.randint(0, 2))
            ]
            clearance_required = self.rng.choice([0, 0, 0, 1, 2])

        unused = [t for t in NEED_TITLES[title_key] if t not in self.need_titles]
        title = unused[0] if unused else f"{NEED_TITLES[title_key][0]}, etapp {index}"
        self.need_titles.add(title)
        role_word = title_key if title_key[1].isupper() else title_key.lower()
        plan = NeedPlan(
            agency_slug=agency_slug,
            title=title,
            description=(
                f"Vi söker en {role_word} på {capacity} % under perioden. "
                "Arbetet sker mestadels på distans med några fysiska träffar."
            ),
            status=status,
            unfilled_reason=unfilled,
            start=start,
            end=end,
            capacity_percent=capacity,
            headcount=headcount,
            clearance_required=clearance_required,
            languages=["sv"],
            region=self._home(agency_slug),
            remote_ok=self.rng.random() < 0.8,
            skills=skills,
            published_days_before_anchor=None,
            closed_days_before_anchor=None,
        )
        # Every timestamp lies well before the anchor (today), so none is in the future.
        if status != NeedStatus.DRAFT:
            lead = (self.anchor - start).days if past else 0
            plan.published_days_before_anchor = max(lead, 40) + self.rng.randint(20, 40)
        published = plan.published_days_before_anchor or 0
        if status == NeedStatus.CLOSED:
            # Closed unfilled when the start date came without anyone accepting.
            plan.closed_days_before_anchor = (self.anchor - start).days
        elif status in (NeedStatus.FILLED, NeedStatus.CANCELLED):
            plan.closed_days_before_anchor = published - self.rng.randint(6, 18)
        if chosen is not None and match_status:
            # What the specialist had free when proposed: the asked share for past work.
            free_then = capacity if past else free_before_this
            if match_status in RESERVING_MATCH_STATUSES:
                chosen.reservations.append(Window(start, end, capacity))
            score = round(self.rng.uniform(0.62, 0.95), 3)
            skill_term = round(self.rng.uniform(0.6, 1.0), 2)
            plan.matches.append(
                MatchPlan(
                    specialist=chosen,
                    status=match_status,
                    score=score,
                    breakdown=demo_breakdown(plan, chosen, score, skill_term, free_then),
                    proposed_by=self.rng.choice([ProposedBy.MATCHING_RUN, ProposedBy.NOMINATION]),
                )
            )
        return plan


def demo_breakdown(
    need: NeedPlan, chosen: SpecialistPlan, score: float, skill_term: float, free: int
) -> dict:
    """A demo match's breakdown in the shape the scorer writes (`breakdown_for`), so its
    page explains it as it explains a real proposal."""
    spoken = set(chosen.languages)
    remote = need.remote_ok and chosen.remote_ok
    terms = {
        "skill": skill_term,
        "availability": 1.0,
        "language": 1.0 if set(need.languages) <= spoken else 0.0,
        "region": 1.0 if chosen.region == need.region else 0.5,
    }
    return {
        "score": score,
        "terms": terms,
        "weights": dict(DEFAULT_WEIGHTS),
        "required": [
            {"skill": name, "min_level": level, "level": chosen.skills.get(name, 0)}
            for name, level, required in need.skills
            if required
        ],
        "nice": [
            {"skill": name, "min_level": level, "level": chosen.skills.get(name, 0)}
            for name, level, required in need.skills
            if not required
        ],
        "asked_percent": need.capacity_percent,
        "free_percent": free,
        "languages_asked": list(need.languages),
        "languages_matched": [code for code in need.languages if code in spoken],
        "need_region": need.region,
        "region": chosen.region,
        "remote": remote,
        "excluded_by": [],
    }


def build_plan(anchor: dt.date) -> DemoPlan:
    return Planner(anchor).plan()


# Writing the plan ----------------------------------------------------------------------


class Progress:
    """A one-line text progress bar on the command's stdout."""

    def __init__(self, stdout, total: int, width: int = 30) -> None:
        self.stdout, self.total, self.width, self.done = stdout, total, width, 0
        self.shown: tuple[int, str] | None = None

    def step(self, label: str) -> None:
        self.done += 1
        filled = self.width * self.done // self.total
        # Redraw only when the bar or the label changes, so a log file stays short.
        if (filled, label) == self.shown and self.done < self.total:
            return
        self.shown = (filled, label)
        bar = "#" * filled + "-" * (self.width - filled)
        percent = 100 * self.done // self.total
        self.stdout.write(f"\r[{bar}] {percent:3d}% {label:<16}", ending="")
        if self.done == self.total:
            self.stdout.write("")
        self.stdout.flush()


class Command(BaseCommand):
    help = "Create or refresh deterministic demo data (safe to run again)."
    _demo_password_hash: str | None = None

    def handle(self, *args, **options) -> None:
        anchor = anchor_day(timezone.localdate())
        plan = build_plan(anchor)
        progress = Progress(
            self.stdout, total=4 + len(plan.people) + len(plan.specialists) + len(plan.needs)
        )
        with transaction.atomic():
            self.write(plan, progress)
        self.stdout.write(self.style.SUCCESS(f"Demo data ready (dates anchored on {anchor})."))
        self.print_logins(plan)

    def write(self, plan: DemoPlan, progress: Progress) -> None:
        for spec in SKILLS:
            Skill.objects.update_or_create(
                name=spec.name,
                defaults={"category": spec.category, "description": spec.description},
            )
        skills = {skill.name: skill for skill in Skill.objects.all()}
        progress.step("skills")

        agencies: dict[str, Agency] = {}
        for name, slug, body, _, _ in AGENCIES:
            agencies[slug], _ = Agency.objects.update_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "org_number": org_number(body),
                    "contact_email": f"digitalisering@{slug}.demo.se",
                },
            )
        progress.step("agencies")

        users: dict[str, User] = {}
        for person in plan.people:
            users[person.email] = self.write_user(person, agencies)
            if person.role in (Role.ADMIN, Role.COORDINATOR):
                totp_device_demo(user=users[person.email], key_hex=DEMO_TOTP_KEY_HEX)
            progress.step("users")

        specialists: dict[str, Specialist] = {}
        for spec in plan.specialists:
            specialists[spec.person.email] = self.write_specialist(spec, users, agencies, skills)
            progress.step("specialists")

        managers = {slug: users[f"chef@{slug}.demo.se"] for slug in agencies}
        coordinator = users[COORDINATOR_EMAIL]
        for need_plan in plan.needs:
            self.write_need(
                need_plan, plan.anchor, agencies, managers, coordinator, skills, specialists
            )
            progress.step("needs")
        self.check_capacity(specialists.values())
        # The plan writes history directly, not through the services: count it for reports.
        # Refreshed need by need, a second run finds nothing changed and writes nothing.
        report_facts_refresh(need_ids=Need.objects.values_list("pk", flat=True))
        progress.step("capacity check")
        progress.step("done")

    def write_user(self, person: PersonPlan, agencies: dict[str, Agency]) -> User:
        is_admin = person.role == Role.ADMIN
        user, created = User.objects.update_or_create(
            email=person.email,
            defaults={
                "name": person.name,
                "role": person.role,
                "agency": agencies[person.agency_slug] if person.agency_slug else None,
                "language": person.language,
                "is_active": True,
                "is_staff": is_admin,
                "is_superuser": is_admin,
            },
        )
        # Hashing is slow on purpose: hash the shared demo password once per run, and a
        # second run keeps the hash a user already has.
        if created or not user.has_usable_password():
            if self._demo_password_hash is None:
                self._demo_password_hash = make_password(DEMO_PASSWORD)
            user.password = self._demo_password_hash
            user.save(update_fields=["password"])
        return user

    def write_specialist(
        self,
        spec: SpecialistPlan,
        users: dict[str, User],
        agencies: dict[str, Agency],
        skills: dict[str, Skill],
    ) -> Specialist:
        specialist, _ = Specialist.objects.update_or_create(
            user=users[spec.person.email],
            defaults={
                "agency": agencies[spec.person.agency_slug],
                "title": spec.title,
                "summary": spec.summary,
                "phone": spec.phone,
                "clearance": spec.clearance,
                "clearance_expires": spec.clearance_expires,
                "languages": spec.languages,
                "region": spec.region,
                "remote_ok": spec.remote_ok,
                "shareable": spec.shareable,
                "max_share_percent": spec.max_share_percent,
            },
        )
        specialist.skill_levels.exclude(skill__name__in=spec.skills).delete()
        for name, level in spec.skills.items():
            SpecialistSkill.objects.update_or_create(
                specialist=specialist, skill=skills[name], defaults={"level": level}
            )
        starts = [window.start for window in spec.windows]
        specialist.availabilities.exclude(start__in=starts).delete()
        for window in spec.windows:
            Availability.objects.update_or_create(
                specialist=specialist,
                start=window.start,
                defaults={"end": window.end, "capacity_percent": window.percent},
            )
        return specialist

    def write_need(
        self,
        plan: NeedPlan,
        anchor: dt.date,
        agencies: dict[str, Agency],
        managers: dict[str, User],
        coordinator: User,
        skills: dict[str, Skill],
        specialists: dict[str, Specialist],
    ) -> Need:
        def moment(days_before: int | None) -> dt.datetime | None:
            if days_before is None:
                return None
            day = anchor - dt.timedelta(days=days_before)
            return timezone.make_aware(dt.datetime.combine(day, dt.time(9, 30)))

        manager = managers[plan.agency_slug]
        need, _ = Need.objects.update_or_create(
            agency=agencies[plan.agency_slug],
            title=plan.title,
            defaults={
                "created_by": manager,
                "description": plan.description,
                "start": plan.start,
                "end": plan.end,
                "capacity_percent": plan.capacity_percent,
                "headcount": plan.headcount,
                "clearance_required": plan.clearance_required,
                "languages": plan.languages,
                "region": plan.region,
                "remote_ok": plan.remote_ok,
                "allow_own_agency": False,
                "status": plan.status,
                "unfilled_reason": plan.unfilled_reason,
                "published_at": moment(plan.published_days_before_anchor),
                "closed_at": moment(plan.closed_days_before_anchor),
            },
        )
        need.skill_requirements.exclude(skill__name__in=[s[0] for s in plan.skills]).delete()
        for name, min_level, required in plan.skills:
            NeedSkill.objects.update_or_create(
                need=need,
                skill=skills[name],
                defaults={
                    "min_level": min_level,
                    "required": required,
                    "need_created_at": need.created_at,
                },
            )
        published = moment(plan.published_days_before_anchor)
        for match_plan in plan.matches:
            self.write_match(match_plan, need, published, manager, coordinator, specialists)
        return need

    def write_match(
        self,
        plan: MatchPlan,
        need: Need,
        published: dt.datetime | None,
        manager: User,
        coordinator: User,
        specialists: dict[str, Specialist],
    ) -> Match:
        specialist = specialists[plan.specialist.person.email]
        home_manager = User.objects.get(email=f"chef@{plan.specialist.person.agency_slug}.demo.se")
        base = published or timezone.make_aware(dt.datetime.combine(need.start, dt.time(9)))
        reached = {
            MatchStatus.PROPOSED: 0,
            MatchStatus.APPROVED: 1,
            MatchStatus.ACCEPTED: 2,
            MatchStatus.COMPLETED: 3,
        }[plan.status]
        completed_at = timezone.make_aware(
            dt.datetime.combine(need.end + dt.timedelta(days=3), dt.time(15))
        )
        approved_at = base + dt.timedelta(days=2) if reached >= 1 else None
        consent_at = base + dt.timedelta(days=3) if reached >= 2 else None
        release_at = base + dt.timedelta(days=4) if reached >= 2 else None
        match, _ = Match.objects.update_or_create(
            need=need,
            specialist=specialist,
            defaults={
                "need_agency_id": need.agency_id,
                "specialist_agency_id": specialist.agency_id,
                "status": plan.status,
                "score": plan.score,
                "breakdown": plan.breakdown,
                "capacity_percent": need.capacity_percent,
                "start": need.start,
                "end": need.end,
                "proposed_by": plan.proposed_by,
                "nominated_by": manager if plan.proposed_by == ProposedBy.NOMINATION else None,
                "approved_at": approved_at,
                "approved_by": coordinator if approved_at else None,
                "specialist_consent_at": consent_at,
                "specialist_consent_by": specialist.user if consent_at else None,
                "release_at": release_at,
                "release_by": home_manager if release_at else None,
                "accepted_at": release_at,
                "closed_at": completed_at if reached == 3 else None,
            },
        )
        if plan.status == MatchStatus.COMPLETED:
            weeks = Decimal((need.end - need.start).days + 1) / 7
            hours = (weeks * 40 * need.capacity_percent / 100).quantize(Decimal("0.1"))
            Engagement.objects.update_or_create(
                match=match,
                defaults={
                    "hours": hours,
                    "need_rating": 5 if plan.score > 0.8 else 4,
                    "need_comment": "Mycket bra samarbete, levererade över förväntan.",
                    "specialist_rating": 4,
                    "specialist_comment": "Spännande uppdrag och ett välkomnande team.",
                    "completed_at": completed_at,
                    "completed_by": manager,
                },
            )
        return match

    def check_capacity(self, specialists) -> None:
        """Refuse to leave demo data where a reservation exceeds free capacity."""
        for specialist in specialists:
            reservations = [
                Window(m.start, m.end, m.capacity_percent)
                for m in specialist.matches.filter(status__in=RESERVING_MATCH_STATUSES)
            ]
            availability = [
                Window(a.start, a.end, a.capacity_percent) for a in specialist.availabilities.all()
            ]
            if overcommitted_days(
                availability=availability,
                reservations=reservations,
                max_share_percent=specialist.max_share_percent,
            ):
                raise CommandError(f"Demo plan overcommits {specialist.user.email}.")

    def print_logins(self, plan: DemoPlan) -> None:
        self.stdout.write("")
        self.stdout.write(f"Demo logins (the password for all: {DEMO_PASSWORD})")
        agency_names = {slug: name for name, slug, *_ in AGENCIES}
        for role, label in [
            (Role.ADMIN, "admin"),
            (Role.COORDINATOR, "coordinator"),
            (Role.MANAGER, "manager"),
            (Role.SPECIALIST, "specialist"),
        ]:
            people = [p for p in plan.people if p.role == role]
            shown = people if role != Role.SPECIALIST else people[:3]
            for person in shown:
                agency = agency_names.get(person.agency_slug or "", "")
                self.stdout.write(f"  {label:<12} {person.email:<44} {agency}")
            if len(people) > len(shown):
                self.stdout.write(f"  {label:<12} ... and {len(people) - len(shown)} more")
        self.stdout.write(
            f"Admins and coordinators also give a one-time code: add the TOTP secret "
            f"{DEMO_TOTP_SECRET} to an authenticator app, or open"
        )
        self.stdout.write(f"  {otpauth_uri(email=COORDINATOR_EMAIL, key_hex=DEMO_TOTP_KEY_HEX)}")
        self.stdout.write(f"  {otpauth_uri(email=ADMIN_EMAIL, key_hex=DEMO_TOTP_KEY_HEX)}")
