-- A licensed crawler with a fresh per-request signature on every request: each line of fresh.tsv is
-- path, Signature-Input and Signature of one pre-signed request; requests cycle through them.
local auth
local reqs = {}
local i = 0

function init(args)
  local f = assert(io.open("licensed-headers.txt", "r"))
  auth = f:read("*l")
  f:close()
  for line in io.lines("fresh.tsv") do
    local p, si, s = line:match("([^\t]+)\t([^\t]+)\t([^\t]+)")
    reqs[#reqs + 1] = wrk.format("GET", p, { ["Authorization"] = auth, ["Signature-Input"] = si, ["Signature"] = s })
  end
end

function request()
  i = i % #reqs + 1
  return reqs[i]
end
