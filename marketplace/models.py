from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency

# The audit trail is the accounts app's (every app writes it); imported here for the
# marketplace's readers of it.
from accounts.models import AuditEvent as AuditEvent
from accounts.models import AuditTrailAppendOnly as AuditTrailAppendOnly

PERCENT_VALIDATORS = [MinValueValidator(1), MaxValueValidator(100)]
LEVEL_VALIDATORS = [MinValueValidator(1), MaxValueValidator(5)]

SKILL_LEVEL_DESCRIPTIONS = {
    1: _("Basic: has applied the skill under guidance."),
    2: _("Working: applies the skill independently on routine tasks."),
    3: _("Proficient: handles complex tasks and guides others."),
    4: _("Advanced: shapes approaches across an organisation."),
    5: _("Leading expert: recognised authority across the public sector."),
}


class SkillCategory(models.TextChoices):
    CLOUD = "cloud", _("Cloud")
    SECURITY = "security", _("Security")
    DATA = "data", _("Data and AI")
    ARCHITECTURE = "architecture", _("Architecture")
    PROCUREMENT_LAW = "procurement_law", _("Procurement and law")
    UX_ACCESSIBILITY = "ux_accessibility", _("UX and accessibility")
    DEVELOPMENT = "development", _("Development")
    OPERATIONS = "operations", _("Operations")


class Clearance(models.IntegerChoices):
    """Security clearance attested by the agency; a higher number is a higher class."""

    NONE = 0, _("None")
    SK3 = 1, _("Säkerhetsklass 3")
    SK2 = 2, _("Säkerhetsklass 2")
    SK1 = 3, _("Säkerhetsklass 1")


class Region(models.TextChoices):
    """Sweden's 21 län, by their official letter codes."""

    AB = "AB", "Stockholms län"
    C = "C", "Uppsala län"
    D = "D", "Södermanlands län"
    E = "E", "Östergötlands län"
    F = "F", "Jönköpings län"
    G = "G", "Kronobergs län"
    H = "H", "Kalmar län"
    I = "I", "Gotlands län"  # noqa: E741
    K = "K", "Blekinge län"
    M = "M", "Skåne län"
    N = "N", "Hallands län"
    O = "O", "Västra Götalands län"  # noqa: E741
    S = "S", "Värmlands län"
    T = "T", "Örebro län"
    U = "U", "Västmanlands län"
    W = "W", "Dalarnas län"
    X = "X", "Gävleborgs län"
    Y = "Y", "Västernorrlands län"
    Z = "Z", "Jämtlands län"
    AC = "AC", "Västerbottens län"
    BD = "BD", "Norrbottens län"


class Skill(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    category = models.CharField(_("category"), max_length=30, choices=SkillCategory.choices)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["category", "name"]

    def __str__(self) -> str:
        return self.name


class Specialist(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="specialist"
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="specialists")
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    clearance = models.PositiveSmallIntegerField(
        _("security clearance"), choices=Clearance.choices, default=Clearance.NONE
    )
    clearance_expires = models.DateField(_("clearance expires"), null=True, blank=True)
    languages = models.JSONField(_("languages"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, blank=True)
    remote_ok = models.BooleanField(_("remote ok"), default=True)
    shareable = models.BooleanField(_("shareable"), default=False)
    max_share_percent = models.PositiveSmallIntegerField(
        _("max share percent"), default=50, validators=PERCENT_VALIDATORS
    )
    skills = models.ManyToManyField(Skill, through="SpecialistSkill", related_name="specialists")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["shareable", "clearance"], name="specialist_share_clear_idx"),
            models.Index(fields=["agency", "shareable"], name="specialist_agency_share_idx"),
            models.Index(fields=["region"], name="specialist_region_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_share_percent__gte=1) & Q(max_share_percent__lte=100),
                name="specialist_max_share_1_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user.name} ({self.title})"


class SpecialistSkill(models.Model):
    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="skill_levels"
    )
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="specialist_levels")
    level = models.PositiveSmallIntegerField(_("level"), validators=LEVEL_VALIDATORS)

    class Meta:
        ordering = ["skill__name"]
        indexes = [
            models.Index(fields=["skill", "level"], name="specskill_skill_level_idx"),
            # The directory's skill filter: one skill's holders in specialist order, levels
            # read from the index, so "skill ≥ level, first 50 by id" stops after 50.
            models.Index(
                fields=["skill", "specialist"], include=["level"], name="specskill_skill_spec_idx"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["specialist", "skill"], name="specskill_unique_skill"),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=5), name="specskill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} {self.level}"


