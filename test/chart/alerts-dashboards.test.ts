import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createHostMetrics } from '@zen-watcher/core';
import { CHART, KNOWN_METRICS, chartValues, listFiles, metricNames, readText, readYaml, type JsonObject } from './chart-files.ts';
import { only, renderChart } from './helm-chart.ts';

it('KNOWN_METRICS is what the host registers', async () => {
  const registered = (await createHostMetrics({ defaultMetrics: false }).registry.getMetricsAsJSON()).map((m) => m.name);
  expect([...registered].sort()).toEqual([...KNOWN_METRICS].sort());
});

interface Rule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const RULES_FILE = join(CHART, 'files/prometheus-rules.yaml');
const rulesText = readText(RULES_FILE);
const group = readYaml<{ name: string; rules: Rule[] }>(RULES_FILE);
const DASHBOARDS = join(CHART, 'dashboards');

/** The rules of the PrometheusRule a real `helm template` renders from these values. */
function renderRules(prometheusRule: JsonObject = {}): Rule[] {
  const rule = only(renderChart({ values: { prometheusRule: { enabled: true, ...prometheusRule } } }), 'PrometheusRule');
  return ((rule.spec as JsonObject).groups as unknown as { rules: Rule[] }[]).flatMap((g) => g.rules);
}
const renderedRules = renderRules();
const rendered = (name: string): Rule => renderedRules.find((r) => r.alert === name)!;

function balanced(expr: string): boolean {
  const stack: string[] = [];
  const pairs: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
  for (const ch of expr.replace(/"(?:[^"\\]|\\.)*"/g, '""')) {
    if ('([{'.includes(ch)) stack.push(ch);
    else if (ch in pairs && stack.pop() !== pairs[ch]) return false;
  }
  return stack.length === 0;
}

const byName = (name: string): Rule => {
  const r = group.rules.find((x) => x.alert === name);
  if (!r) throw new Error(`no alert ${name}`);
  return r;
};

