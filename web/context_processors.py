from web.http import site_url

SITE_NAME = "Before You Mix"


def site(request):
    """Values every page needs: the site's name, its public address (SITE_URL; in
    development the request's) and the page's canonical address.

    The canonical address is the path alone, plus the query only on public pages, where
    web.http.public_page has already cut it to the page's own parameters (?page=2): a
    private page's query (a medicine list) never becomes part of a link.
    """
    base = site_url(request)
    canonical = base + request.path
    if getattr(request, "page_cache", None) and request.META.get("QUERY_STRING"):
        canonical += "?" + request.META["QUERY_STRING"]
    return {"SITE_NAME": SITE_NAME, "SITE_URL": base, "CANONICAL_URL": canonical}
