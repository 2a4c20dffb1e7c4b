/**
 * The alerts under Prometheus's own rule engine. The PrometheusRule that a real `helm template`
 * renders is unpacked into a plain rule file; `promtool check rules` parses it (PromQL, durations,
 * templates; unknown fields fail), and `promtool test rules` runs alerts.test.yaml against it:
 * each alert firing on synthetic series that should fire it, with the labels and annotations an
 * operator gets, and silent on series that should not.
 *
 * promtool comes from test/tools/promtool.ts: a promtool on PATH, else Debian's prometheus
 * package unpacked without root (scripts/fetch-promtool.sh). Where there is neither (no apt: not
 * Debian), these tests skip with a warning saying so, because the README promises `npm test` on
 * any machine with Node and npm; CI sets ZW_REQUIRE_PROMTOOL=1, which turns that skip into a
 * failure, so the alerts are always tested there.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { findPromtool, promtoolRequired } from '../tools/promtool.ts';
import { CHART, REPO, readYaml, type JsonObject } from './chart-files.ts';
import { only, renderChart } from './helm-chart.ts';

const TESTS = join(REPO, 'test/chart/alerts.test.yaml');
const RULES_FILE = 'zen-watcher-rules.yaml';

interface AlertTest {
  alertname: string;
  eval_time: string;
  exp_alerts: { exp_labels: Record<string, string>; exp_annotations: Record<string, string> }[];
}
const tests = readYaml<{ rule_files: string[]; tests: { name: string; alert_rule_test: AlertTest[] }[] }>(TESTS);
const alerts = readYaml<{ rules: { alert: string; labels: { severity: string } }[] }>(join(CHART, 'files/prometheus-rules.yaml')).rules;

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A folder with the rendered rule group as a plain rule file, and alerts.test.yaml beside it. */
function workspace(prometheusRule: JsonObject = {}): string {
  const rule = only(renderChart({ values: { prometheusRule: { enabled: true, ...prometheusRule } } }), 'PrometheusRule');
  const dir = mkdtempSync(join(tmpdir(), 'zw-promtool-'));
  dirs.push(dir);
  writeFileSync(join(dir, RULES_FILE), stringify({ groups: (rule.spec as JsonObject).groups }));
  copyFileSync(TESTS, join(dir, 'alerts.test.yaml'));
  return dir;
}

function promtool(dir: string, ...args: string[]): { ok: boolean; output: string } {
  const lookup = findPromtool();
  if ('missing' in lookup) throw new Error(`no promtool: ${lookup.missing}`);
  const r = spawnSync(lookup.path, args, { cwd: dir, encoding: 'utf8' });
  if (r.error) throw r.error;
  return { ok: r.status === 0, output: `${r.stdout}${r.stderr}` };
}

describe('alerts.test.yaml', () => {
  it('tests the rendered rule file', () => {
    expect(tests.rule_files).toEqual([RULES_FILE]);
  });

  it.each(alerts.map((a) => [a.alert, a.labels.severity] as const))('shows %s firing and silent', (alert, severity) => {
    const cases = tests.tests.flatMap((t) => t.alert_rule_test).filter((c) => c.alertname === alert);
    const firing = cases.flatMap((c) => c.exp_alerts);
    expect(firing.length, `${alert}: no test where it fires`).toBeGreaterThan(0);
    expect(cases.filter((c) => c.exp_alerts.length === 0).length, `${alert}: no test where it stays silent`).toBeGreaterThan(0);
    for (const a of firing) {
      expect(a.exp_labels).toMatchObject({ severity, namespace: 'zen-system' });
      expect(Object.keys(a.exp_annotations).sort()).toEqual(['description', 'summary']);
    }
  });

  it('tests only alerts the chart has', () => {
    const names = new Set(alerts.map((a) => a.alert));
    expect(tests.tests.flatMap((t) => t.alert_rule_test).map((c) => c.alertname).filter((n) => !names.has(n))).toEqual([]);
  });
});

const lookup = findPromtool();
const absent = 'missing' in lookup ? lookup.missing : undefined;
if (absent && !promtoolRequired()) {
  console.warn(`[alerts-promtool] SKIPPING the promtool tests of the alerts: ${absent}\n  Install promtool (Debian/Ubuntu: apt-get install prometheus) or set ZW_PROMTOOL; CI sets ZW_REQUIRE_PROMTOOL=1 so they cannot be skipped there.`);
}

describe.skipIf(absent !== undefined && !promtoolRequired())('the alerts under promtool', () => {
  it('are a valid rule file (promtool check rules)', () => {
    const r = promtool(workspace(), 'check', 'rules', RULES_FILE);
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toContain(`SUCCESS: ${alerts.length} rules found`);
  });

  it('pass their unit tests (promtool test rules alerts.test.yaml)', () => {
    const r = promtool(workspace(), 'test', 'rules', 'alerts.test.yaml');
    expect(r.ok, r.output).toBe(true);
    expect(r.output).toContain('SUCCESS');
  });

  it('fail those tests when a threshold moves (the tests have teeth)', () => {
    // 15 minutes of staleness: trivy's 10 silent minutes no longer fire ZenWatcherSourceStale.
    const r = promtool(workspace({ stalenessSeconds: 900 }), 'test', 'rules', 'alerts.test.yaml');
    expect(r.ok).toBe(false);
    expect(r.output).toMatch(/alertname: ZenWatcherSourceStale, time: 10m/);
    expect(r.output.match(/alertname: /g)).toHaveLength(1);
  });
});
