/** The console in the browser: fetches /api/v1/console/*, listens to its live events, draws with cytoscape. */

import type { RolloutStatus } from '@plexus/rollout';
import cytoscape from 'cytoscape';
import type { ConsoleEdge, ConsoleGraph, ConsoleNode, EdgeTraffic } from '../src/model.ts';
import type { ProxyRow, RevisionRow } from '../src/source.ts';

interface TrafficDoc {
  windowSeconds: number;
  errorThreshold: number;
  telemetry: boolean;
  revision: string | null;
  edges: Record<string, EdgeTraffic>;
}

const API = '/api/v1/console';
const $ = <T extends HTMLElement>(sel: string) => document.querySelector(sel) as T;
const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 8) : '-');

function el(tag: string, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElement {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) e.append(c);
  return e;
}

async function getJson<T>(path: string): Promise<T> {
  const r = await fetch(path, { headers: { accept: 'application/json' } });
  if (!r.ok) throw new Error(`${path}: ${r.status}`);
  return (await r.json()) as T;
}

function ago(iso: string | null): string {
  if (!iso) return 'never';
  const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)}m ago` : `${Math.round(s / 3600)}h ago`;
}

const state = {
  graph: undefined as ConsoleGraph | undefined,
  traffic: undefined as TrafficDoc | undefined,
  selected: undefined as string | undefined,
  window: 10,
  source: undefined as EventSource | undefined,
};

// --- tabs (arrow keys move between them, as the ARIA tabs pattern has it) ---------------------------------
const tabs = ['graph', 'proxies', 'revisions', 'rollouts'];
function showTab(name: string, focus = false): void {
  for (const t of tabs) {
    const b = $<HTMLButtonElement>(`#tab-${t}`);
    const on = t === name;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    $(`#view-${t}`).hidden = !on;
    if (on && focus) b.focus();
  }
  history.replaceState(null, '', `#${name}`);
  if (name === 'proxies') void loadProxies();
  if (name === 'revisions') void loadRevisions();
  if (name === 'rollouts') void loadRollouts();
  if (name === 'graph') cy.resize();
}
for (const t of tabs) {
  const b = $<HTMLButtonElement>(`#tab-${t}`);
  b.addEventListener('click', () => showTab(t));
  b.addEventListener('keydown', (e) => {
    const i = tabs.indexOf(t);
    if (e.key === 'ArrowRight') showTab(tabs[(i + 1) % tabs.length]!, true);
    else if (e.key === 'ArrowLeft') showTab(tabs[(i + tabs.length - 1) % tabs.length]!, true);
  });
}

// --- the graph -----------------------------------------------------------------------------------------------
const COLORS = { ok: '#1b6e3a', err: '#b3261e', idle: '#6b6f76' };
const cy = cytoscape({
  container: $('#cy'),
  wheelSensitivity: 0.3,
  style: [
    {
      selector: 'node',
      style: {
        label: 'data(label)',
        'font-size': 11,
        color: '#1a1a1a',
        'text-valign': 'bottom',
        'text-margin-y': 4,
        'text-wrap': 'wrap',
        'text-max-width': '140px',
        'background-color': '#fff',
        'border-width': 2,
        'border-color': '#3c4043',
        width: 30,
        height: 30,
      },
    },
    {
      selector: 'node[kind="virtualGateway"]',
      style: { shape: 'diamond', 'border-color': '#6a1b9a', width: 36, height: 36 },
    },
    {
      selector: 'node[kind="virtualService"]',
      style: { shape: 'round-rectangle', 'border-color': '#0b57d0' },
    },
    { selector: 'node[kind="virtualRouter"]', style: { shape: 'hexagon', 'border-color': '#8a5300' } },
    { selector: 'node[kind="virtualNode"]', style: { shape: 'ellipse', 'border-color': '#1b6e3a' } },
    { selector: 'node:selected', style: { 'border-width': 4, 'background-color': '#e8f0fe' } },
    {
      selector: 'edge',
      style: {
        width: 'data(width)',
        'line-color': 'data(color)',
        'target-arrow-color': 'data(color)',
        'target-arrow-shape': 'triangle',
        'curve-style': 'bezier',
        label: 'data(label)',
        'font-size': 10,
        color: '#1a1a1a',
        'text-background-color': '#fff',
        'text-background-opacity': 0.9,
        'text-background-padding': '2px',
        'text-rotation': 'autorotate',
        'text-margin-y': -8,
      },
    },
  ],
});
cy.on('tap', 'node', (e) => select(e.target.id()));

function nodeLabel(n: ConsoleNode): string {
  const kind = {
    virtualGateway: 'gateway',
    virtualService: 'service',
    virtualRouter: 'router',
    virtualNode: 'node',
  }[n.kind];
  return `${n.name}\n(${kind})`;
}

