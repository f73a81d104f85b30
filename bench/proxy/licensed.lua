-- A licensed crawler reusing one Web Bot Auth signature, as crawlers do: the headers are read from
-- licensed-headers.txt (Authorization, Signature-Input, Signature; one per line) in the working directory.
local f = assert(io.open("licensed-headers.txt", "r"))
wrk.headers["Authorization"] = f:read("*l")
wrk.headers["Signature-Input"] = f:read("*l")
wrk.headers["Signature"] = f:read("*l")
f:close()
wrk.method = "GET"
