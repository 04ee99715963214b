/*
 * libFuzzer harness for emb-extract's npz reader: the npz reader (zip directory, zip64, stored and deflated entries, CRC).
 * The first byte picks options, the rest is the file: see extract-harness.h.
 * sources: cmd/emb-extract/array.c cmd/emb-extract/convert.c cmd/emb-extract/detect.c cmd/emb-extract/extract.c cmd/emb-extract/input.c cmd/emb-extract/json.c cmd/emb-extract/labelfile.c cmd/emb-extract/npy.c cmd/emb-extract/npz.c cmd/emb-extract/number.c cmd/emb-extract/safetensors.c cmd/emb-extract/select.c cmd/emb-extract/stream.c cmd/emb-extract/text.c cmd/emb-extract/transform.c cmd/emb-extract/w2vbin.c cmd/emb-extract/ggml-dequant.c cmd/emb-extract/gguf.c cmd/emb-extract/pickle.c cmd/emb-extract/readable.c cmd/emb-extract/rows.c cmd/emb-extract/torch.c cmd/emb-extract/vocab.c
 */

#define FUZZ_FORMAT FMT_NPZ
#include "extract-harness.h"
