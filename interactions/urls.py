from django.urls import path

from interactions import views

app_name = "interactions"

urlpatterns = [
    path("check/", views.check, name="check"),
    path("drugs/", views.drug_list, name="drug_list"),
    path("drugs/<slug:slug>/", views.drug_detail, name="drug_detail"),
]
