from django.conf import settings


def site(request):
    """Values every page needs: the site's name and its public address."""
    return {"SITE_NAME": "Before You Mix", "SITE_URL": settings.SITE_URL}
