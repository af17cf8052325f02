// Bit-width helper, the one copy every module that sizes vectors from a
// parameter includes inside its module body (after its port list; the
// constant function may still be called from parameter defaults and
// port widths above the include, as Verilog allows).
//   clog2(v)  ceil(log2(v)) with a floor of 1: bits to count 0..v-1,
//             never a zero-width vector. clog2(1) = clog2(2) = 1,
//             clog2(3) = clog2(4) = 2, clog2(5) = 3; v >= 1.
// Unlike the system function $clog2, clog2(1) is 1, not 0: a one-entry
// table or a pipeline's single pass still gets a one-bit index (for
// v >= 2 the two agree).

function integer clog2;
	input integer v;
	integer n;
	begin
		n = 1;
		while ((1 << n) < v)
			n = n + 1;
		clog2 = n;
	end
endfunction
