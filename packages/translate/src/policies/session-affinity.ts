/**
 * Session stickiness on weighted routes. Envoy picks a weighted cluster from a random value it can read from a
 * header (weighted_clusters.header_name); a small Lua filter puts a hash of the session cookie (set on the first
 * response when missing) or of a chosen header there, so one client keeps one target. Within the target the same
 * key feeds the route's hash policy.
 */
import type { SessionAffinity } from '@plexus/spec';
import type { Ctx } from '../context.ts';
import type { Json } from '../types.ts';
import { envoyDuration, FILTER, POLICY_TYPE } from './envoy-types.ts';
import { type HcmSite, insertFilter } from './targets.ts';

export const AFFINITY_HEADER = 'x-plexus-affinity';
const LUA_NAME = `${FILTER.lua}.affinity`;

// Reads the route's affinity settings from route metadata (filter_metadata under this filter's name).
const SCRIPT = `
local function key_of(h, md)
  local header = md:get("header")
  if header then return h:headers():get(header), nil end
  local name = md:get("cookie")
  if not name then return nil, nil end
  local cookies = h:headers():get("cookie")
  if cookies then
    for part in string.gmatch(cookies, "[^;]+") do
      local k, v = string.match(part, "^%s*([^=]+)=(.*)$")
      if k == name then return v, nil end
    end
  end
  local v = string.format("%08x%08x", math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  local attrs = md:get("attributes") or ""
  return v, name .. "=" .. v .. attrs
end

function envoy_on_request(h)
  local md = h:metadata()
  if not md then return end
  local key, set_cookie = key_of(h, md)
  if not key then return end
  local hash = 5381
  for i = 1, #key do hash = (hash * 33 + string.byte(key, i)) % 4294967296 end
  h:headers():replace("${AFFINITY_HEADER}", tostring(hash))
  if set_cookie then h:streamInfo():dynamicMetadata():set("${LUA_NAME}", "set_cookie", set_cookie) end
  h:clearRouteCache()
end

function envoy_on_response(h)
  local md = h:streamInfo():dynamicMetadata():get("${LUA_NAME}")
  if md and md["set_cookie"] then h:headers():add("set-cookie", md["set_cookie"]) end
end
`;

function routeMetadata(a: SessionAffinity): Json {
  if (a.header) return { header: a.header.name.toLowerCase() };
  const c = a.cookie!;
  let attrs = `; Path=${c.path ?? '/'}`;
  if (c.ttl) attrs += `; Max-Age=${Math.round(Number(envoyDuration(c.ttl).slice(0, -1)))}`;
  return { cookie: c.name, attributes: attrs };
}

export function applySessionAffinity(_ctx: Ctx, site: HcmSite): void {
  let used = false;
  for (const r of site.routes) {
    const a = r.policies?.traffic?.spec?.sessionAffinity;
    const action = r.entry.route as Json | undefined;
    if (!a || !action) continue;
    const md = (r.entry.metadata as Json | undefined) ?? { filter_metadata: {} };
    (md.filter_metadata as Json)[LUA_NAME] = routeMetadata(a);
    r.entry.metadata = md;
    const weighted = action.weighted_clusters as Json | undefined;
    if (weighted) weighted.header_name = AFFINITY_HEADER;
    action.hash_policy = [{ header: { header_name: AFFINITY_HEADER } }];
    used = true;
  }
  if (!used) return;
  insertFilter(site.hcm, {
    name: LUA_NAME,
    typed_config: { '@type': POLICY_TYPE.lua, default_source_code: { inline_string: SCRIPT } },
  });
}
