# `make run`: the main job on the simulated device (see run-sim in
# mk/host-tools.mk): dependencies first, then a fresh make so pkg-config
# sees what was just installed.
# `make selfcheck`: the C reference model over every real test vector.
SELFCHECK := $(BUILD)/host/tandem-selfcheck

$(SELFCHECK): host/selfcheck.c $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(shell $(PKG_CONFIG) --cflags jansson) $< \
		-o $@ $(LIBTANDEM) $(shell $(PKG_CONFIG) --libs jansson) -lm

.PHONY: selfcheck
selfcheck: $(SELFCHECK)
	$(SELFCHECK) tests/vectors

run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory run-sim
