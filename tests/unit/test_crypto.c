/* Unit tests of lib/mr_crypto: published test vectors for SHA-256 and
 * HMAC-SHA-256, libcrypto's answers for the same messages, the keyed
 * MAC reused across messages, random bytes, base64 both ways. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lib/mr_crypto.h"
#include "lib/mr_hex.h"

static void
test_sha256_matches_the_published_vectors(void **state)
{
	char hex[65];
	struct mr_sha256 h;
	unsigned char md[MR_SHA256_LEN];
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	(void)state;
	/* FIPS 180-2, appendix B. */
	mr_sha256_hex("abc", 3, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	    "b00361a396177a9cb410ff61f20015ad");
	mr_sha256_hex("", 0, hex);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	    "27ae41e4649b934ca495991b7852b855");
	/* The same message fed in pieces. */
	mr_sha256_init(&h);
	mr_sha256_update(&h, two, 10);
	mr_sha256_update(&h, two + 10, strlen(two) - 10);
	mr_sha256_final(&h, md);
	mr_hex(md, sizeof md, hex);
	assert_string_equal(hex, "248d6a61d20638b8e5c026930c3e6039"
	    "a33ce45964ff2167f6ecedd419db06c1");
}

static void
test_hmac_matches_rfc4231_and_reuses_its_key(void **state)
{
	struct mr_hmac_sha256 h;
	unsigned char md[MR_SHA256_LEN];
	char hex[65];
	const char *msg = "what do ya want for nothing?";
	const char *want = "5bdcc146bf60754e6a042426089575c7"
	    "5a003f089d2739839dec58b964ec3843";

	(void)state;
	/* RFC 4231, test case 2. */
	mr_hmac_sha256("Jefe", 4, msg, strlen(msg), md);
	mr_hex(md, sizeof md, hex);
	assert_string_equal(hex, want);
	/* Keyed once: every message after the first gets the same MAC as
	 * one keyed afresh. */
	mr_hmac_sha256_init(&h, "Jefe", 4);
	for (int i = 0; i < 3; i++) {
		mr_hmac_sha256_update(&h, msg, 10);
		mr_hmac_sha256_update(&h, msg + 10, strlen(msg) - 10);
		mr_hmac_sha256_final(&h, md);
		mr_hex(md, sizeof md, hex);
		assert_string_equal(hex, want);
	}
	mr_hmac_sha256_wipe(&h);
}

static void
test_same_answers_as_libcrypto(void **state)
{
	unsigned char key[64], msg[300], ours[MR_SHA256_LEN];
	unsigned char theirs[EVP_MAX_MD_SIZE];
	unsigned int len;

	(void)state;
	for (size_t i = 0; i < sizeof key; i++)
		key[i] = (unsigned char)(i * 7 + 1);
	for (size_t n = 0; n <= sizeof msg; n += 37) {
		for (size_t i = 0; i < n; i++)
			msg[i] = (unsigned char)(i * 13 + n);
		mr_sha256(msg, n, ours);
		assert_int_equal(EVP_Digest(msg, n, theirs, &len, EVP_sha256(),
		    NULL), 1);
		assert_memory_equal(ours, theirs, sizeof ours);
		/* Keys shorter and longer than the block are both hashed
		 * the way RFC 2104 says. */
		mr_hmac_sha256(key, n % 65, msg, n, ours);
		assert_non_null(HMAC(EVP_sha256(), key, (int)(n % 65), msg, n,
		    theirs, &len));
		assert_memory_equal(ours, theirs, sizeof ours);
	}
}

static void
test_random_bytes_fill_the_buffer(void **state)
{
	unsigned char a[64], b[64], zero[64] = { 0 };

	(void)state;
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	assert_int_equal(mr_random_bytes(a, sizeof a), 0);
	assert_int_equal(mr_random_bytes(b, sizeof b), 0);
	/* 2^-512 of failing by chance. */
	assert_memory_not_equal(a, zero, sizeof a);
	assert_memory_not_equal(a, b, sizeof a);
	assert_int_equal(mr_random_bytes(a, 0), 0);
}

static void
test_equal_ct(void **state)
{
	(void)state;
	assert_true(mr_equal_ct("abcdef", "abcdef", 6));
	assert_false(mr_equal_ct("abcdef", "abcdeg", 6));
	assert_false(mr_equal_ct("xbcdef", "abcdef", 6));
	assert_true(mr_equal_ct("a", "b", 0));
}

static void
test_base64_round_trip_and_strictness(void **state)
{
	unsigned char in[64], out[64];
	char text[100];
	size_t n;

	(void)state;
	for (size_t len = 0; len < 40; len++) {
		for (size_t i = 0; i < len; i++)
			in[i] = (unsigned char)(i * 37 + len);
		assert_int_equal(mr_base64(in, len, text), (len + 2) / 3 * 4);
		assert_int_equal(strlen(text), (len + 2) / 3 * 4);
		assert_int_equal(mr_base64_decode(text, strlen(text), out,
		    sizeof out, &n), 0);
		assert_int_equal(n, len);
		assert_memory_equal(in, out, len);
	}
	/* RFC 4648 section 10. */
	assert_int_equal(mr_base64("foobar", 6, text), 8);
	assert_string_equal(text, "Zm9vYmFy");
	assert_int_equal(mr_base64("fo", 2, text), 4);
	assert_string_equal(text, "Zm8=");
	assert_int_equal(mr_base64_decode("QQ", 2, out, 64, &n), -1);
	assert_int_equal(mr_base64_decode("Q=QQ", 4, out, 64, &n), -1);
	assert_int_equal(mr_base64_decode("QQ==QQ==", 8, out, 64, &n), -1);
	assert_int_equal(mr_base64_decode("QUJD", 4, out, 2, &n), -1);
	assert_int_equal(mr_base64_decode("QU JD", 5, out, 64, &n), -1);
	assert_int_equal(mr_base64_decode("QUJ\nD", 5, out, 64, &n), -1);
	assert_int_equal(mr_base64_decode("QUJD\n", 5, out, 64, &n), -1);
	/* Stray bits under the padding: not the canonical form. */
	assert_int_equal(mr_base64_decode("QR==", 4, out, 64, &n), -1);
	assert_int_equal(mr_base64_decode("QQ==", 4, out, 64, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 'A');
	/* Decoding stops at the length given, not at a NUL. */
	assert_int_equal(mr_base64_decode("QUJDxx", 4, out, 3, &n), 0);
	assert_memory_equal(out, "ABC", 3);
}

static void
test_base64url_is_unpadded_and_url_safe(void **state)
{
	unsigned char in[] = { 0xfb, 0xff, 0xbf, 0xfe };
	char text[MR_BASE64_LEN(sizeof in) + 1];

	(void)state;
	assert_int_equal(mr_base64url(in, 3, text), 4);
	assert_string_equal(text, "-_-_");
	assert_int_equal(mr_base64url(in, sizeof in, text), 6);
	assert_string_equal(text, "-_-__g");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256_matches_the_published_vectors),
		cmocka_unit_test(test_hmac_matches_rfc4231_and_reuses_its_key),
		cmocka_unit_test(test_same_answers_as_libcrypto),
		cmocka_unit_test(test_random_bytes_fill_the_buffer),
		cmocka_unit_test(test_equal_ct),
		cmocka_unit_test(test_base64_round_trip_and_strictness),
		cmocka_unit_test(test_base64url_is_unpadded_and_url_safe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
