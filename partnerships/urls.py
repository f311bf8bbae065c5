from __future__ import annotations

from django.urls import path

from partnerships import views

app_name = "partnerships"
urlpatterns = [
    path("partnerships/", views.partnership_list, name="list"),
    path("partnerships/new/", views.partnership_create, name="create"),
    path("partnerships/reviews/", views.reviews, name="reviews"),
    path("partnerships/<int:pk>/", views.partnership_detail, name="detail"),
    path("partnerships/<int:pk>/edit/", views.partnership_edit, name="edit"),
    path("partnerships/<int:pk>/gateway/", views.gateway, name="gateway"),
    path("partnerships/<int:pk>/gateway/decision/", views.gateway_decide, name="gateway_decide"),
    path("partnerships/<int:pk>/outside-body/", views.outside_body, name="outside_body"),
    path("partnerships/<int:pk>/significance/", views.significance, name="significance"),
    path("partnerships/<int:pk>/exit/", views.exit_record, name="exit"),
    path("partnerships/risks/", views.portfolio_risks, name="portfolio_risks"),
    path("partnerships/<int:pk>/risks/", views.risk_register, name="risks"),
    path("partnerships/<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("partnerships/<int:pk>/risks/<int:risk_pk>/", views.risk_edit, name="risk_edit"),
]
