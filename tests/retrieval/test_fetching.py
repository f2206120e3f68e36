"""URL ingestion cannot reach inside the network: every hop is checked before connecting."""

import ipaddress
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from retrieval.errors import LoadError
from retrieval.fetching import FetchPolicy, fetch, is_public
from tests.conftest import CORPUS

SECRET = b"internal secret: the admin password is hunter2"


@dataclass
class LoopbackSite:
    """A web server of the test's own on 127.0.0.1 that counts the requests it got."""

    port: int
    requests: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    record = LoopbackSite(port=0)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            record.requests.append(self.path)
            if self.path.startswith("/redirect-to/"):
                self.send_response(302)
                self.send_header("Location", self.path.removeprefix("/redirect-to/"))
                self.end_headers()
                return
            if self.path == "/trickle":
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(0.3)
                return
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(SECRET)))
            self.end_headers()
            self.wfile.write(SECRET)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    record.port = httpd.server_address[1]
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield record
    httpd.shutdown()
    httpd.server_close()


def _refused(url: str, policy: FetchPolicy | None = None) -> str:
    with pytest.raises(LoadError) as caught:
        fetch(url, policy or FetchPolicy())
    return str(caught.value)


@pytest.mark.parametrize(
    "host",
    ["127.0.0.1", "localhost", "[::ffff:127.0.0.1]", "2130706433", "0x7f.1", "[::1]", "0.0.0.0"],
)
def test_loopback_in_any_spelling_is_refused_before_connecting(site, host) -> None:
    message = _refused(f"http://{host}:{site.port}/secret")
    assert "not a public address" in message or "could not be resolved" in message
    assert site.requests == []


def test_a_redirect_into_the_network_is_refused_before_following_it(site) -> None:
    # The first hop is allowlisted by name; its redirect to 127.0.0.1 is not.
    target = f"{site.url}/secret"
    message = _refused(
        f"http://localhost:{site.port}/redirect-to/{target}", FetchPolicy(allow=("localhost",))
    )
    assert "refused to fetch 127.0.0.1" in message
    assert site.requests == [f"/redirect-to/{target}"]


def test_an_allowlisted_intranet_source_is_fetched(site) -> None:
    download = fetch(f"{site.url}/secret", FetchPolicy(allow=("127.0.0.0/8",)))
    assert download.body == SECRET and site.requests == ["/secret"]


def test_a_trickling_download_ends_at_the_deadline(site) -> None:
    started = time.monotonic()
    message = _refused(f"{site.url}/trickle", FetchPolicy(allow=("127.0.0.1",), deadline=1.5))
    assert "did not finish within 1.5 s" in message
    assert time.monotonic() - started < 10  # the trickle itself lasts 30 s


def test_only_http_and_https(site) -> None:
    assert "only http and https" in _refused(f"ftp://127.0.0.1:{site.port}/x")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("169.254.169.254", False),  # cloud metadata
        ("::ffff:169.254.169.254", False),
        ("2002:a9fe:a9fe::1", False),  # 6to4 wrapping the metadata address
        ("10.1.2.3", False),
        ("172.16.0.1", False),
        ("192.168.1.1", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("224.0.0.1", False),
        ("fe80::1", False),
        ("fd00::1", False),
        ("240.0.0.1", False),
        ("8.8.8.8", True),
        ("2001:4860:4860::8888", True),
    ],
)
def test_public_addresses(address, public) -> None:
    assert is_public(ipaddress.ip_address(address)) is public


def test_the_knowledge_base_refuses_a_loopback_url_and_quotes_nothing_of_it(site, make_kb) -> None:
    kb = make_kb("ssrf")
    kb.ingest([str(CORPUS)])
    report = kb.ingest([f"{site.url}/secret.txt"])
    assert report.failed and "not a public address" in report.failed[0][1]
    assert site.requests == []
    assert all("hunter2" not in h.chunk.text for h in kb.search("admin password", k=10))
