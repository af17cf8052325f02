/* RP2040 start-up: the vector table (placed at 0x10000100, right after
 * boot2) and the reset handler that sets up RAM and calls main(). */
#include <stdint.h>
#include <string.h>

#include "regs.h"
#include "rp2040_port.h"

extern uint32_t __stack_top[];
extern uint32_t __data_start[], __data_end[], __data_load[];
extern uint32_t __bss_start[], __bss_end[];
extern uint32_t __vectors_start[];

int main(void);
void reset_handler(void);

static void fault_handler(void)
{
	/* Nothing to report to: hang, and the watchdog resets the chip. */
	for (;;)
		;
}

static void uart0_handler(void)
{
	rp2040_uart_irq();
}

void reset_handler(void)
{
	/* boot2 sets VTOR when it enters from the bootrom; set it again for
	 * entries that skip boot2 (a debugger, the emulator test). */
	REG(SCB_VTOR) = (uint32_t)(uintptr_t)__vectors_start;
	memcpy(__data_start, __data_load,
	       (size_t)((uintptr_t)__data_end - (uintptr_t)__data_start));
	memset(__bss_start, 0,
	       (size_t)((uintptr_t)__bss_end - (uintptr_t)__bss_start));
	main();
	for (;;)
		;
}

typedef void (*vector_fn)(void);

/* 16 Cortex-M0+ exceptions, then the RP2040's 26 interrupts (datasheet
 * 2.3.2); all unused ones fault. */
__attribute__((section(".vectors"),
               used)) static const vector_fn vectors[16 + 32] = {
        [0] = (vector_fn)(uintptr_t)__stack_top,
        [1] = reset_handler,
        [2] = fault_handler,  /* NMI */
        [3] = fault_handler,  /* HardFault */
        [11] = fault_handler, /* SVCall */
        [14] = fault_handler, /* PendSV */
        [15] = fault_handler, /* SysTick */
        [16 + UART0_IRQ] = uart0_handler,
};
