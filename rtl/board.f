// Portable RTL of the board builds (paths from the repository root): the
// whole device, the UART link and the board helpers. Each board adds its
// own rtl/board_<name>_top.v (TOP in constraints/<name>.mk).
-f rtl/device.f
-f rtl/link.f
rtl/board_reset_sync.v
rtl/board_led_stretch.v
rtl/board_uart_device.v
