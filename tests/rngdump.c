/* rngdump SEED N: the first N numbers of libemb's generator, for a portability check. */
#include <stdlib.h>

#include "emb.h"

int
main(int argc, char *argv[])
{
	struct emb_rng r;
	long long i, n;

	emb_init(argv[0]);
	if (argc != 3)
		emb_usage("rngdump seed n");
	emb_rng_seed(&r, (uint64_t)emb_parse_int(argv[1], 0, INT64_MAX, "seed"));
	n = emb_parse_int(argv[2], 0, 1000000, "n");
	for (i = 0; i < n; i++)
		emb_printf(stdout, "%llu\n", (unsigned long long)emb_rng_next(&r));
	emb_printf(stdout, "%llu\n", (unsigned long long)emb_rng_below(&r, 10));
	emb_close_stdout();
	return 0;
}
