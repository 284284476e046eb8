"""What a host name or address is, for the preview's host check and mail's plain-text warning."""

from __future__ import annotations

import ipaddress


def is_loopback(host: str) -> bool:
    """`localhost` or an address in 127.0.0.0/8 or ::1 (brackets allowed): reachable from this machine
    only."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.removeprefix("[").removesuffix("]")).is_loopback
    except ValueError:
        return False