describe('files/prometheus-rules.yaml', () => {
  it('is one group of uniquely named, documented alerts', () => {
    expect(group.name).toBe('zen-watcher');
    const names = group.rules.map((r) => r.alert);
    expect(new Set(names).size).toBe(names.length);
    for (const r of group.rules) {
      expect(r.alert).toMatch(/^ZenWatcher[A-Z]\w+$/);
      expect(r.for, r.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning', 'info'], r.alert).toContain(r.labels.severity);
      expect(r.annotations.summary.length, r.alert).toBeGreaterThan(10);
      expect(r.annotations.description.length, r.alert).toBeGreaterThan(20);
    }
  });

  it.each(group.rules.map((r) => [r.alert, r] as const))('%s scopes every series to the release and is well formed', (_name, rule) => {
    const series = [...rule.expr.matchAll(/\b(zen_?watcher_\w+)(\{[^}]*\})?/g)];
    expect(series.length).toBeGreaterThan(0);
    for (const s of series) expect(s[2] ?? '', `${s[1]} in ${rule.alert}`).toContain('${selector}');
    const expr = rendered(rule.alert).expr;
    for (const s of expr.matchAll(/\b(zen_?watcher_\w+)(\{[^}]*\})?/g)) expect(s[2] ?? '', `${s[1]} in ${rule.alert}`).toContain('namespace="zen-system"');
    expect(balanced(expr), expr).toBe(true);
  });

  it('uses only metrics the host registers', () => {
    expect(metricNames(rulesText).filter((m) => !(KNOWN_METRICS as readonly string[]).includes(m))).toEqual([]);
  });

  it('fills every ${placeholder} from its prometheusRule value, in expressions and annotations', () => {
    // Values no default has, so each must show up where its placeholder was.
    const values = { selector: 'job="zw-test"', stalenessSeconds: 301, leaderFlapRate: 0.123, failoverP95Seconds: 21, ingestionDropBelowRate: 0.011, ingestionActiveRate: 0.22, queueSaturationRatio: 0.77, watchRestartsPer15m: 7, webhookErrorRatio: 0.06 };
    const rules = renderRules(values);
    expect(JSON.stringify(rules)).not.toMatch(/\$\{|undefined|<nil>/);
    for (const rule of group.rules) {
      const out = rules.find((r) => r.alert === rule.alert)!;
      for (const [, name] of `${rule.expr}${rule.annotations.description}`.matchAll(/\$\{(\w+)\}/g)) {
        expect(`${out.expr}${out.annotations.description}`, `${rule.alert}: \${${name}}`).toContain(String(values[name as keyof typeof values]));
      }
    }
    const defaults = chartValues().prometheusRule as JsonObject;
    expect(rendered('ZenWatcherSourceStale').expr).toContain(`> ${String(defaults.stalenessSeconds)}`);
  });

  it('labels every alert with the release namespace and the additional labels, and leaves out the disabled', () => {
    const rules = renderRules({ additionalLabels: { team: 'security' }, disabled: ['ZenWatcherIngestionDropped'], additionalRules: [{ alert: 'ZenWatcherDown', expr: 'absent(up)', labels: { severity: 'critical' } }] });
    expect(rules.map((r) => r.alert)).toEqual([...group.rules.map((r) => r.alert).filter((a) => a !== 'ZenWatcherIngestionDropped'), 'ZenWatcherDown']);
    for (const r of rules.slice(0, -1)) expect(r.labels, r.alert).toEqual({ namespace: 'zen-system', team: 'security', severity: group.rules.find((g) => g.alert === r.alert)!.labels.severity });
  });

  it('has the guide\'s alerts with its thresholds as defaults', () => {
    const v = chartValues().prometheusRule as JsonObject;
    expect(byName('ZenWatcherSourceStale').expr).toMatch(/time\(\) - .*zenwatcher_source_watch_last_event_timestamp_seconds.*> \$\{stalenessSeconds\}/);
    expect(v.stalenessSeconds).toBe(300);
    expect(byName('ZenWatcherLeaderFlapping').expr).toMatch(/rate\(zenwatcher_leader_election_transitions_total\{\$\{selector\}\}\[5m\]\)\) > \$\{leaderFlapRate\}/);
    expect(v.leaderFlapRate).toBe(0.1);
    expect(byName('ZenWatcherSlowFailover').expr).toContain('histogram_quantile(0.95, sum by (le) (rate(zenwatcher_failover_duration_seconds_bucket{${selector}}[10m]))) > ${failoverP95Seconds}');
    expect(v.failoverP95Seconds).toBe(20);
    expect(byName('ZenWatcherNoLeader')).toMatchObject({ for: '1m', labels: { severity: 'critical' } });
    expect(byName('ZenWatcherNoLeader').expr).toMatch(/max\(zenwatcher_is_leader\{\$\{selector\}\}\).*== 0/);
    expect(byName('ZenWatcherIngestionDropped').expr).toMatch(/zen_watcher_observations_created_total[\s\S]*< \$\{ingestionDropBelowRate\}[\s\S]*offset 1h[\s\S]*>= \$\{ingestionActiveRate\}/);
    expect(byName('ZenWatcherWritesFailing').expr).toMatch(/rate\(zen_watcher_write_errors_total\{\$\{selector\}\}\[5m\]\)\) > 0/);
    expect(byName('ZenWatcherWriteQueueSaturated').expr).toMatch(/zen_watcher_write_queue_depth\{\$\{selector\}\} \/ zen_watcher_write_queue_capacity\{\$\{selector\}\}\) > \$\{queueSaturationRatio\}/);
    expect(v.queueSaturationRatio).toBe(0.8);
    expect(byName('ZenWatcherEventsDropped').expr).toContain('zen_watcher_events_dropped_total');
  });

  it('lets the critical shard examples tighten staleness (to 90 s: bookmarks come about once a minute)', () => {
    for (const f of ['shard-prod-critical.yaml', 'critical-dedicated.yaml']) {
      const v = readYaml<{ prometheusRule: JsonObject }>(join(CHART, '../../examples/values', f));
      expect(v.prometheusRule, f).toMatchObject({ enabled: true, stalenessSeconds: 90 });
    }
  });
});

