"""pagecache.gzip_pages: a gzip member assembled from pre-deflated segments and
stored tokens decompresses to exactly the page, with every decoder."""

import gzip
import secrets
import zlib

import pytest

from pagecache.gzip_pages import deflate_segments, gzip_member

TOKEN_LENGTH = 64
SEGMENT = ("<p>Ship or Skip — the panel\u2019s verdict, ünïcödé and all.</p>\n" * 200).encode()


def token() -> bytes:
    return secrets.token_hex(TOKEN_LENGTH // 2).encode()


def packed(segments, tokens):
    return gzip_member(segments, deflate_segments(segments, TOKEN_LENGTH), tokens)


def page_of(segments, tokens):
    out = [segments[0]]
    for n, value in enumerate(tokens):
        out += [value, segments[n + 1]]
    return b"".join(out)


CASES = {
    "no tokens": ([SEGMENT], []),
    "one token": ([SEGMENT, SEGMENT], [token()]),
    "adjacent tokens": ([SEGMENT, b"", SEGMENT], [token(), token()]),
    "empty segments": ([b"", b""], [token()]),
    "more than a window between tokens": ([SEGMENT * 8, SEGMENT * 8, b"end"], [token(), token()]),
    "empty page": ([b""], []),
}


@pytest.mark.parametrize(("segments", "tokens"), CASES.values(), ids=CASES.keys())
def test_every_decoder_gets_the_page_back_exactly(segments, tokens):
    member = packed(segments, tokens)
    page = page_of(segments, tokens)
    assert gzip.decompress(member) == page
    assert zlib.decompress(member, wbits=31) == page  # checks CRC-32 and length
    stream = zlib.decompressobj(wbits=47)  # auto-detect, as browsers' zlib does
    assert stream.decompress(member) == page and stream.eof and not stream.unused_data


def test_a_token_longer_than_one_stored_block():
    segments, long_token = [SEGMENT, SEGMENT], b"x" * 150_000
    member = gzip_member(segments, deflate_segments(segments, len(long_token)), [long_token])
    assert gzip.decompress(member) == page_of(segments, [long_token])


def test_the_same_segments_serve_every_token():
    segments = [SEGMENT, SEGMENT, SEGMENT]
    deflated = deflate_segments(segments, TOKEN_LENGTH)
    for _ in range(5):
        tokens = [token(), token()]
        assert gzip.decompress(gzip_member(segments, deflated, tokens)) == page_of(segments, tokens)


def test_text_after_a_token_refers_back_across_it():
    # The second segment repeats the first: primed with it, it is a run of
    # back-references; deflated alone it would cost as much as the first.
    first, second = deflate_segments([SEGMENT, SEGMENT], TOKEN_LENGTH)
    assert len(second) < len(first) / 2


def test_a_wrong_length_or_crc_is_caught_by_the_decoders():
    member = bytearray(packed([SEGMENT, SEGMENT], [token()]))
    member[-1] ^= 0xFF
    with pytest.raises(zlib.error):
        zlib.decompress(bytes(member), wbits=31)


def test_tokens_are_stored_as_they_are_never_compressed():
    value = token()
    member = packed([SEGMENT, SEGMENT], [value])
    assert value in member  # its length says nothing about the page (BREACH)


def test_the_header_pads_with_a_random_length_name_against_breach():
    lengths = {len(packed([SEGMENT], [])) for _ in range(30)}
    assert len(lengths) > 1
