"""The client's address: the peer's, unless the peer is a proxy we were told to trust.

Anyone can send ``X-Forwarded-For``; only a proxy in ``VNPOS_TRUSTED_PROXIES`` is
believed, and then the client is the nearest address in the header that is not one of
our proxies (the others were written by whoever connected to the proxy).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None


class TrustedProxies:
    """The reverse proxies (addresses or CIDR networks) whose forwarding headers count."""

    def __init__(self, entries: Iterable[str] = ()) -> None:
        self._networks: list[IPNetwork] = []
        for entry in entries:
            try:
                self._networks.append(ipaddress.ip_network(entry.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"VNPOS_TRUSTED_PROXIES: {entry!r} is not an IP address or network"
                ) from exc

    def trusts(self, host: str) -> bool:
        """Return True when ``host`` is one of the trusted proxies."""
        address = _address(host)
        return address is not None and any(address in n for n in self._networks)

    def client_ip(self, peer: str, forwarded_for: str | None) -> str:
        """Return the client's address for rate limits and logs."""
        if not forwarded_for or not self.trusts(peer):
            return peer
        for hop in reversed(forwarded_for.split(",")):
            hop = hop.strip()
            if not self.trusts(hop):
                return hop if _address(hop) is not None else peer
        return peer
