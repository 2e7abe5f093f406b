from django.urls import path

from marketplace.api import availability, needs, skills, specialists

urlpatterns = [
    path("skills/", skills.SkillListView.as_view(), name="skill-list"),
    path("skills/levels/", skills.SkillLevelListView.as_view(), name="skill-levels"),
    path("skills/<int:pk>/", skills.SkillDetailView.as_view(), name="skill-detail"),
    path("specialists/", specialists.SpecialistListCreateView.as_view(), name="specialist-list"),
    path(
        "specialists/<int:pk>/",
        specialists.SpecialistDetailView.as_view(),
        name="specialist-detail",
    ),
    path(
        "specialists/<int:pk>/availability/",
        availability.SpecialistAvailabilityView.as_view(),
        name="specialist-availability",
    ),
    path(
        "availability/<int:pk>/",
        availability.AvailabilityDetailView.as_view(),
        name="availability-detail",
    ),
    path("needs/", needs.NeedListCreateView.as_view(), name="need-list"),
    path("needs/<int:pk>/", needs.NeedDetailView.as_view(), name="need-detail"),
    path("needs/<int:pk>/publish/", needs.NeedPublishView.as_view(), name="need-publish"),
    path("needs/<int:pk>/cancel/", needs.NeedCancelView.as_view(), name="need-cancel"),
    path("needs/<int:pk>/close/", needs.NeedCloseView.as_view(), name="need-close"),
]
