"""Gzip for cached pages without compressing the shared text on every hit.

A cached page is shared text with a few per-reader values in holes
(pagecache.holes). For each variant of the page (the reader's own votes fill
some holes; most readers have none) the text between CSRF tokens is deflated
once per process, each segment ended with a sync flush, which byte-aligns it
so another block can follow. The tokens, different in every response, go in
as stored (uncompressed) blocks, and an empty final block ends the stream: one
valid gzip member (RFC 1951, RFC 1952) whose CRC-32 and length cover the whole
page. On a hit this replaces compressing the whole page (about 60% of the
hit's cost) with a CRC over it.

Each segment is compressed with the page before it as its preset dictionary,
so it may refer back across a token as a single deflate stream does: the
decoder's window holds exactly that text, except where the tokens are. There
the dictionary holds NUL bytes of the token's fixed length; no page contains a
NUL, so no back-reference ever reaches into a token, and the distances past it
are the same for every reader.

Against BREACH, as in Django's GZipMiddleware, the header carries a file name
of random length, and the tokens are never compressed: their length leaks
nothing.
"""

import gzip
import secrets
import struct
import zlib

_LEVEL = 6  # Django's GZipMiddleware level
_WINDOW = 32 * 1024  # deflate's back-reference reach
_MAX_RANDOM_BYTES = 100  # GZipMiddleware.max_random_bytes
_FINAL_EMPTY_BLOCK = b"\x01\x00\x00\xff\xff"  # BFINAL=1, stored, LEN=0, NLEN=0xFFFF
_STORED_MAX = 0xFFFF


def deflate_segments(segments: list[bytes], token_length: int) -> list[bytes]:
    """Raw deflate of the text between tokens (one token after each segment but
    the last), each byte-aligned and not final, primed with what precedes it."""
    deflated, seen = [], b""
    for segment in segments:
        window = seen[-_WINDOW:]
        compressor = (
            zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS, zdict=window)
            if window
            else zlib.compressobj(_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
        )
        deflated.append(compressor.compress(segment) + compressor.flush(zlib.Z_SYNC_FLUSH))
        seen = window + segment + b"\x00" * token_length
    return deflated


def stored_blocks(data: bytes) -> bytes:
    """Data as non-final stored blocks (BTYPE=00), at most 65,535 bytes each."""
    blocks = []
    for start in range(0, len(data), _STORED_MAX):
        chunk = data[start : start + _STORED_MAX]
        blocks.append(b"\x00" + struct.pack("<HH", len(chunk), len(chunk) ^ 0xFFFF) + chunk)
    return b"".join(blocks)


def _header() -> bytes:
    name = b"a" * secrets.randbelow(_MAX_RANDOM_BYTES) + b"\x00"
    # ID1 ID2, deflate, FNAME flag, MTIME 0, XFL 0, OS unknown: gzip.compress's own bytes.
    return b"\x1f\x8b\x08" + bytes([gzip.FNAME]) + b"\x00\x00\x00\x00\x00\xff" + name


def gzip_member(segments: list[bytes], deflated: list[bytes], tokens: list[bytes]) -> bytes:
    """One gzip member: segment, token, segment, …, segment (len(tokens) + 1
    segments, deflated by deflate_segments with the tokens' length)."""
    crc, size, body = 0, 0, [_header()]
    for n, segment in enumerate(segments):
        crc = zlib.crc32(segment, crc)
        body.append(deflated[n])
        if n < len(tokens):
            crc = zlib.crc32(tokens[n], crc)
            body.append(stored_blocks(tokens[n]))
        size += len(segment) + (len(tokens[n]) if n < len(tokens) else 0)
    body.append(_FINAL_EMPTY_BLOCK)
    body.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(body)
