"""The report's tables as CSV that a spreadsheet opens as it is.

UTF-8 with a byte-order mark, because Excel otherwise reads the file as the local
code page and mangles å, ä and ö. With `decimal_comma` the numbers use the Swedish
decimal comma and the separator becomes `;` (what Excel expects in a Swedish locale).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable
from decimal import Decimal

from marketplace.selectors.reports import Report

Table = tuple[list[str], list[list[object]]]

FIGURE_LABELS = {
    "engagements": "Engagements",
    "hours": "Hours shared",
    "fte": "Full-time equivalents",
    "consultant_cost": "Consultant cost (SEK)",
    "internal_cost": "Internal price (SEK)",
    "cost_avoided": "Consultant cost avoided (SEK)",
    "needs_final": "Needs in a final state",
    "needs_filled": "Needs filled",
    "fill_rate": "Fill rate",
    "median_days_to_approved": "Median days to approved match",
    "median_days_to_accepted": "Median days to accepted match",
    "need_rating_average": "Average rating from borrowing agency",
    "need_rating_count": "Ratings from borrowing agency",
    "specialist_rating_average": "Average rating from specialist",
    "specialist_rating_count": "Ratings from specialist",
}


def _summary(report: Report) -> Table:
    header = ["Figure", "Network"]
    if report.agency_figures is not None:
        header.append(report.agency.name)
    rows = []
    for name, label in FIGURE_LABELS.items():
        row: list[object] = [label, getattr(report.network, name)]
        if report.agency_figures is not None:
            row.append(getattr(report.agency_figures, name))
        rows.append(row)
    return header, rows


def _agencies(report: Report) -> Table:
    header = [
        "Agency",
        "Lent engagements",
        "Lent hours",
        "Lent FTE",
        "Borrowed engagements",
        "Borrowed hours",
        "Borrowed FTE",
        "Balance FTE (lent − borrowed)",
        "Consultant cost avoided (SEK)",
        "Needs in a final state",
        "Needs filled",
        "Fill rate",
        "Median days to accepted match",
    ]
    rows = [
        [
            r.name,
            r.lent_engagements,
            r.lent_hours,
            r.lent_fte,
            r.borrowed_engagements,
            r.borrowed_hours,
            r.borrowed_fte,
            r.balance_fte,
            r.cost_avoided,
            r.needs_final,
            r.needs_filled,
            r.fill_rate,
            r.median_days_to_accepted,
        ]
        for r in report.agencies
    ]
    return header, rows


def _flows(report: Report) -> Table:
    header = ["Lending agency", "Borrowing agency", "Engagements", "Hours", "FTE"]
    return header, [[f.lender, f.borrower, f.engagements, f.hours, f.fte] for f in report.flows]


def _skills(report: Report) -> Table:
    header = [
        "Skill",
        "Category",
        "Min level",
        "Needs",
        "Unfilled",
        "Filled late",
        "Shortage",
        "Shareable specialists at level",
    ]
    rows = [
        [
            s.skill,
            s.category,
            s.min_level,
            s.needs,
            s.unfilled,
            s.filled_late,
            s.shortage,
            s.shareable_specialists,
        ]
        for s in report.skills
    ]
    return header, rows


def _months(report: Report) -> Table:
    header = ["Month", "Engagements", "Hours", "Consultant cost avoided (SEK)"]
    rows = [
        [m.month.strftime("%Y-%m"), m.engagements, m.hours, m.cost_avoided] for m in report.months
    ]
    return header, rows


def _ratings(report: Report) -> Table:
    header = ["Rating", "From borrowing agency", "From specialist"]
    return header, [[r.rating, r.from_borrowing_agency, r.from_specialist] for r in report.ratings]


TABLES: dict[str, Callable[[Report], Table]] = {
    "summary": _summary,
    "agencies": _agencies,
    "flows": _flows,
    "skills": _skills,
    "months": _months,
    "ratings": _ratings,
}


def report_table(report: Report, name: str) -> Table:
    return TABLES[name](report)


def _cell(value: object, decimal_comma: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float | Decimal):
        text = format(value, "f") if isinstance(value, Decimal) else repr(value)
        return text.replace(".", ",") if decimal_comma else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def render_csv(header: list[str], rows: Iterable[list[object]], *, decimal_comma: bool) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(value, decimal_comma) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
