"""gzip of answers (web.middleware.GZipMiddleware, gzip_fast): a long list's answer is 400 KB
of JSON, so it is compressed with ISA-L at a fast level; the answer must still be standard
gzip, keep Django's BREACH mitigation, and never compress what was not asked for."""

import gzip
import json
import random

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.test import RequestFactory

from web.middleware import GZipMiddleware, gzip_fast

pytestmark = pytest.mark.django_db

LONG_LIST = (
    "Zoloft,Ultram,Xanax,Percocet,Tylenol,ibuprofen,warfarin,methadone,Celexa,Zofran,"
    "lithium,Nardil,Sudafed,alcohol,gabapentin,LDN,Suboxone,Ambien,trazodone,Wellbutrin"
)


def test_a_long_answer_is_gzip_that_any_client_reads(client, library):
    url = f"/api/v1/interactions?drugs={LONG_LIST}"
    plain = client.get(url)
    zipped = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert int(zipped.headers["Content-Length"]) == len(zipped.content)
    assert len(zipped.content) < len(plain.content) / 5
    assert gzip.decompress(zipped.content) == plain.content
    assert len(json.loads(plain.content)["findings"]) > 30


def test_the_gzip_header_keeps_a_file_name_of_random_length_against_breach(client, library):
    url = "/api/v1/interactions?drugs=Zoloft,Ultram"
    lengths = set()
    for _ in range(20):
        body = client.get(url, HTTP_ACCEPT_ENCODING="gzip").content
        assert body[:3] == b"\x1f\x8b\x08" and body[3] & gzip.FNAME
        lengths.add(body.index(b"\x00", 10) - 10)
    assert len(lengths) > 1


def test_gzip_fast_round_trips_any_bytes():
    rng = random.Random(7)
    for size in (200, 1_000, 70_000, 600_000):
        data = bytes(rng.choice(b"abc {}[],:\"'0123456789") for _ in range(size))
        assert gzip.decompress(gzip_fast(data, 100)) == data
    noise = rng.randbytes(5_000)
    assert gzip.decompress(gzip_fast(noise, 100)) == noise


def middleware_response(path="/x/", accept="gzip", **headers):
    content = b"a fairly long answer, " * 100
    request = RequestFactory().get(path, HTTP_ACCEPT_ENCODING=accept)
    response = HttpResponse(content)
    for name, value in headers.items():
        response[name] = value
    return content, GZipMiddleware(lambda r: response)(request)


def test_a_strong_etag_becomes_weak_when_compressed():
    _, response = middleware_response(ETag='"abc"')
    assert response["ETag"] == 'W/"abc"'
    assert response["Content-Encoding"] == "gzip"


@pytest.mark.parametrize("accept", ["", "identity", "deflate, br"])
def test_nothing_is_compressed_unless_gzip_is_accepted(accept):
    content, response = middleware_response(accept=accept)
    assert "Content-Encoding" not in response.headers
    assert response.content == content
    assert "Accept-Encoding" in response["Vary"]


def test_an_answer_already_encoded_or_from_the_admin_is_left_alone():
    content, response = middleware_response(**{"Content-Encoding": "br"})
    assert response.content == content and response["Content-Encoding"] == "br"
    content, response = middleware_response(path="/" + settings.ADMIN_URL + "login/")
    assert response.content == content and "Content-Encoding" not in response.headers
