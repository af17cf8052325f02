# `make run`: until the simulated device exists, runs tandem-selfcheck,
# the C reference model over every real test vector in tests/vectors/.
SELFCHECK := $(BUILD)/host/tandem-selfcheck

$(SELFCHECK): host/selfcheck.c $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell $(PKG_CONFIG) --cflags jansson) $< \
		-o $@ $(LIBTANDEM) $(shell $(PKG_CONFIG) --libs jansson) -lm

run: $(SELFCHECK)
	$(SELFCHECK) tests/vectors
