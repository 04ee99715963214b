/* ggml-dequant.c: ggml's tensor types and their dequantisation to float32. */
#ifndef GGML_DEQUANT_H
#define GGML_DEQUANT_H

#include <stddef.h>
#include <stdint.h>

struct ggml_type {
	const char *name;
	int	 blck;		/* elements per block */
	int	 size;		/* bytes per block; 0: not supported here */
	char	 kind;		/* 'f' IEEE, 'b' bfloat16: as struct dtype; 'q' quantised */
};

const struct ggml_type *ggml_type(uint32_t id);	/* NULL: not a ggml type */
void	 ggml_dequant(uint32_t id, const unsigned char *src, float *dst, size_t n);

#endif