function trafficOf(e: ConsoleEdge): EdgeTraffic | undefined {
  return state.traffic?.edges[e.id];
}

function edgeState(t: EdgeTraffic | undefined): 'idle' | 'ok' | 'error' {
  if (!t || t.requests === 0) return 'idle';
  return t.errorRate > (state.traffic?.errorThreshold ?? 0.05) ? 'error' : 'ok';
}

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

function edgeLabel(e: ConsoleEdge, t: EdgeTraffic | undefined): string {
  const parts: string[] = [];
  if (e.kind === 'route') parts.push(`${e.label} weight ${e.share}%`);
  if (t && t.requests > 0) {
    parts.push(`${t.rate.toFixed(1)} rps${t.trafficShare !== undefined ? ` (${t.trafficShare}%)` : ''}`);
    if (t.errors > 0) parts.push(`${pct(t.errorRate)} err`);
  }
  return parts.join(' · ');
}

function drawGraph(): void {
  const g = state.graph;
  if (!g) return;
  const have = new Set(cy.nodes().map((n) => n.id()));
  const want = new Set(g.nodes.map((n) => n.id));
  const sameNodes = have.size === want.size && [...want].every((id) => have.has(id));
  cy.batch(() => {
    if (!sameNodes) {
      cy.elements().remove();
      cy.add(
        g.nodes.map((n) => ({
          group: 'nodes' as const,
          data: { id: n.id, label: nodeLabel(n), kind: n.kind },
        })),
      );
    }
    cy.edges().remove();
    cy.add(
      g.edges
        .filter((e) => want.has(e.from) && want.has(e.to))
        .map((e) => ({
          group: 'edges' as const,
          data: { id: e.id, source: e.from, target: e.to, label: '', width: 2, color: COLORS.idle },
        })),
    );
  });
  if (!sameNodes) {
    const roots = g.nodes.filter((n) => n.kind === 'virtualGateway').map((n) => `#${CSS.escape(n.id)}`);
    // Left to right (breadthfirst lays out top-down): edge labels then read along the flow.
    cy.layout({
      name: 'breadthfirst',
      directed: true,
      roots: roots.length ? roots.join(',') : undefined,
      spacingFactor: 1.1,
      padding: 30,
      transform: (_n: unknown, p: { x: number; y: number }) => ({ x: p.y * 1.8, y: p.x * 0.8 }),
    } as cytoscape.LayoutOptions).run();
  }
  paintTraffic();
  drawNodeList();
}

function paintTraffic(): void {
  const g = state.graph;
  if (!g) return;
  const maxRate = Math.max(1, ...Object.values(state.traffic?.edges ?? {}).map((t) => t.rate));
  cy.batch(() => {
    for (const e of g.edges) {
      const t = trafficOf(e);
      const s = edgeState(t);
      const ce = cy.getElementById(e.id);
      if (ce.empty()) continue;
      ce.data({
        label: edgeLabel(e, t),
        color: COLORS[s === 'error' ? 'err' : s],
        width: t && t.requests > 0 ? 2 + 6 * Math.min(1, t.rate / maxRate) : 1.5,
      });
    }
  });
  drawEdgeTable();
}

function nameOf(id: string): string {
  return state.graph?.nodes.find((n) => n.id === id)?.name ?? id;
}

function drawEdgeTable(): void {
  const g = state.graph;
  const body = $('#edges tbody');
  body.replaceChildren();
  for (const e of g?.edges ?? []) {
    const t = trafficOf(e);
    const s = edgeState(t);
    const flags = Object.entries(t?.byFlag ?? {})
      .map(([f, n]) => `${f} ${n}`)
      .join(', ');
    const row = el(
      'tr',
      {
        'data-edge': e.id,
        'data-state': s,
        'data-requests': String(t?.requests ?? 0),
        'data-error-rate': String(t?.errorRate ?? 0),
        'data-traffic-share': String(t?.trafficShare ?? 0),
      },
      el('td', {}, nameOf(e.from)),
      el('td', {}, nameOf(e.to)),
      el(
        'td',
        {},
        e.kind === 'route' ? e.label : e.kind === 'gatewayRoute' ? `gateway route ${e.label}` : e.kind,
      ),
      el(
        'td',
        { 'data-share': String(e.share ?? '') },
        e.kind === 'route' ? `${e.weight} (${e.share}%)` : '',
      ),
      el(
        'td',
        {},
        t
          ? `${t.rate.toFixed(2)}${t.trafficShare !== undefined ? ` (${t.trafficShare}% of route)` : ''}`
          : '0',
      ),
      el(
        'td',
        { class: s === 'error' ? 'err bad' : 'err' },
        t && t.requests > 0 ? `${pct(t.errorRate)} (${t.errors}/${t.requests})` : '-',
      ),
      el('td', {}, flags || '-'),
      el('td', {}, t?.p99Ms != null ? `${t.p99Ms.toFixed(1)} ms` : '-'),
    );
    body.append(row);
  }
}

