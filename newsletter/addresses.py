"""Which email addresses the newsletter accepts beyond Django's syntax check.

An address at an IP literal (`a@[127.0.0.1]`, `a@127.0.0.1`) or at a name without
a dot (`a@localhost`) is syntactically fine but never a reader's mailbox on the
public internet: accepting it would let anyone point our mail server at hosts
of their choosing, including our own network.
"""

import ipaddress

from django.core.exceptions import ValidationError

NOT_A_PUBLIC_DOMAIN = (
    "Use an address at a named domain, like you@example.com: addresses at an IP "
    "address or at a name without a dot (like localhost) cannot receive the newsletter."
)


def validate_public_domain(email: str) -> None:
    """Raise ValidationError (code "public_domain") unless the domain is a dotted name.

    A value without "@" is left to the syntax check, which names that fault.
    """
    if "@" not in email:
        return
    domain = email.rpartition("@")[2].strip().rstrip(".")
    if domain.startswith("[") or "." not in domain or _is_ip_address(domain):
        raise ValidationError(NOT_A_PUBLIC_DOMAIN, code="public_domain")


def _is_ip_address(domain: str) -> bool:
    try:
        ipaddress.ip_address(domain)
    except ValueError:
        return False
    return True
