/*
 * libFuzzer harness for emb-extract's restricted unpickler and the PyTorch reader
 * behind it: the input after its first byte (options, see extract-harness.h) is the
 * data.pkl of a torch.save zip that this harness builds around it, with storages
 * archive/data/0 to archive/data/7 of 64 bytes each, so the fuzzer works on the
 * pickle rather than on the zip's CRCs.
 * sources: cmd/emb-extract/array.c cmd/emb-extract/convert.c cmd/emb-extract/detect.c cmd/emb-extract/extract.c cmd/emb-extract/ggml-dequant.c cmd/emb-extract/gguf.c cmd/emb-extract/input.c cmd/emb-extract/json.c cmd/emb-extract/labelfile.c cmd/emb-extract/npy.c cmd/emb-extract/npz.c cmd/emb-extract/number.c cmd/emb-extract/pickle.c cmd/emb-extract/readable.c cmd/emb-extract/rows.c cmd/emb-extract/safetensors.c cmd/emb-extract/select.c cmd/emb-extract/stream.c cmd/emb-extract/text.c cmd/emb-extract/torch.c cmd/emb-extract/transform.c cmd/emb-extract/vocab.c cmd/emb-extract/w2vbin.c
 */
#include <zlib.h>

#define FUZZ_FORMAT FMT_TORCH
#define FUZZ_WRAP wrap_zip
#include "extract-harness.h"
