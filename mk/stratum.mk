# Stratum v1 codec fuzzing: a libFuzzer target over stratum_parse_line
# (tests/fuzz/fuzz_stratum.c), built with clang's fuzzer, address and
# undefined-behaviour sanitizers from the codec's own sources, and run
# bounded (runs and seconds) by scripts/fuzz-stratum.sh in `make check`.
FUZZ_STRATUM      := $(BUILD)/fuzz/fuzz_stratum
FUZZ_STRATUM_SRCS := tests/fuzz/fuzz_stratum.c host/lib/stratum.c host/lib/hex.c
FUZZ_STRATUM_SAN  := -fsanitize=fuzzer,address,undefined \
                     -fno-sanitize-recover=undefined

TEST_BINS += scripts/fuzz-stratum.sh

.PHONY: fuzz-stratum
test-bins: $(FUZZ_STRATUM)

# `make fuzz-stratum` builds and runs it alone (FUZZ_STRATUM_RUNS=... and
# FUZZ_STRATUM_SECONDS=... in the environment lengthen the run).
fuzz-stratum: $(FUZZ_STRATUM)
	@scripts/fuzz-stratum.sh

$(FUZZ_STRATUM): $(FUZZ_STRATUM_SRCS) host/lib/stratum.h host/lib/hex.h \
		include/tandem_err.h
	@mkdir -p $(dir $@)
	$(CLANG) $(CSTD) -g -O1 $(WARN) $(INCLUDES) $(FUZZ_STRATUM_SAN) \
		$(shell $(PKG_CONFIG) --cflags jansson) $(FUZZ_STRATUM_SRCS) \
		-o $@ $(shell $(PKG_CONFIG) --libs jansson) -lm
