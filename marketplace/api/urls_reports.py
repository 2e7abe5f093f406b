from django.urls import path

from marketplace.api import reports

urlpatterns = [
    path("reports/summary/", reports.ReportSummaryView.as_view(), name="report-summary"),
    path("reports/unmet-needs/", reports.UnmetNeedsView.as_view(), name="report-unmet-needs"),
    path(
        "reports/savings-ledger/",
        reports.SavingsLedgerView.as_view(),
        name="report-savings-ledger",
    ),
]
