import type { Plan, ProxyPlan } from './plan.ts';

export type PlanFormat = 'text' | 'markdown' | 'json';

function counts(p: ProxyPlan): string {
  const n = (c: string) => p.resources.filter((r) => r.change === c).length;
  return `${n('added')} added, ${n('removed')} removed, ${n('changed')} changed`;
}

function summary(plan: Plan, from: string, to: string): string {
  if (plan.errors.length > 0)
    return `${to} is invalid (${plan.errors.length} error(s)): nothing would be applied`;
  const changed = plan.proxies.length;
  return `${from} → ${to}: ${changed} prox${changed === 1 ? 'y' : 'ies'} change, ${plan.unaffected} unaffected`;
}

function text(plan: Plan, from: string, to: string): string {
  const out = [summary(plan, from, to)];
  for (const e of plan.errors) out.push(`  ${e}`);
  for (const p of plan.proxies) {
    out.push('', `${p.proxy} (${p.status}): ${p.error ? `cannot translate: ${p.error}` : counts(p)}`);
    if (!p.error && p.resources.length === 0) out.push('  inputs changed, Envoy config identical');
    for (const r of p.resources) {
      out.push(`  ${r.change} ${r.type.replace(/s$/, '')} ${r.name}`);
      for (const line of r.diff.split('\n')) out.push(`    ${line}`);
    }
  }
  return `${out.join('\n')}\n`;
}

function markdown(plan: Plan, from: string, to: string): string {
  const out = ['### Plexus plan', '', `**${summary(plan, from, to)}**`];
  if (plan.errors.length > 0) {
    out.push('', '```', ...plan.errors, '```');
    return `${out.join('\n')}\n`;
  }
  if (plan.proxies.length > 0) {
    out.push('', '| proxy | change | Envoy resources |', '|---|---|---|');
    for (const p of plan.proxies)
      out.push(`| \`${p.proxy}\` | ${p.status} | ${p.error ? `cannot translate: ${p.error}` : counts(p)} |`);
  }
  for (const p of plan.proxies) {
    if (p.resources.length === 0) continue;
    out.push('', `<details><summary><code>${p.proxy}</code>: ${counts(p)}</summary>`, '');
    for (const r of p.resources) {
      out.push(`${r.change} ${r.type.replace(/s$/, '')} \`${r.name}\``, '', '```diff');
      out.push(...r.diff.split('\n').map((l) => (l === '@@' ? '@@' : `${l[0]}${l.slice(2)}`)));
      out.push('```', '');
    }
    out.push('</details>');
  }
  return `${out.join('\n')}\n`;
}

/** The plan as text (terminal), markdown (a pull-request comment) or JSON. */
export function renderPlan(plan: Plan, format: PlanFormat, from: string, to: string): string {
  if (format === 'json') return `${JSON.stringify({ from, to, ...plan }, null, 2)}\n`;
  return format === 'markdown' ? markdown(plan, from, to) : text(plan, from, to);
}
