from __future__ import annotations

from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("rounds/<int:pk>/dartboard.<str:fmt>", views.dartboard, name="dartboard"),
    path("rounds/<int:pk>/results.xlsx", views.round_workbook, name="round_workbook"),
    path("reports/", views.index, name="index"),
    # Under the register's address: it is the register page's download, with the register's filters.
    path("partnerships/export.csv", views.register_export, name="register_export"),
    path("partnerships/export.xlsx", views.register_workbook, name="register_workbook"),
    path("reports/portfolio/<int:year>/prepare", views.portfolio_report, name="portfolio"),
    path("reports/prepared/<int:pk>/", views.prepared_report, name="prepared"),
    path("reports/prepared/<int:pk>/download", views.prepared_download, name="prepared_download"),
    path("reports/prepared/<int:pk>/retry", views.prepared_retry, name="prepared_retry"),
    path("reports/partnerships/<int:pk>/<int:year>.pdf", views.partnership_report, name="partnership"),
    path("reports/standards/", views.standards, name="standards"),
    path("reports/audit/", views.audit_report_prepare, name="audit_prepare"),
    path("reports/audit/<int:year>/", views.audit_report, name="audit_report"),
    path("reports/audit/<int:year>/issue/", views.audit_report_issue, name="audit_issue"),
    path("reports/audit/<int:year>.pdf", views.audit_report_pdf, name="audit_pdf"),
]
