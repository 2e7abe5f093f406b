from django.urls import path

from marketplace.web import views_reports

app_name = "reports"

urlpatterns = [
    path("reports/", views_reports.report_summary_page, name="summary"),
]
