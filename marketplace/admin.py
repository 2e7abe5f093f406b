"""Django admin for the marketplace: admins see and fix everything; the audit trail is read-only."""

from typing import Any

from django.contrib import admin
from django.db import models, transaction
from django.db.models import QuerySet
from django.forms import ModelForm
from django.http import HttpRequest

from marketplace.audit import audit_record
from marketplace.models import (
    AuditEvent,
    Availability,
    Engagement,
    Match,
    MatchingRun,
    Need,
    NeedSkill,
    Skill,
    Specialist,
    SpecialistSkill,
)
from marketplace.reports.facts import report_facts_refresh


def _admin_values(obj: models.Model, names: list[str] | None = None) -> dict[str, Any]:
    """Field values as stored (foreign keys as ids); all concrete fields when `names` is None."""
    fields = [
        field
        for field in obj._meta.concrete_fields
        if names is None or field.name in names or field.attname in names
    ]
    return {field.name: field.value_from_object(obj) for field in fields}


class AuditedAdmin(admin.ModelAdmin):
    """Admin changes bypass the services, so the audit trail hears of them here."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool):
        names = list(form.changed_data) if change else None
        before = None
        if change:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = _admin_values(stored, names) if stored is not None else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=f"admin.{'change' if change else 'add'}",
                target=obj,
                before=before,
                after=_admin_values(obj, names),
            )

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        with transaction.atomic():
            audit_record(
                actor=request.user, action="admin.delete", target=obj, before=_admin_values(obj)
            )
            super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        with transaction.atomic():
            for obj in queryset:
                audit_record(
                    actor=request.user,
                    action="admin.delete",
                    target=obj,
                    before=_admin_values(obj),
                )
            super().delete_queryset(request, queryset)


class ReportFactsAdmin(AuditedAdmin):
    """Admin writes bypass the services too, so the report facts hear of them here."""

    def report_need_ids(self, obj: models.Model) -> set[int]:
        raise NotImplementedError

    def save_model(self, request: HttpRequest, obj: models.Model, form: ModelForm, change: bool):
        stored = type(obj)._default_manager.filter(pk=obj.pk).first() if change else None
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            before = self.report_need_ids(stored) if stored is not None else set()
            report_facts_refresh(need_ids=before | self.report_need_ids(obj))


@admin.register(Skill)
class SkillAdmin(ReportFactsAdmin):
    list_display = ["name", "category"]
    list_filter = ["category"]
    search_fields = ["name", "description"]

    def report_need_ids(self, obj: Skill) -> set[int]:
        # The rate category of an engagement is its need's first required skill's.
        return set(
            NeedSkill.objects.filter(skill=obj, required=True).values_list("need_id", flat=True)
        )


class SpecialistSkillInline(admin.TabularInline):
    model = SpecialistSkill
    extra = 0
    autocomplete_fields = ["skill"]


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


@admin.register(Specialist)
class SpecialistAdmin(AuditedAdmin):
    list_display = ["user", "agency", "title", "shareable", "max_share_percent", "clearance"]
    list_filter = ["agency", "shareable", "clearance", "region", "remote_ok"]
    search_fields = ["user__name", "user__email", "title"]
    list_select_related = ["user", "agency"]
    autocomplete_fields = ["user"]
    inlines = [SpecialistSkillInline, AvailabilityInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Specialist | None = None):
        # A specialist stays with their agency: their matches record it (specialist_agency).
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "agency") if obj is not None else fields


@admin.register(Availability)
class AvailabilityAdmin(AuditedAdmin):
    list_display = ["specialist", "start", "end", "capacity_percent"]
    list_select_related = ["specialist__user"]
    search_fields = ["specialist__user__name"]
    date_hierarchy = "start"


class NeedSkillInline(admin.TabularInline):
    model = NeedSkill
    extra = 0
    autocomplete_fields = ["skill"]


@admin.register(Need)
class NeedAdmin(AuditedAdmin):
    list_display = ["title", "agency", "status", "start", "end", "capacity_percent", "headcount"]
    list_filter = ["status", "agency", "unfilled_reason", "clearance_required"]
    search_fields = ["title", "description"]
    list_select_related = ["agency"]
    readonly_fields = ["published_at", "closed_at", "created_at", "updated_at"]
    inlines = [NeedSkillInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Need | None = None):
        # A need stays with its agency: its matches record it (need_agency).
        fields = super().get_readonly_fields(request, obj)
        return (*fields, "agency") if obj is not None else fields

    def save_formset(self, request: HttpRequest, form: ModelForm, formset, change: bool) -> None:
        for requirement_form in formset.forms:
            if isinstance(requirement_form.instance, NeedSkill):
                requirement_form.instance.need_created_at = form.instance.created_at
        super().save_formset(request, form, formset, change)

    def save_related(self, request: HttpRequest, form: ModelForm, formsets, change: bool) -> None:
        # After the skills inline: status, period and required skills all count in reports.
        with transaction.atomic():
            super().save_related(request, form, formsets, change)
            report_facts_refresh(need_ids=[form.instance.pk])


@admin.register(Match)
class MatchAdmin(ReportFactsAdmin):
    list_display = ["need", "specialist", "status", "score", "start", "end", "proposed_by"]
    list_filter = ["status", "proposed_by"]
    search_fields = ["need__title", "specialist__user__name"]
    list_select_related = ["need", "specialist__user"]
    raw_id_fields = ["need", "specialist", "matching_run"]
    readonly_fields = ["need_agency", "specialist_agency", "created_at", "updated_at"]

    def save_model(self, request: HttpRequest, obj: Match, form: ModelForm, change: bool):
        obj.need_agency_id = obj.need.agency_id
        obj.specialist_agency_id = obj.specialist.agency_id
        super().save_model(request, obj, form, change)

    def report_need_ids(self, obj: Match) -> set[int]:
        return {obj.need_id}


@admin.register(Engagement)
class EngagementAdmin(ReportFactsAdmin):
    list_display = ["match", "hours", "need_rating", "specialist_rating", "completed_at"]
    list_select_related = ["match__need", "match__specialist__user"]
    raw_id_fields = ["match"]

    def report_need_ids(self, obj: Engagement) -> set[int]:
        return {Match.objects.values_list("need_id", flat=True).get(pk=obj.match_id)}


@admin.register(MatchingRun)
class MatchingRunAdmin(AuditedAdmin):
    list_display = ["id", "status", "proposals_created", "total_score", "duration_seconds"]
    list_filter = ["status"]
    readonly_fields = ["created_at", "started_at", "finished_at"]


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit trail is evidence: nobody adds, edits or deletes it, not even admins."""

    list_display = ["created_at", "actor", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type"]
    search_fields = ["object_id", "action", "actor__email", "request_id"]
    list_select_related = ["actor"]
    date_hierarchy = "created_at"

    def get_readonly_fields(self, request: HttpRequest, obj: AuditEvent | None = None) -> list:
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEvent | None = None) -> bool:
        return False
