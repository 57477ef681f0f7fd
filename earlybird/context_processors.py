from django.conf import settings


def business(request):
    """The business as pages and bills show it (billing/pdf.py passes request=None)."""
    return {
        "BUSINESS_NAME": settings.BUSINESS_NAME,
        "BUSINESS_ADDRESS": settings.BUSINESS_ADDRESS,
        "BUSINESS_PHONE": settings.BUSINESS_PHONE,
        "BUSINESS_GSTIN": settings.BUSINESS_GSTIN,
    }
