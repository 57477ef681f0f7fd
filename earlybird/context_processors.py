from django.conf import settings


def business(request):
    return {"BUSINESS_NAME": settings.BUSINESS_NAME}
