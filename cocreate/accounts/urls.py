from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("account/profile/", views.profile, name="profile"),
    path("account/about-you/", views.about_you, name="about-you"),
    path("account/tokens/", views.token_create, name="token-create"),
    path("account/tokens/<int:token_id>/revoke/", views.token_revoke, name="token-revoke"),
    path("members/<int:user_id>/", views.member_detail, name="member-detail"),
]
