// Baud-rate arithmetic shared by link_uart_rx and link_uart_tx (included
// inside each module). The bit timer is a phase accumulator stepping by
// BAUD / g modulo CLK_HZ / g, g = gcd(CLK_HZ, BAUD), so it stays small
// (e.g. 3/100 at 100 MHz, 1/16 at 48 MHz) and has no drift.
function integer link_gcd;
	input integer a;
	input integer b;
	integer x, y, t;
	begin
		x = a;
		y = b;
		while (y != 0) begin
			t = x % y;
			x = y;
			y = t;
		end
		link_gcd = x;
	end
endfunction
