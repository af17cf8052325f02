/* Functions shared between the RP2040 port's files. */
#ifndef TANDEM_RP2040_PORT_H
#define TANDEM_RP2040_PORT_H

#include <stdint.h>

void rp2040_pin_func(unsigned pin, unsigned func, uint32_t pad);
void rp2040_uart_init(void);
void rp2040_uart_irq(void);

#endif /* TANDEM_RP2040_PORT_H */
