# `tandem mine` (host/cmd_mine.c, the device glue) and its pool side:
# host/pool.c (TCP/TLS connection),
# host/upstream.c (failover list of sessions), host/api.c (cgminer API)
# link into build/host/tandem with the rest of host/*.c; the pure parts
# (host/lib/session.c, pools.c, pool_url.c) are in libtandem with their
# cmocka tests in tests/host/. Here: libssl for the tandem link, the test
# driver tests/pool/pool_driver.c (upstream + the C reference model as a
# CPU miner, a test tool), the scriptable test pool runner and the
# bench-mine benchmark.
HOST_TOOL_LIBS += $(shell $(PKG_CONFIG) --libs libssl)

POOL_DRIVER := $(BUILD)/tests/pool/pool_driver
POOL_DRIVER_SRCS := tests/pool/pool_driver.c host/pool.c host/upstream.c \
	host/api.c host/loop.c host/log.c
POOL_RUNNER := $(BUILD)/tests/pool/pool-tests

$(POOL_DRIVER): $(POOL_DRIVER_SRCS) $(wildcard host/*.h) $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Ihost $(shell $(PKG_CONFIG) --cflags jansson \
		openssl) $(POOL_DRIVER_SRCS) -o $@ $(LIBTANDEM) \
		$(shell $(PKG_CONFIG) --libs jansson libssl libcrypto) -lm

# The scenarios run against the product: build/host/tandem mine with the
# software device, then a subset with the simulated device (run.sh).
$(POOL_RUNNER): tests/pool/run.sh tests/pool/testpool.py $(TANDEM) \
		$(if $(wildcard $(SIM_DEVICE_F)),$(TANDEM_SIM))
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec tests/pool/run.sh "$$@"\n' > $@
	chmod +x $@

TEST_BINS += $(POOL_RUNNER)

.PHONY: pool-tests pool-driver-tests bench-mine
pool-tests: $(POOL_RUNNER)
	$(POOL_RUNNER)

# The same scenarios against the test driver (pool side + C model only).
pool-driver-tests: $(POOL_DRIVER)
	POOL_DRIVER=1 tests/pool/run.sh

# notify-to-device latency (simulated device) and host CPU per 1,000
# shares of `tandem mine` against the test pool.
bench: bench-mine
bench-mine: $(TANDEM) $(TANDEM_SIM)
	$(PYTHON) tests/pool/bench_mine.py

# Built with the tests (not run by check) so it keeps up with upstream.h.
test-bins: $(POOL_DRIVER)