function drawNodeList(): void {
  const list = $('#node-list');
  list.replaceChildren();
  for (const n of state.graph?.nodes ?? []) {
    const b = el(
      'button',
      { type: 'button', 'data-node': n.id, 'aria-pressed': String(state.selected === n.id) },
      nodeLabel(n).replace('\n', ' '),
    );
    b.addEventListener('click', () => select(n.id));
    list.append(el('li', {}, b));
  }
}

async function select(id: string): Promise<void> {
  state.selected = id;
  cy.nodes().unselect();
  cy.getElementById(id).select();
  for (const b of document.querySelectorAll<HTMLButtonElement>('#node-list button'))
    b.setAttribute('aria-pressed', String(b.dataset.node === id));
  const n = state.graph?.nodes.find((x) => x.id === id);
  const details = $('#details');
  if (!n) return;
  const head = [
    el('h2', {}, `${n.name}`),
    el(
      'p',
      { class: 'muted' },
      `${n.kind} in mesh ${n.mesh}${n.fromSource ? `, from source ${n.fromSource}` : ''}, defined at ${n.source}`,
    ),
  ];
  if (!n.proxyKey) {
    details.replaceChildren(...head);
    return;
  }
  details.replaceChildren(...head, el('p', {}, 'loading…'));
  const d = await getJson<{
    sync: ProxyRow[];
    endpoints: {
      source: string;
      stale?: boolean;
      endpoints: { address: string; port: number; health: string }[];
    } | null;
    config: Record<string, unknown[]> | null;
  }>(`${API}/node?proxy=${encodeURIComponent(n.proxyKey)}`);
  const sync = d.sync.length
    ? d.sync.map((p) =>
        el(
          'p',
          {},
          `${p.connected ? 'connected' : 'disconnected'} · revision ${short(p.revision)} · ${p.synced ? 'synced' : 'not synced'} · last ACK ${ago(p.lastAckAt)}${Object.keys(p.nacked).length ? ` · NACK: ${Object.values(p.nacked)[0]!.message}` : ''}`,
        ),
      )
    : [el('p', { class: 'muted' }, 'no proxy connected for it')];
  const eps = d.endpoints
    ? el('ul', {}, ...d.endpoints.endpoints.map((e) => el('li', {}, `${e.address}:${e.port} (${e.health})`)))
    : el(
        'p',
        { class: 'muted' },
        n.kind === 'virtualNode' ? 'no endpoints reported' : 'gateways have no endpoints of their own',
      );
  const cfg = d.config
    ? el(
        'details',
        {},
        el(
          'summary',
          {},
          `Envoy config: ${Object.entries(d.config)
            .map(([k, v]) => `${v.length} ${k}`)
            .join(', ')}`,
        ),
        el('pre', {}, JSON.stringify(d.config, null, 2)),
      )
    : el('p', { class: 'muted' }, 'no config (not translated yet)');
  details.replaceChildren(
    ...head,
    el('h3', {}, 'Sync'),
    ...sync,
    el(
      'h3',
      {},
      `Endpoints${d.endpoints ? ` (discovery: ${d.endpoints.source}${d.endpoints.stale ? ', stale' : ''})` : ''}`,
    ),
    eps,
    el('h3', {}, 'Config dump'),
    cfg,
  );
}

// --- proxies and revisions -----------------------------------------------------------------------------------
async function loadProxies(): Promise<void> {
  const rows = await getJson<ProxyRow[]>(`${API}/proxies`);
  const body = $('#proxies tbody');
  body.replaceChildren(
    ...rows.map((p) => {
      const types = Object.keys(p.acked)
        .map((t) => t.split('.').at(-1))
        .join(', ');
      const nack = Object.entries(p.nacked)[0];
      return el(
        'tr',
        { 'data-proxy': p.proxyKey, 'data-synced': String(p.synced) },
        el('th', { scope: 'row' }, p.node),
        el('td', { class: p.connected ? 'ok-text' : 'err-text' }, p.connected ? 'connected' : 'disconnected'),
        el('td', {}, short(p.revision)),
        el('td', {}, types || '-'),
        el(
          'td',
          { class: nack ? 'err-text' : '' },
          nack ? `${nack[0].split('.').at(-1)} ${nack[1].version}: ${nack[1].message}` : '-',
        ),
        el('td', {}, `${p.synced ? 'yes' : 'no'}, last ACK ${ago(p.lastAckAt)}`),
      );
    }),
  );
}

