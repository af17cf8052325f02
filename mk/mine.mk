# `tandem mine` (host/cmd_mine.c, the device glue) and its pool side:
# host/pool.c (TCP/TLS connection),
# host/upstream.c (failover list of sessions), host/api.c (cgminer API)
# link into build/host/tandem with the rest of host/*.c; the pure parts
# (host/lib/session.c, pools.c, pool_url.c) are in libtandem with their
# cmocka tests in tests/host/. Here: libssl for the tandem link, the
# scriptable test pool runner and the bench-mine benchmark.
HOST_TOOL_LIBS += $(shell $(PKG_CONFIG) --libs libssl)

POOL_RUNNER := $(BUILD)/tests/pool/pool-tests

# The scenarios run against the product: build/host/tandem mine with the
# software device, then a subset with the simulated device (run.sh).
$(POOL_RUNNER): tests/pool/run.sh tests/pool/testpool.py $(TANDEM) \
		$(if $(wildcard $(SIM_DEVICE_F)),$(TANDEM_SIM))
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec tests/pool/run.sh "$$@"\n' > $@
	chmod +x $@

TEST_BINS += $(POOL_RUNNER)

.PHONY: pool-tests bench-mine
pool-tests: $(POOL_RUNNER)
	$(POOL_RUNNER)

# notify-to-device latency (simulated device) and host CPU per 1,000
# shares of `tandem mine` against the test pool.
bench: bench-mine
bench-mine: $(TANDEM) $(TANDEM_SIM)
	$(PYTHON) tests/pool/bench_mine.py

