# The pool side of `tandem mine`: host/pool.c (TCP/TLS connection),
# host/upstream.c (failover list of sessions), host/api.c (cgminer API)
# link into build/host/tandem with the rest of host/*.c; the pure parts
# (host/lib/session.c, pools.c, pool_url.c) are in libtandem with their
# cmocka tests in tests/host/. Here: libssl for the tandem link, the test
# driver tests/pool/pool_driver.c (upstream + the C reference model as a
# CPU miner, a test tool) and the scriptable test pool runner.
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

$(POOL_RUNNER): tests/pool/run.sh tests/pool/testpool.py $(POOL_DRIVER)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec tests/pool/run.sh "$$@"\n' > $@
	chmod +x $@

TEST_BINS += $(POOL_RUNNER)

.PHONY: pool-tests
pool-tests: $(POOL_RUNNER)
	$(POOL_RUNNER)
