"""Byte counts written for people."""


def describe_size(count: int) -> str:
    """Return a byte count for people: "50.0 MB", "64.0 kB", "10 bytes"."""
    if count >= 1_000_000:
        return f"{count / 1e6:.1f} MB"
    return f"{count / 1e3:.1f} kB" if count >= 1_000 else f"{count} bytes"
