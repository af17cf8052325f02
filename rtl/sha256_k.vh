// SHA-256 constants and bit functions (FIPS 180-4), the one copy every
// sha256_* / hash_* module includes inside its module body.
//   sha256_k(i)   round constant K[i] (section 4.2.2); 0 for i >= 64, which the
//                 stages use to stop adding K after the last round
//   sha256_iv(i)  initial hash value H(0)[i] (section 5.3.3)
//   bsig0/bsig1/ssig0/ssig1/ch/maj  the functions of section 4.1.2
// Words are 32-bit big-endian numbers as FIPS 180-4 writes them.

function automatic [31:0] sha256_k;
	input [6:0] idx;
	begin
		case (idx)
		7'd0: sha256_k = 32'h428a2f98;
		7'd1: sha256_k = 32'h71374491;
		7'd2: sha256_k = 32'hb5c0fbcf;
		7'd3: sha256_k = 32'he9b5dba5;
		7'd4: sha256_k = 32'h3956c25b;
		7'd5: sha256_k = 32'h59f111f1;
		7'd6: sha256_k = 32'h923f82a4;
		7'd7: sha256_k = 32'hab1c5ed5;
		7'd8: sha256_k = 32'hd807aa98;
		7'd9: sha256_k = 32'h12835b01;
		7'd10: sha256_k = 32'h243185be;
		7'd11: sha256_k = 32'h550c7dc3;
		7'd12: sha256_k = 32'h72be5d74;
		7'd13: sha256_k = 32'h80deb1fe;
		7'd14: sha256_k = 32'h9bdc06a7;
		7'd15: sha256_k = 32'hc19bf174;
		7'd16: sha256_k = 32'he49b69c1;
		7'd17: sha256_k = 32'hefbe4786;
		7'd18: sha256_k = 32'h0fc19dc6;
		7'd19: sha256_k = 32'h240ca1cc;
		7'd20: sha256_k = 32'h2de92c6f;
		7'd21: sha256_k = 32'h4a7484aa;
		7'd22: sha256_k = 32'h5cb0a9dc;
		7'd23: sha256_k = 32'h76f988da;
		7'd24: sha256_k = 32'h983e5152;
		7'd25: sha256_k = 32'ha831c66d;
		7'd26: sha256_k = 32'hb00327c8;
		7'd27: sha256_k = 32'hbf597fc7;
		7'd28: sha256_k = 32'hc6e00bf3;
		7'd29: sha256_k = 32'hd5a79147;
		7'd30: sha256_k = 32'h06ca6351;
		7'd31: sha256_k = 32'h14292967;
		7'd32: sha256_k = 32'h27b70a85;
		7'd33: sha256_k = 32'h2e1b2138;
		7'd34: sha256_k = 32'h4d2c6dfc;
		7'd35: sha256_k = 32'h53380d13;
		7'd36: sha256_k = 32'h650a7354;
		7'd37: sha256_k = 32'h766a0abb;
		7'd38: sha256_k = 32'h81c2c92e;
		7'd39: sha256_k = 32'h92722c85;
		7'd40: sha256_k = 32'ha2bfe8a1;
		7'd41: sha256_k = 32'ha81a664b;
		7'd42: sha256_k = 32'hc24b8b70;
		7'd43: sha256_k = 32'hc76c51a3;
		7'd44: sha256_k = 32'hd192e819;
		7'd45: sha256_k = 32'hd6990624;
		7'd46: sha256_k = 32'hf40e3585;
		7'd47: sha256_k = 32'h106aa070;
		7'd48: sha256_k = 32'h19a4c116;
		7'd49: sha256_k = 32'h1e376c08;
		7'd50: sha256_k = 32'h2748774c;
		7'd51: sha256_k = 32'h34b0bcb5;
		7'd52: sha256_k = 32'h391c0cb3;
		7'd53: sha256_k = 32'h4ed8aa4a;
		7'd54: sha256_k = 32'h5b9cca4f;
		7'd55: sha256_k = 32'h682e6ff3;
		7'd56: sha256_k = 32'h748f82ee;
		7'd57: sha256_k = 32'h78a5636f;
		7'd58: sha256_k = 32'h84c87814;
		7'd59: sha256_k = 32'h8cc70208;
		7'd60: sha256_k = 32'h90befffa;
		7'd61: sha256_k = 32'ha4506ceb;
		7'd62: sha256_k = 32'hbef9a3f7;
		7'd63: sha256_k = 32'hc67178f2;
		default: sha256_k = 32'h00000000;
		endcase
	end
endfunction

function automatic [31:0] sha256_iv;
	input [2:0] idx;
	begin
		case (idx)
		3'd0: sha256_iv = 32'h6a09e667;
		3'd1: sha256_iv = 32'hbb67ae85;
		3'd2: sha256_iv = 32'h3c6ef372;
		3'd3: sha256_iv = 32'ha54ff53a;
		3'd4: sha256_iv = 32'h510e527f;
		3'd5: sha256_iv = 32'h9b05688c;
		3'd6: sha256_iv = 32'h1f83d9ab;
		3'd7: sha256_iv = 32'h5be0cd19;
		default: sha256_iv = 32'h00000000;
		endcase
	end
endfunction

// ROTR2 ^ ROTR13 ^ ROTR22
function automatic [31:0] bsig0;
	input [31:0] x;
	bsig0 = {x[1:0], x[31:2]} ^ {x[12:0], x[31:13]} ^ {x[21:0], x[31:22]};
endfunction

// ROTR6 ^ ROTR11 ^ ROTR25
function automatic [31:0] bsig1;
	input [31:0] x;
	bsig1 = {x[5:0], x[31:6]} ^ {x[10:0], x[31:11]} ^ {x[24:0], x[31:25]};
endfunction

// ROTR7 ^ ROTR18 ^ SHR3
function automatic [31:0] ssig0;
	input [31:0] x;
	ssig0 = {x[6:0], x[31:7]} ^ {x[17:0], x[31:18]} ^ {3'b000, x[31:3]};
endfunction

// ROTR17 ^ ROTR19 ^ SHR10
function automatic [31:0] ssig1;
	input [31:0] x;
	ssig1 = {x[16:0], x[31:17]} ^ {x[18:0], x[31:19]} ^ {10'b0, x[31:10]};
endfunction

function automatic [31:0] sha256_ch;
	input [31:0] x, y, z;
	sha256_ch = (x & y) ^ (~x & z);
endfunction

function automatic [31:0] sha256_maj;
	input [31:0] x, y, z;
	sha256_maj = (x & y) ^ (x & z) ^ (y & z);
endfunction