interface Panel {
  id: number;
  type: string;
  title: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource?: { type: string; uid: string };
  targets?: { expr: string; refId: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  tags: string[];
  panels: Panel[];
  templating: { list: { name: string; type: string; query: unknown }[] };
}

const dashboardFiles = listFiles(DASHBOARDS, '.json');
const dashboard = (f: string): Dashboard => JSON.parse(readText(join(DASHBOARDS, f))) as Dashboard;

describe('Grafana dashboards', () => {
  it('are the operations and overview dashboards of the guide', () => {
    expect(dashboardFiles).toEqual(['zen-watcher-dashboard.json', 'zen-watcher-operations.json']);
    const uids = dashboardFiles.map((f) => dashboard(f).uid);
    expect(new Set(uids).size).toBe(uids.length);
  });

  it.each(dashboardFiles)('%s uses the ${datasource} variable, modern schema and a sound layout', (f) => {
    const d = dashboard(f);
    expect(d.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(d.tags).toContain('zen-watcher');
    expect(d.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const ids = new Set<number>();
    const cells = new Set<string>();
    for (const p of d.panels) {
      expect(ids.has(p.id), `duplicate panel id ${p.id}`).toBe(false);
      ids.add(p.id);
      expect(p.gridPos.x + p.gridPos.w, p.title).toBeLessThanOrEqual(24);
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`), `${p.title} overlaps another panel`).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
      if (p.type === 'row') continue;
      expect(p.datasource?.uid, p.title).toBe('${datasource}');
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets ?? []) {
        expect(t.datasource?.uid ?? '${datasource}').toBe('${datasource}');
        expect(balanced(t.expr), `${p.title}: ${t.expr}`).toBe(true);
        expect(metricNames(t.expr).length, `${p.title}: ${t.expr}`).toBeGreaterThan(0);
      }
    }
  });

  it.each(dashboardFiles)('%s uses only metrics the host registers', (f) => {
    expect(metricNames(readText(join(DASHBOARDS, f))).filter((m) => !(KNOWN_METRICS as readonly string[]).includes(m))).toEqual([]);
  });

  it('operations has the guide\'s panels: leader transitions, who leads, per-source staleness, failover p95, watch restarts', () => {
    const titles = dashboard('zen-watcher-operations.json').panels.map((p) => p.title);
    expect(titles).toEqual(expect.arrayContaining(['Leader transitions over time', 'Leader', 'Per-source staleness', 'Failover duration p95', 'Watch restarts']));
  });

  it('overview covers observations by source and severity, filtering, dedup, merges, webhook latency and errors, queue and drops', () => {
    const d = dashboard('zen-watcher-dashboard.json');
    const exprs = d.panels.flatMap((p) => p.targets ?? []).map((t) => t.expr).join('\n');
    for (const m of [
      'zen_watcher_observations_created_total',
      'zen_watcher_observations_filtered_total',
      'zen_watcher_observations_deduped_total',
      'zen_watcher_observations_merged_total',
      'zen_watcher_webhook_request_duration_seconds_bucket',
      'zen_watcher_webhook_requests_total',
      'zen_watcher_write_queue_depth',
      'zen_watcher_events_dropped_total',
    ]) {
      expect(exprs, m).toContain(m);
    }
    expect(exprs).toMatch(/sum by \(source\) \(rate\(zen_watcher_observations_created_total/);
    expect(exprs).toMatch(/sum by \(severity\) \(rate\(zen_watcher_observations_created_total/);
    expect(exprs).toContain('histogram_quantile(0.50');
    expect(exprs).toContain('histogram_quantile(0.99');
  });
});