class Availability(models.Model):
    """A period in which the specialist can give a share of their time to other agencies."""

    specialist = models.ForeignKey(
        Specialist, on_delete=models.CASCADE, related_name="availabilities"
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    capacity_percent = models.PositiveSmallIntegerField(
        _("capacity percent"), validators=PERCENT_VALIDATORS
    )

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "availabilities"
        indexes = [
            # Capacity rides along so the directory's availability filter reads only the index.
            models.Index(
                fields=["specialist", "start", "end"],
                include=["capacity_percent"],
                name="avail_spec_period_cap_idx",
            )
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")), name="availability_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(capacity_percent__gte=1) & Q(capacity_percent__lte=100),
                name="availability_capacity_1_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start}–{self.end} {self.capacity_percent}%"


class NeedStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open")
    FILLED = "filled", _("Filled")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


class UnfilledReason(models.TextChoices):
    NO_CANDIDATE = "no_candidate", _("No candidate")
    NONE_ACCEPTED = "none_accepted", _("None accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Need(models.Model):
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="needs")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    capacity_percent = models.PositiveSmallIntegerField(
        _("capacity percent"), validators=PERCENT_VALIDATORS
    )
    headcount = models.PositiveSmallIntegerField(_("headcount"), default=1)
    clearance_required = models.PositiveSmallIntegerField(
        _("clearance required"), choices=Clearance.choices, default=Clearance.NONE
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    region = models.CharField(_("region"), max_length=2, choices=Region.choices, blank=True)
    remote_ok = models.BooleanField(_("remote ok"), default=True)
    allow_own_agency = models.BooleanField(_("allow own agency"), default=False)
    status = models.CharField(
        _("status"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.DRAFT
    )
    unfilled_reason = models.CharField(
        _("unfilled reason"), max_length=20, choices=UnfilledReason.choices, blank=True
    )
    published_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "start"], name="need_status_start_idx"),
            models.Index(fields=["agency", "status"], name="need_agency_status_idx"),
            models.Index(fields=["published_at"], name="need_published_idx"),
            # The needs board: newest first, alone or within one status.
            models.Index(fields=["-created_at", "-id"], name="need_created_idx"),
            models.Index(fields=["status", "-created_at", "-id"], name="need_status_created_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="need_end_after_start"),
            models.CheckConstraint(
                condition=Q(capacity_percent__gte=1) & Q(capacity_percent__lte=100),
                name="need_capacity_1_100",
            ),
            models.CheckConstraint(condition=Q(headcount__gte=1), name="need_headcount_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class NeedSkill(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="skill_requirements")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="need_requirements")
    min_level = models.PositiveSmallIntegerField(_("min level"), validators=LEVEL_VALIDATORS)
    required = models.BooleanField(_("required"), default=True)
    # The need's created_at (it never changes), so that the board filtered by a skill reads
    # that skill's needs newest first from one index instead of walking every need.
    need_created_at = models.DateTimeField(editable=False)

    class Meta:
        ordering = ["-required", "skill__name"]
        indexes = [
            models.Index(fields=["skill", "need"], name="needskill_skill_need_idx"),
            # The needs board filtered by a skill, in its default order (newest first).
            models.Index(fields=["skill", "-need_created_at", "-need"], name="needskill_board_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["need", "skill"], name="needskill_unique_skill"),
            models.CheckConstraint(
                condition=Q(min_level__gte=1) & Q(min_level__lte=5), name="needskill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ≥{self.min_level}"


class MatchStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    ACCEPTED = "accepted", _("Accepted")
    COMPLETED = "completed", _("Completed")
    REJECTED = "rejected", _("Rejected")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


# Statuses that still count as a live pairing of need and specialist.
ACTIVE_MATCH_STATUSES = (MatchStatus.PROPOSED, MatchStatus.APPROVED, MatchStatus.ACCEPTED)
# Statuses that hold the specialist's capacity for the match's period.
RESERVING_MATCH_STATUSES = (MatchStatus.APPROVED, MatchStatus.ACCEPTED)


class ProposedBy(models.TextChoices):
    MATCHING_RUN = "matching_run", _("Matching run")
    NOMINATION = "nomination", _("Manager nomination")


class DeclineReason(models.TextChoices):
    NOT_AVAILABLE = "not_available", _("Not available after all")
    NOT_INTERESTED = "not_interested", _("Not interested")
    WORKLOAD = "workload", _("Needed at the home agency")
    SKILLS_MISMATCH = "skills_mismatch", _("Skills do not fit")
    NOT_SELECTED = "not_selected", _("Another candidate was selected")
    OTHER = "other", _("Other")


class Match(models.Model):
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="matches")
    specialist = models.ForeignKey(Specialist, on_delete=models.PROTECT, related_name="matches")
    # The agencies of the need (borrowing) and of the specialist (lending), copied when the
    # match is made: neither ever moves to another agency, and an agency's lists of its
    # matches then read one index instead of joining every match to its need or specialist.
    need_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    specialist_agency = models.ForeignKey(
        Agency, on_delete=models.PROTECT, related_name="+", db_index=False
    )
    status = models.CharField(
        _("status"), max_length=12, choices=MatchStatus.choices, default=MatchStatus.PROPOSED
    )
    score = models.FloatField(_("score"), default=0.0)
    breakdown = models.JSONField(_("breakdown"), default=dict, blank=True)
    capacity_percent = models.PositiveSmallIntegerField(
        _("capacity percent"), validators=PERCENT_VALIDATORS
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    proposed_by = models.CharField(_("proposed by"), max_length=20, choices=ProposedBy.choices)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    matching_run = models.ForeignKey(
        "MatchingRun", on_delete=models.SET_NULL, null=True, blank=True, related_name="proposals"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    specialist_consent_at = models.DateTimeField(null=True, blank=True)
    specialist_consent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    release_at = models.DateTimeField(null=True, blank=True)
    release_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.CharField(
        _("decline reason"), max_length=20, choices=DeclineReason.choices, blank=True
    )
    decline_comment = models.TextField(_("comment"), blank=True)
    declined_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "matches"
        indexes = [
            models.Index(fields=["specialist", "status"], name="match_specialist_status_idx"),
            models.Index(fields=["need", "status"], name="match_need_status_idx"),
            models.Index(fields=["status", "created_at"], name="match_status_created_idx"),
            models.Index(fields=["approved_at"], name="match_approved_idx"),
            models.Index(fields=["accepted_at"], name="match_accepted_idx"),
            models.Index(fields=["-created_at", "-id"], name="match_created_idx"),
            # A manager's dashboard: their agency's matches of one status, newest first.
            models.Index(
                fields=["need_agency", "status", "-created_at", "-id"],
                name="match_need_agency_idx",
            ),
            models.Index(
                fields=["specialist_agency", "status", "-created_at", "-id"],
                name="match_spec_agency_idx",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["need", "specialist"],
                condition=Q(status__in=["proposed", "approved", "accepted"]),
                name="match_one_active_per_pair",
            ),
            models.CheckConstraint(condition=Q(end__gte=F("start")), name="match_end_after_start"),
            models.CheckConstraint(
                condition=Q(capacity_percent__gte=1) & Q(capacity_percent__lte=100),
                name="match_capacity_1_100",
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0) & Q(score__lte=1), name="match_score_0_1"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.need} ← {self.specialist} ({self.status})"


class Engagement(models.Model):
    """The record of a completed match: hours worked and each side's rating."""

    match = models.OneToOneField(Match, on_delete=models.PROTECT, related_name="engagement")
    hours = models.DecimalField(_("hours"), max_digits=8, decimal_places=1)
    need_rating = models.PositiveSmallIntegerField(
        _("rating from the borrowing agency"), null=True, blank=True, validators=LEVEL_VALIDATORS
    )
    need_comment = models.TextField(_("comment from the borrowing agency"), blank=True)
    specialist_rating = models.PositiveSmallIntegerField(
        _("rating from the specialist"), null=True, blank=True, validators=LEVEL_VALIDATORS
    )
    specialist_comment = models.TextField(_("comment from the specialist"), blank=True)
    completed_at = models.DateTimeField()
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["-completed_at"]
        indexes = [models.Index(fields=["completed_at"], name="engagement_completed_idx")]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gte=0), name="engagement_hours_nonnegative"),
        ]

    def __str__(self) -> str:
        return f"{self.match} {self.hours} h"


class MatchingRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class MatchingRun(models.Model):
    status = models.CharField(
        max_length=10, choices=MatchingRunStatus.choices, default=MatchingRunStatus.QUEUED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposals_created = models.PositiveIntegerField(default=0)
    total_score = models.FloatField(null=True, blank=True)
    lp_bound = models.FloatField(null=True, blank=True)
    proven_bound = models.FloatField(null=True, blank=True)
    gap = models.FloatField(null=True, blank=True)
    greedy_total = models.FloatField(null=True, blank=True)
    model_stats = models.JSONField(default=dict, blank=True)
    phase_seconds = models.JSONField(default=dict, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Matching run {self.pk} ({self.status})"


# Report facts ----------------------------------------------------------------------------
#
# What the reports read instead of joining engagements, matches, needs and skills on every
# request. `marketplace.reports.facts.report_facts_refresh` writes them, in the transaction
# of the state change that alters them; see that module for the rules they follow. What a
# fact counts cannot be deleted (PROTECT): counted needs, matches and engagements stay.


class ReportEngagementFact(models.Model):
    """One completed engagement as the reports count it: its day, agencies, rate and hours."""

    engagement = models.OneToOneField(
        Engagement, on_delete=models.PROTECT, primary_key=True, related_name="report_fact"
    )
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+")
    completed_on = models.DateField()
    lender = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    borrower = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    # The skill category of the need's first required skill; blank: the default rate.
    rate_category = models.CharField(max_length=30, blank=True)
    hours = models.DecimalField(max_digits=8, decimal_places=1)
    need_rating = models.PositiveSmallIntegerField(null=True)
    specialist_rating = models.PositiveSmallIntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(fields=["completed_on", "engagement"], name="rfact_eng_day_idx"),
            models.Index(fields=["borrower", "completed_on"], name="rfact_eng_borrower_idx"),
            models.Index(fields=["lender", "completed_on"], name="rfact_eng_lender_idx"),
            models.Index(fields=["need"], name="rfact_eng_need_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.engagement_id}: {self.hours} h on {self.completed_on}"


class ReportNeedFact(models.Model):
    """A published need that reached a final state (filled or closed unfilled)."""

    need = models.OneToOneField(
        Need, on_delete=models.PROTECT, primary_key=True, related_name="report_fact"
    )
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+")
    published_on = models.DateField()
    filled = models.BooleanField()
    filled_late = models.BooleanField()
    # [[skill id, min level], ...] of its required skills, as counted in the skill tallies.
    required_skills = models.JSONField(default=list)

    def __str__(self) -> str:
        return f"need {self.need_id} published {self.published_on}"


class ReportMatchFact(models.Model):
    """A match's wait from its need's publication to approval and to acceptance, in days."""

    match = models.OneToOneField(
        Match, on_delete=models.PROTECT, primary_key=True, related_name="report_fact"
    )
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="+")
    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    approved_on = models.DateField(null=True)
    approved_days = models.FloatField(null=True)
    approved_whole_days = models.IntegerField(null=True)
    accepted_on = models.DateField(null=True)
    accepted_days = models.FloatField(null=True)
    accepted_whole_days = models.IntegerField(null=True)

    class Meta:
        indexes = [
            models.Index(
                fields=["approved_whole_days", "approved_on"], name="rfact_match_appr_idx"
            ),
            models.Index(fields=["accepted_whole_days", "accepted_on"], name="rfact_match_acc_idx"),
            models.Index(
                fields=["agency", "approved_whole_days", "approved_on"],
                name="rfact_match_ag_appr_idx",
            ),
            models.Index(
                fields=["agency", "accepted_whole_days", "accepted_on"],
                name="rfact_match_ag_acc_idx",
            ),
            models.Index(fields=["need"], name="rfact_match_need_idx"),
        ]

    def __str__(self) -> str:
        return f"match {self.match_id}"


class TallyGrain(models.TextChoices):
    DAY = "d", _("Day")
    MONTH = "m", _("Month")


class ReportTally(models.Model):
    """A running total over one day or one calendar month (`bucket`: the day, or the 1st)."""

    grain = models.CharField(max_length=1, choices=TallyGrain.choices)
    bucket = models.DateField()

    class Meta:
        abstract = True


class ReportSharedTally(ReportTally):
    """Engagements completed, their hours and ratings, per lending and borrowing agency."""

    lender = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    borrower = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    engagements = models.IntegerField(default=0)
    hours = models.DecimalField(max_digits=14, decimal_places=1, default=0)
    need_rating_1 = models.IntegerField(default=0)
    need_rating_2 = models.IntegerField(default=0)
    need_rating_3 = models.IntegerField(default=0)
    need_rating_4 = models.IntegerField(default=0)
    need_rating_5 = models.IntegerField(default=0)
    specialist_rating_1 = models.IntegerField(default=0)
    specialist_rating_2 = models.IntegerField(default=0)
    specialist_rating_3 = models.IntegerField(default=0)
    specialist_rating_4 = models.IntegerField(default=0)
    specialist_rating_5 = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "lender", "borrower"], name="rtally_shared_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket} {self.lender_id}→{self.borrower_id}"


class ReportCategoryTally(ReportTally):
    """Hours borrowed per borrowing agency and rate category (blank: the default rate)."""

    borrower = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    rate_category = models.CharField(max_length=30, blank=True)
    hours = models.DecimalField(max_digits=14, decimal_places=1, default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "borrower", "rate_category"],
                name="rtally_category_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket} {self.borrower_id} {self.rate_category}"


class ReportFillTally(ReportTally):
    """Needs published on the bucket's days that reached a final state, and those filled."""

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    needs_final = models.IntegerField(default=0)
    needs_filled = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "bucket", "agency"], name="rtally_fill_key")
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket} {self.agency_id}"


class ReportSkillTally(ReportTally):
    """Final needs per required skill and level: how many, unfilled, and filled late."""

    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="+", db_index=False)
    min_level = models.PositiveSmallIntegerField()
    needs = models.IntegerField(default=0)
    unfilled = models.IntegerField(default=0)
    filled_late = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "skill", "min_level"], name="rtally_skill_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket} {self.skill_id} ≥{self.min_level}"


class WaitStage(models.TextChoices):
    APPROVED = "approved", _("Approved")
    ACCEPTED = "accepted", _("Accepted")


class ReportWaitTally(ReportTally):
    """Matches approved (accepted) in the bucket per need agency and whole days waited.

    The counts say in which whole day the median lies; the exact values of that day are
    then read from ReportMatchFact.
    """

    agency = models.ForeignKey(Agency, on_delete=models.CASCADE, related_name="+", db_index=False)
    stage = models.CharField(max_length=8, choices=WaitStage.choices)
    whole_days = models.IntegerField()
    matches = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "bucket", "agency", "stage", "whole_days"],
                name="rtally_wait_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.bucket} {self.agency_id} {self.stage} {self.whole_days}"


