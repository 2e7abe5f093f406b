"""Query-string filters of the profile and need lists."""

import django_filters
from django.db.models import Exists, Max, OuterRef, QuerySet, Subquery

from marketplace.models import (
    Availability,
    Need,
    NeedStatus,
    Region,
    Skill,
    SkillCategory,
    Specialist,
    SpecialistSkill,
)
from marketplace.selectors.filtering import IdFilter, ListFilterSet
from marketplace.selectors.needs import needs_asking_for


class SkillFilter(ListFilterSet):
    category = django_filters.ChoiceFilter(choices=SkillCategory.choices)

    class Meta:
        model = Skill
        fields = ["category"]


class SpecialistFilter(ListFilterSet):
    skill = IdFilter(method="filter_skill", label="Has this skill (id)")
    min_level = django_filters.NumberFilter(
        method="filter_noop",
        label="With `skill`: at least this level (1–5)",
        min_value=1,
        max_value=5,
    )
    agency = IdFilter(field_name="agency_id")
    available_from = django_filters.DateFilter(method="filter_noop")
    available_to = django_filters.DateFilter(method="filter_noop")
    min_capacity = django_filters.NumberFilter(
        method="filter_noop", min_value=1, max_value=100, label="Capacity percent over the period"
    )
    region = django_filters.ChoiceFilter(choices=Region.choices)
    remote = django_filters.BooleanFilter(field_name="remote_ok")

    class Meta:
        model = Specialist
        fields = ["skill", "min_level", "agency", "region", "remote"]

    def filter_noop(self, queryset: QuerySet, name: str, value: object) -> QuerySet:
        # Applied together in filter_queryset: these filters only make sense combined.
        return queryset

    def filter_skill(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        levels = SpecialistSkill.objects.filter(specialist=OuterRef("pk"), skill_id=value)
        min_level = self.form.cleaned_data.get("min_level")
        if min_level is not None:
            levels = levels.filter(level__gte=min_level)
        return queryset.filter(Exists(levels))

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

    class Meta:
        model = Need
        fields = ["status", "agency", "skill"]

    def filter_skill(self, queryset: QuerySet, name: str, value: int) -> QuerySet:
        return needs_asking_for(queryset, skill_id=value)