async function loadRevisions(): Promise<void> {
  const rows = await getJson<RevisionRow[]>(`${API}/revisions`);
  $('#revisions').replaceChildren(
    ...rows.map((r) => {
      const who = r.author ? `${r.author}` : 'unknown author';
      const what =
        r.outcome === 'applied'
          ? `applied · ${r.changedProxies?.length ?? 0} proxies changed${r.endpointOnlyProxies?.length ? `, ${r.endpointOnlyProxies.length} endpoints only` : ''}${r.convergedMs !== undefined ? ` · all ACKed in ${r.convergedMs} ms` : ' · waiting for ACKs'}`
          : r.outcome === 'refused'
            ? `refused at ${r.error?.stage}`
            : 'pending';
      const li = el(
        'li',
        { class: r.outcome, 'data-revision': r.revision, 'data-outcome': r.outcome },
        el('strong', {}, el('code', {}, short(r.sourceRevision ?? r.revision))),
        r.source ? el('span', { class: 'muted', 'data-source': r.source }, ` ${r.source}`) : '',
        ` ${r.subject ?? ''} `,
        el('span', { class: 'muted' }, `— ${who}, ${ago(r.seenAt)}`),
        el('div', {}, what),
      );
      if (r.changedProxies?.length)
        li.append(
          el(
            'details',
            {},
            el('summary', {}, 'proxies changed'),
            el('ul', {}, ...r.changedProxies.map((p) => el('li', {}, p))),
          ),
        );
      if (r.error) li.append(el('pre', {}, r.error.errors.join('\n')));
      return li;
    }),
  );
}

async function loadRollouts(): Promise<void> {
  const rows = await getJson<RolloutStatus[]>(`${API}/rollouts`);
  const rate = (w: { requests: number; errorRate: number } | undefined) =>
    w && w.requests > 0 ? `${(w.errorRate * 100).toFixed(1)}% of ${w.requests}` : '-';
  $('#rollouts tbody').replaceChildren(
    ...rows.map((r) =>
      el(
        'tr',
        { 'data-rollout': `${r.mesh}/${r.name}`, 'data-phase': r.phase },
        el('th', { scope: 'row' }, `${r.mesh}/${r.name}`),
        el('td', {}, r.route),
        el(
          'td',
          {
            class:
              r.phase === 'rolled-back' || r.phase === 'blocked'
                ? 'err-text'
                : r.phase === 'promoted'
                  ? 'ok-text'
                  : '',
          },
          r.phase,
        ),
        el('td', {}, `${r.step}/${r.steps}`),
        el('td', {}, `${r.canary} ${r.canaryWeight}%`),
        el('td', {}, rate(r.gate?.canary)),
        el('td', {}, r.gate?.canary.p99Ms != null ? `${Math.round(r.gate.canary.p99Ms)} ms` : '-'),
        el('td', {}, rate(r.gate?.stable)),
        el('td', {}, r.commits.map((c) => `${short(c.commit)} ${c.phase}`).join(', ') || '-'),
      ),
    ),
  );
  $('#rollout-messages').replaceChildren(
    ...rows.map((r) =>
      el('li', { class: r.phase }, el('strong', {}, `${r.mesh}/${r.name}: `), r.error ?? r.message),
    ),
  );
}

// --- live updates --------------------------------------------------------------------------------------------
async function loadGraph(): Promise<void> {
  try {
    state.graph = await getJson<ConsoleGraph>(`${API}/graph`);
    $('#revision').textContent = `revision ${short(state.graph.revision)}`;
    drawGraph();
  } catch {
    $('#revision').textContent = 'no revision applied yet';
  }
}

function connect(): void {
  state.source?.close();
  const es = new EventSource(`${API}/events?window=${state.window}`);
  state.source = es;
  const live = $('#live');
  es.addEventListener('open', () => {
    live.textContent = 'live';
    live.className = 'pill live';
  });
  es.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'pill down';
  });
  es.addEventListener('traffic', (ev) => {
    state.traffic = JSON.parse((ev as MessageEvent).data) as TrafficDoc;
    $('#threshold').textContent = String(Math.round(state.traffic.errorThreshold * 100));
    if (state.traffic.revision && state.traffic.revision !== state.graph?.revision) void loadGraph();
    else paintTraffic();
    if (!$('#view-rollouts').hidden) void loadRollouts();
    document.body.dataset.trafficAt = String(Date.now());
  });
  es.addEventListener('graph', () => void loadGraph());
  es.addEventListener('revisions', () => {
    if (!$('#view-revisions').hidden) void loadRevisions();
  });
  es.addEventListener('proxies', () => {
    if (!$('#view-proxies').hidden) void loadProxies();
  });
}

$<HTMLSelectElement>('#window').addEventListener('change', (e) => {
  state.window = Number((e.target as HTMLSelectElement).value);
  connect();
});
setInterval(() => {
  if (!$('#view-proxies').hidden) void loadProxies();
}, 5000);

void loadGraph().then(() => {
  connect();
  const hash = location.hash.slice(1);
  if (tabs.includes(hash)) showTab(hash);
});
