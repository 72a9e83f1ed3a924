from django.urls import path

from newsletter import views

app_name = "newsletter"
urlpatterns = [
    path("newsletter/subscribe/", views.subscribe, name="subscribe"),
    path("newsletter/confirm/<str:token>/", views.confirm, name="confirm"),
    path("newsletter/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
]
