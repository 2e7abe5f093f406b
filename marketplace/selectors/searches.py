"""The specialist directory's and the needs board's searches: one definition of each.

The API lists, the web pages and saved searches all filter through these filter sets, on
top of the visibility-aware selectors (`specialist_list`, `need_list`), so a saved search
alerts for exactly what its owner would find by searching.

The API reads pages through SQL compiled once per shape (fastpaths/compiled_lists),
so a filter here must not change its SQL with its value: every value reaches the query as
a parameter, unchanged (no LIKE pattern built from it, no branch on it, no date taken when
the query is built).
"""

from functools import reduce
from operator import or_

import django_filters
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Lower, Now, StrIndex, TruncDate
from django.db.models.lookups import GreaterThan

from marketplace.input_limits import validate_date_in_range
from marketplace.models import (
    Availability,
    Clearance,
    Need,
    NeedSkill,
    NeedStatus,
    Region,
    Specialist,
    SpecialistSkill,
)
from marketplace.selectors.filtering import IdFilter, ListFilterSet
from marketplace.selectors.needs import needs_asking_for

TEXT_MAX_LENGTH = 100
# PostgreSQL's text search configuration: the agencies write in Swedish.
SEARCH_CONFIG = "swedish"


def text_containing(text: str, *fields: str) -> Q:
    """Rows where any of `fields` holds `text`, ignoring case.

    Written with STRPOS rather than icontains: the text stays one unchanged parameter
    (icontains would build a LIKE pattern from it), as compiled queries need.
    """
    needle = Lower(Value(text))
    return reduce(or_, (Q(GreaterThan(StrIndex(Lower(field), needle), 0)) for field in fields))


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def text_search(
    queryset: QuerySet, text: str, *, fields: tuple[str, ...], skill_rows: QuerySet
) -> QuerySet:
    """Rows whose `fields` or skill names hold `text`; on PostgreSQL also full-text matches
    in Swedish (stemmed: "arkitekter" finds "arkitekt"). SQLite keeps the plain matches.

    The text reaches the query as one unchanged parameter whatever it is, as compiled
    queries need; the query's shape depends only on the database.
    """
    skills = skill_rows.filter(GreaterThan(StrIndex(Lower("skill__name"), Lower(Value(text))), 0))
    matches = text_containing(text, *fields) | Q(Exists(skills))
    if _on_postgresql():
        queryset = queryset.alias(text_document=SearchVector(*fields, config=SEARCH_CONFIG))
        matches |= Q(text_document=SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch"))
    return queryset.filter(matches)


class SpecialistFilter(ListFilterSet):
    skill = IdFilter(method="filter_skill", label="Has this skill (id)")
    min_level = django_filters.NumberFilter(
        method="filter_noop",
        label="With `skill`: at least this level (1–5)",
        min_value=1,
        max_value=5,
    )
    agency = IdFilter(field_name="agency_id")
    available_from = django_filters.DateFilter(
        method="filter_noop", validators=[validate_date_in_range]
    )
    available_to = django_filters.DateFilter(
        method="filter_noop", validators=[validate_date_in_range]
    )
    min_capacity = django_filters.NumberFilter(
        method="filter_noop", min_value=1, max_value=100, label="Capacity percent over the period"
    )
    region = django_filters.ChoiceFilter(choices=Region.choices)
    remote = django_filters.BooleanFilter(field_name="remote_ok")
    clearance = django_filters.TypedChoiceFilter(
        choices=Clearance.choices,
        coerce=int,
        method="filter_clearance",
        label="At least this security clearance, valid today (0–3)",
    )
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=TEXT_MAX_LENGTH,
        label="Text in the name, title, summary or skill names (Swedish full-text search)",
    )

    class Meta:
        model = Specialist
        fields = ["skill", "min_level", "agency", "region", "remote", "clearance", "q"]

    def filter_noop(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        # Applied together in filter_queryset: these filters only make sense combined.
        return queryset

    def filter_skill(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        levels = SpecialistSkill.objects.filter(specialist=OuterRef("pk"), skill_id=value)
        min_level = self.form.cleaned_data.get("min_level")
        if min_level is not None:
            levels = levels.filter(level__gte=min_level)
        return queryset.filter(Exists(levels))

    def filter_clearance(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        # As matching counts it (marketplace/matching/loader.py): expired is none.
        valid = Q(clearance_expires__isnull=True) | Q(clearance_expires__gte=TruncDate(Now()))
        effective = Case(When(valid, then=F("clearance")), default=Value(Clearance.NONE))
        return queryset.alias(effective_clearance=effective).filter(effective_clearance__gte=value)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(
            queryset,
            value,
            fields=("user__name", "title", "summary"),
            skill_rows=SpecialistSkill.objects.filter(specialist=OuterRef("pk")),
        )

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        data = self.form.cleaned_data
        start, end = data.get("available_from"), data.get("available_to")
        min_capacity = data.get("min_capacity")
        if start is None and end is None and min_capacity is None:
            return queryset
        # One window must cover the whole period; a period given by one end is that one day.
        start = start or end
        end = end or start
        windows = Availability.objects.filter(specialist=OuterRef("pk"))
        if start is not None:
            windows = windows.filter(start__lte=start, end__gte=end)
        # The most a covering window offers, per specialist: a scalar checked row by row as
        # the list is read. PostgreSQL plans it in about half the time of EXISTS (which it
        # weighs as a semi-join too), and this list is planned afresh for every period.
        most = windows.order_by().values("specialist").annotate(most=Max("capacity_percent"))
        return queryset.alias(period_capacity=Subquery(most.values("most"))).filter(
            period_capacity__gte=min_capacity or 1
        )


class NeedFilter(ListFilterSet):
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices)
    agency = IdFilter(field_name="agency_id")
    skill = IdFilter(method="filter_skill", label="Asks for this skill (id)")
    period_from = django_filters.DateFilter(
        field_name="end",
        lookup_expr="gte",
        label="Runs on or after this day",
        validators=[validate_date_in_range],
    )
    period_to = django_filters.DateFilter(
        field_name="start",
        lookup_expr="lte",
        label="Runs on or before this day",
        validators=[validate_date_in_range],
    )
    q = django_filters.CharFilter(
        method="filter_text",
        max_length=TEXT_MAX_LENGTH,
        label="Text in the title, description or skill names (Swedish full-text search)",
    )

    class Meta:
        model = Need
        fields = ["status", "agency", "skill", "period_from", "period_to", "q"]

    def filter_skill(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return needs_asking_for(queryset, skill_id=value)

    def filter_text(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return text_search(
            queryset,
            value,
            fields=("title", "description"),
            skill_rows=NeedSkill.objects.filter(need=OuterRef("pk")),
        )
