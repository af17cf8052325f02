# Host library (libtandem: the C reference model and the protocol codec)
# and its unit tests. Every host/lib/*.c is part of the library; every
# tests/host/test_*.c is one cmocka test program.
LIB_SRCS  := $(wildcard host/lib/*.c)
LIB_OBJS  := $(patsubst %.c,$(BUILD)/%.o,$(LIB_SRCS))
LIBTANDEM := $(BUILD)/host/libtandem.a

HOST_TEST_SRCS := $(wildcard tests/host/test_*.c)
HOST_TEST_BINS := $(patsubst %.c,$(BUILD)/%,$(HOST_TEST_SRCS))
TEST_BINS += $(HOST_TEST_BINS)

.PHONY: lib
lib: $(LIBTANDEM)

$(BUILD)/host/lib/%.o: host/lib/%.c $(wildcard include/*.h host/lib/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) $(PC_CFLAGS) -c $< -o $@

$(LIBTANDEM): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/host/%: tests/host/%.c $(wildcard tests/host/*.h) $(LIBTANDEM)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -Itests/host $(PC_CFLAGS) $< \
		$(filter-out $(wildcard tests/host/test_*.c),$(wildcard tests/host/*.c)) \
		-o $@ $(LIBTANDEM) $(PC_LIBS) -lm

C_SOURCES = $(wildcard include/*.h host/*/*.c host/*/*.h host/*.c host/*.h \
	tests/host/*.c tests/host/*.h tests/fuzz/*.c sim/*.cpp sim/*.h)

.PHONY: lint-c
lint-c:
	clang-format --dry-run --Werror $(filter %.c %.h,$(C_SOURCES))
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr --std=c11 -Iinclude -Ihost/lib \
		$(filter %.c,$(C_SOURCES))
