/* The few <string.h> functions the firmware uses (no C library is linked;
 * lib/mem.c implements them). */
#ifndef TANDEM_FW_STRING_H
#define TANDEM_FW_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);

#endif /* TANDEM_FW_STRING_H */
