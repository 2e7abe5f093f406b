from django.urls import path

from marketplace.web import views_reports

app_name = "reports"

urlpatterns = [
    path("reports/", views_reports.report_summary_page, name="summary"),
    path("reports/print/", views_reports.report_print_page, name="print"),
    path("reports/pdf/", views_reports.report_pdf, name="pdf"),
    path("reports/unmet-needs/", views_reports.unmet_needs_page, name="unmet_needs"),
    path("reports/savings-ledger/", views_reports.savings_ledger_page, name="savings_ledger"),
]
