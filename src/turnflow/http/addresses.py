"""Which network addresses outbound HTTP may reach: public ones, and what an allow-list names.

A flow author chooses webhook URLs, so a URL must never reach the machine running turnflow
or its private network (SSRF). :func:`refusal` says why an address is not public;
:class:`AllowList` names hosts and networks that are reachable anyway (tests, on-premise
services), from the ``TURNFLOW_HTTP_ALLOW`` setting or a constructor argument.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable
from dataclasses import dataclass

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

ALLOW_SETTING = "TURNFLOW_HTTP_ALLOW"

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")


def embedded_ipv4(address: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 address carries (mapped ``::ffff:a.b.c.d``, compatible
    ``::a.b.c.d``, NAT64, 6to4, Teredo), which is where a packet really goes; else itself."""
    if isinstance(address, ipaddress.IPv4Address):
        return address
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address in _NAT64 or (address in _IPV4_COMPATIBLE and int(address) > 1):
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    return address


def refusal(address: IPAddress) -> str | None:
    """Why outbound HTTP must not reach this address ("a loopback address"...), or None
    when it is a public address."""
    address = embedded_ipv4(address)
    checks = (
        (address.is_unspecified, "an unspecified address"),
        (address.is_loopback, "a loopback address"),
        (address.is_link_local, "a link-local address"),
        (address.is_multicast, "a multicast address"),
        (address.is_private, "a private address"),
        (address.is_reserved, "a reserved address"),
        (not address.is_global, "not a public address"),
    )
    for failed, reason in checks:
        if failed:
            return reason
    return None


def parse_address(text: str) -> IPAddress | None:
    """An IP address as written in a URL host (IPv6 in brackets or not), or None."""
    text = text.strip("[]").split("%", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


@dataclass(frozen=True)
class AllowList:
    """Hosts (exact names, case-insensitive) and networks (CIDRs or single addresses) that
    outbound HTTP may reach although they are not public."""

    hosts: frozenset[str] = frozenset()
    networks: tuple[IPNetwork, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str] | str) -> AllowList:
        """From entries such as ``["localhost", "127.0.0.1", "10.0.0.0/8", "::1"]`` or one
        text with them separated by commas or spaces. A bad CIDR is a ValueError."""
        if isinstance(entries, str):
            entries = entries.replace(",", " ").split()
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in entries:
            entry = entry.strip()
            if not entry:
                continue
            if "/" in entry or parse_address(entry) is not None:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            else:
                hosts.add(entry.lower().rstrip("."))
        return cls(frozenset(hosts), tuple(networks))

    @classmethod
    def from_environment(cls) -> AllowList:
        """The allow-list in the ``TURNFLOW_HTTP_ALLOW`` environment variable (empty if unset)."""
        return cls.parse(os.environ.get(ALLOW_SETTING, ""))

    def permits(self, host: str, address: IPAddress) -> bool:
        if host.lower().rstrip(".") in self.hosts:
            return True
        candidates = {address, embedded_ipv4(address)}
        return any(
            candidate.version == network.version and candidate in network
            for candidate in candidates
            for network in self.networks
        )
