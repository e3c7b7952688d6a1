/* mr_hex: bytes as lowercase hex digits (see lib/mr_hex.h). */
#include "config.h"

#include "lib/mr_hex.h"

void
mr_hex(const unsigned char *in, size_t n, char *out)
{
	static const char digits[] = "0123456789abcdef";

	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 0xf];
	}
	out[2 * n] = '\0';
}
