from django.urls import path

from marketplace.api import privacy

urlpatterns = [
    path("me/export/", privacy.PersonalDataExportView.as_view(), name="me-export"),
    path(
        "specialists/<int:pk>/erase/",
        privacy.SpecialistEraseView.as_view(),
        name="specialist-erase",
    ),
]