class CalendarFeed(models.Model):
    """A person's private calendar subscription of their engagements.

    The link's secret token is stored only as its SHA-256 hash: the link is shown once,
    when it is made; a new one replaces it (the old link then answers 404).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_created_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Calendar of user {self.user_id}"


class SavedSearchKind(models.TextChoices):
    DIRECTORY = "directory", _("Specialist directory")
    NEEDS_BOARD = "needs_board", _("Needs board")


class SavedSearch(models.Model):
    """A person's search of the directory or the needs board that tells them of new fits.

    `criteria` holds the search's query parameters, as the directory's or board's filter
    set takes them (marketplace/selectors/searches.py).
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    kind = models.CharField(_("searches"), max_length=12, choices=SavedSearchKind.choices)
    name = models.CharField(_("name"), max_length=120)
    criteria = models.JSONField(_("criteria"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "owner"], name="savedsearch_kind_owner_idx")]

    def __str__(self) -> str:
        return self.name


class SavedSearchHit(models.Model):
    """A specialist or need known to fit a saved search: its owner hears of it at most once.

    Written for what fitted when the search was saved too (`notified` false), so only what
    starts to fit later alerts; kept when the item stops fitting, so fitting again is no news.
    """

    search = models.ForeignKey(SavedSearch, on_delete=models.CASCADE, related_name="hits")
    item_id = models.BigIntegerField()
    notified = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["search", "item_id"], name="savedsearchhit_once"),
        ]

    def __str__(self) -> str:
        return f"{self.search_id}: {self.item_id}"
