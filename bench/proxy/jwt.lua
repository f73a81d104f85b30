-- HAProxy jwt_verify: a bearer ES256 JWT read from jwt.txt.
local f = assert(io.open("jwt.txt", "r"))
wrk.headers["Authorization"] = "Bearer " .. f:read("*l")
f:close()
