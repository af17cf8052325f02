# Fuzzing the wire protocol decoder with libFuzzer (clang). The target is
# compiled from the codec sources with the sanitizers, not taken from
# libtandem.a. `make check` runs it for a bounded number of iterations
# through scripts/fuzz-proto.sh; `make fuzz-proto FUZZ_RUNS=-1` fuzzes until
# stopped.
FUZZ_PROTO_DIR     := $(BUILD)/fuzz
FUZZ_PROTO         := $(FUZZ_PROTO_DIR)/fuzz_proto
FUZZ_PROTO_SEEDGEN := $(FUZZ_PROTO_DIR)/seed_proto
FUZZ_PROTO_SRCS    := tests/fuzz/fuzz_proto.c host/lib/proto.c host/lib/err.c
FUZZ_PROTO_CFLAGS  := $(CSTD) -O1 -g $(WARN) $(INCLUDES) \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fno-omit-frame-pointer

$(FUZZ_PROTO): $(FUZZ_PROTO_SRCS) include/tandem_proto.h include/tandem_err.h
	@mkdir -p $(dir $@)
	$(CLANG) $(FUZZ_PROTO_CFLAGS) $(FUZZ_PROTO_SRCS) -o $@

$(FUZZ_PROTO_SEEDGEN): tests/fuzz/seed_proto.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $< -o $@

TEST_BINS += scripts/fuzz-proto.sh
test-bins: $(FUZZ_PROTO) $(FUZZ_PROTO_SEEDGEN)

.PHONY: fuzz-proto
fuzz-proto: $(FUZZ_PROTO) $(FUZZ_PROTO_SEEDGEN)
	scripts/fuzz-proto.sh
