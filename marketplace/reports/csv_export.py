"""The report's tables as CSV that a spreadsheet opens as it is.

UTF-8 with a byte-order mark, because Excel otherwise reads the file as the local
code page and mangles å, ä and ö. With `decimal_comma` the numbers use the Swedish
decimal comma and the separator becomes `;` (what Excel expects in a Swedish locale).
Text that a spreadsheet would run as a formula (a cell starting with = + - @, a tab or
a carriage return: OWASP's CSV injection rule) is prefixed with a single quote; numbers
the report computes are written as numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from marketplace.models import SkillCategory, choice_label, skill_label
from marketplace.selectors.report_registers import LedgerRow, UnmetNeedRow
from marketplace.selectors.reports import Report

Table = tuple[list[str], list[list[object]]]

FIGURE_LABELS = {
    "engagements": gettext_lazy("Engagements"),
    "hours": gettext_lazy("Hours shared"),
    "fte": gettext_lazy("Full-time equivalents"),
    "consultant_cost": gettext_lazy("Consultant cost (SEK)"),
    "internal_cost": gettext_lazy("Internal price (SEK)"),
    "cost_avoided": gettext_lazy("Consultant cost avoided (SEK)"),
    "needs_final": gettext_lazy("Needs in a final state"),
    "needs_filled": gettext_lazy("Needs filled"),
    "fill_rate": gettext_lazy("Fill rate"),
    "median_days_to_approved": gettext_lazy("Median days to approved match"),
    "median_days_to_accepted": gettext_lazy("Median days to accepted match"),
    "need_rating_average": gettext_lazy("Average rating from borrowing agency"),
    "need_rating_count": gettext_lazy("Ratings from borrowing agency"),
    "specialist_rating_average": gettext_lazy("Average rating from specialist"),
    "specialist_rating_count": gettext_lazy("Ratings from specialist"),
}


def _summary(report: Report) -> Table:
    header = [gettext_lazy("Figure"), gettext_lazy("Network")]
    if report.agency_figures is not None:
        header.append(report.agency.name)
    rows = []
    for name, label in FIGURE_LABELS.items():
        row: list[object] = [str(label), getattr(report.network, name)]
        if report.agency_figures is not None:
            row.append(getattr(report.agency_figures, name))
        rows.append(row)
    return header, rows


def _agencies(report: Report) -> Table:
    header = [
        gettext_lazy("Agency"),
        gettext_lazy("Lent engagements"),
        gettext_lazy("Lent hours"),
        gettext_lazy("Lent FTE"),
        gettext_lazy("Borrowed engagements"),
        gettext_lazy("Borrowed hours"),
        gettext_lazy("Borrowed FTE"),
        gettext_lazy("Balance FTE (lent − borrowed)"),
        gettext_lazy("Consultant cost avoided (SEK)"),
        gettext_lazy("Needs in a final state"),
        gettext_lazy("Needs filled"),
        gettext_lazy("Fill rate"),
        gettext_lazy("Median days to accepted match"),
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
    header = [
        gettext_lazy("Lending agency"),
        gettext_lazy("Borrowing agency"),
        gettext_lazy("Engagements"),
        gettext_lazy("Hours"),
        gettext_lazy("FTE"),
    ]
    return header, [[f.lender, f.borrower, f.engagements, f.hours, f.fte] for f in report.flows]


def _skills(report: Report) -> Table:
    header = [
        gettext_lazy("Skill"),
        gettext_lazy("Category"),
        gettext_lazy("Min level"),
        gettext_lazy("Needs"),
        gettext_lazy("Unfilled"),
        gettext_lazy("Filled late"),
        gettext_lazy("Shortage"),
        gettext_lazy("Shareable specialists at level"),
    ]
    rows = [
        [
            skill_label(s.skill),
            choice_label(SkillCategory, s.category),
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
    header = [
        gettext_lazy("Month"),
        gettext_lazy("Engagements"),
        gettext_lazy("Hours"),
        gettext_lazy("Consultant cost avoided (SEK)"),
    ]
    rows = [
        [m.month.strftime("%Y-%m"), m.engagements, m.hours, m.cost_avoided] for m in report.months
    ]
    return header, rows


def _ratings(report: Report) -> Table:
    header = [
        gettext_lazy("Rating"),
        gettext_lazy("From borrowing agency"),
        gettext_lazy("From specialist"),
    ]
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
    return neutralised(str(value))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(text: str) -> str:
    """Text a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_chunks(
    header: list[str], rows: Iterable[list[object]], *, decimal_comma: bool
) -> Iterator[bytes]:
    """The file piece by piece, for a response that streams a long table."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";" if decimal_comma else ",", lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([neutralised(str(name)) for name in header])
    for count, row in enumerate(rows, start=1):
        writer.writerow([_cell(value, decimal_comma) for value in row])
        if count % 500 == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def render_csv(header: list[str], rows: Iterable[list[object]], *, decimal_comma: bool) -> bytes:
    return b"".join(csv_chunks(header, rows, decimal_comma=decimal_comma))


# The register and the ledger -----------------------------------------------------------------


def register_table(rows: Iterable[UnmetNeedRow]) -> tuple[list[str], Iterator[list[object]]]:
    header = [
        _("Need id"),
        _("Need"),
        _("Agency"),
        _("Published"),
        _("Start"),
        _("End"),
        _("Share (%)"),
        _("Specialists asked for"),
        _("Status"),
        _("Reason"),
        _("Closed"),
        _("Candidates"),
        _("Skills (level; * = required)"),
    ]
    lines = (
        [
            row.need_id,
            row.title,
            row.agency,
            row.published_on,
            row.start,
            row.end,
            row.capacity_percent,
            row.headcount,
            row.status,
            row.reason_label,
            row.closed_on,
            row.candidates,
            ", ".join(
                f"{skill_label(s.skill)} {s.min_level}{'*' if s.required else ''}"
                for s in row.skills
            ),
        ]
        for row in rows
    )
    return [str(name) for name in header], lines


def ledger_table(rows: Iterable[LedgerRow]) -> tuple[list[str], Iterator[list[object]]]:
    header = [
        _("Engagement id"),
        _("Completed"),
        _("Need"),
        _("Lending agency"),
        _("Borrowing agency"),
        _("Rate category"),
        _("Hours"),
        _("Consultant rate (SEK/h)"),
        _("Consultant rate source"),
        _("Internal rate (SEK/h)"),
        _("Internal rate source"),
        _("Consultant cost (SEK)"),
        _("Internal price (SEK)"),
        _("Consultant cost avoided (SEK)"),
    ]
    lines = (
        [
            row.engagement_id,
            row.completed_on,
            row.need_title,
            row.lender,
            row.borrower,
            row.rate_category,
            row.hours,
            row.consultant_rate,
            row.consultant_rate_source,
            row.internal_rate,
            row.internal_rate_source,
            row.consultant_cost,
            row.internal_cost,
            row.amount,
        ]
        for row in rows
    )
    return [str(name) for name in header], lines
