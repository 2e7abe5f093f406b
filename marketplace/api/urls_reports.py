from django.urls import path

from marketplace.api import reports

urlpatterns = [
    path("reports/summary/", reports.ReportSummaryView.as_view(), name="report-summary"),
]
