"""Downloading a URL without letting it reach inside the network.

Every hop (the URL, then each redirect) is resolved here, refused when any of its
addresses is loopback, private, link-local, multicast, reserved or otherwise not public,
and then fetched from the very address that was checked, so a second DNS answer cannot
swap in another one. Hosts and networks on the allowlist (intranet sources) pass. The
whole download, redirects included, has one deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from retrieval.errors import LoadError
from retrieval.sizes import describe_size

__all__ = ["Download", "FetchPolicy", "fetch"]

USER_AGENT = "vnpos/0.1 (document ingestion)"
MAX_REDIRECTS = 5

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of a download: size, per-operation timeout, overall deadline, allowlist.

    ``allow`` holds host names, addresses and networks (CIDR) that may be fetched even
    though they are not public, e.g. an intranet document server.
    """

    max_bytes: int = 50_000_000
    timeout: float = 20.0
    deadline: float = 60.0
    allow: tuple[str, ...] = ()
    _networks: tuple[IPNetwork, ...] = field(init=False, repr=False, compare=False)
    _hosts: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        networks: list[IPNetwork] = []
        hosts: set[str] = set()
        for entry in (a.strip() for a in self.allow if a.strip()):
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        object.__setattr__(self, "_networks", tuple(networks))
        object.__setattr__(self, "_hosts", frozenset(hosts))

    def allows_host(self, host: str) -> bool:
        """Return True when ``host`` is allowlisted by name."""
        return host.lower().rstrip(".") in self._hosts

    def allows_address(self, address: IPAddress) -> bool:
        """Return True when ``address`` lies in an allowlisted network."""
        return any(address in network for network in self._networks)


@dataclass(frozen=True)
class Download:
    """A fetched body with what the server said about it."""

    body: bytes
    content_type: str
    charset: str | None
    final_url: str


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """Return the IPv4 address an IPv6 address carries (mapped, 6to4, Teredo), if any."""
    if not isinstance(address, ipaddress.IPv6Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    return address.teredo[1] if address.teredo is not None else None


def is_public(address: IPAddress) -> bool:
    """Return True for a globally routable unicast address (and what it embeds)."""
    inner = _embedded_ipv4(address)
    if inner is not None and not is_public(inner):
        return False
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int, url: str) -> list[IPAddress]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise LoadError(f"{url}: the host {host!r} could not be resolved") from None
    addresses: list[IPAddress] = []
    for info in infos:
        address = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


def _checked_address(url: httpx.URL, policy: FetchPolicy, original: str) -> IPAddress:
    """Return the address to connect to for ``url``, or refuse it."""
    if url.scheme not in ("http", "https"):
        raise LoadError(f"{original}: only http and https URLs can be ingested, got {url.scheme!r}")
    host = url.host
    if not host:
        raise LoadError(f"{original}: the URL has no host")
    addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80), original)
    if not addresses:
        raise LoadError(f"{original}: the host {host!r} has no address")
    if policy.allows_host(host):
        return addresses[0]
    for address in addresses:
        if not is_public(address) and not policy.allows_address(address):
            raise LoadError(
                f"{original}: refused to fetch {host} ({address}): it is not a public address; "
                "add it to VNPOS_URL_ALLOWLIST to ingest from an intranet source"
            )
    return addresses[0]


def _pinned_request(client: httpx.Client, url: httpx.URL, address: IPAddress) -> httpx.Request:
    """Build a request for ``url`` that connects to ``address`` and names the real host."""
    literal = f"[{address}]" if address.version == 6 else str(address)
    host_header = url.host if url.port is None else f"{url.host}:{url.port}"
    if ":" in url.host and url.port is None:
        host_header = f"[{url.host}]"
    request = client.build_request(
        "GET",
        url.copy_with(host=literal.strip("[]")),
        headers={
            "Host": host_header,
            "User-Agent": USER_AGENT,
            # Compressed bodies could inflate far past the size cap between two checks.
            "Accept-Encoding": "identity",
        },
    )
    if url.scheme == "https":
        request.extensions["sni_hostname"] = url.host
    return request


def fetch(url: str, policy: FetchPolicy) -> Download:
    """Download ``url`` within ``policy``; refuse addresses inside the network.

    Raises:
        LoadError: With a one-line message naming the URL and the reason.
    """
    started = time.monotonic()
    try:
        current = httpx.URL(url)
    except httpx.InvalidURL:
        raise LoadError(f"{url}: not a valid URL") from None
    with httpx.Client(follow_redirects=False, trust_env=False) as client:
        for _hop in range(MAX_REDIRECTS + 1):
            address = _checked_address(current, policy, url)
            remaining = policy.deadline - (time.monotonic() - started)
            request = _pinned_request(client, current, address)
            request.extensions["timeout"] = httpx.Timeout(
                max(0.1, min(policy.timeout, remaining))
            ).as_dict()
            response = _send(client, request, url, policy)
            try:
                if response.is_redirect and "location" in response.headers:
                    current = current.join(response.headers["location"])
                    continue
                if response.status_code >= 400:
                    raise LoadError(f"{url}: the server answered HTTP {response.status_code}")
                body = _read(response, url, policy, started)
                mime = response.headers.get("content-type", "").split(";")[0].strip().lower()
                charset = response.charset_encoding
            finally:
                response.close()
            if not body:
                raise LoadError(f"{url}: the response is empty")
            return Download(body, mime, charset, str(current))
    raise LoadError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _send(
    client: httpx.Client, request: httpx.Request, url: str, policy: FetchPolicy
) -> httpx.Response:
    try:
        return client.send(request, stream=True)
    except httpx.TimeoutException:
        raise LoadError(f"{url}: no answer within {policy.timeout:g} s (timed out)") from None
    except httpx.ConnectError:
        raise LoadError(f"{url}: could not connect (unreachable or refused)") from None
    except httpx.HTTPError as exc:
        raise LoadError(f"{url}: the request failed ({type(exc).__name__})") from None


def _read(response: httpx.Response, url: str, policy: FetchPolicy, started: float) -> bytes:
    body = bytearray()
    try:
        for piece in response.iter_bytes():
            body.extend(piece)
            if len(body) > policy.max_bytes:
                raise LoadError(
                    f"{url}: the response is over the {describe_size(policy.max_bytes)} limit"
                )
            if time.monotonic() - started > policy.deadline:
                raise LoadError(
                    f"{url}: the download did not finish within {policy.deadline:g} s "
                    "(VNPOS_URL_DEADLINE_S)"
                )
    except httpx.TimeoutException:
        raise LoadError(f"{url}: no answer within {policy.timeout:g} s (timed out)") from None
    except httpx.HTTPError as exc:
        raise LoadError(f"{url}: the download failed ({type(exc).__name__})") from None
    return bytes(body)


def suffix_of(download: Download) -> str:
    """Return the final URL's path suffix ("" when it has none)."""
    return Path(httpx.URL(download.final_url).path).suffix.lower()
