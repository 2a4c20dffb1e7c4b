import type { ResourceRef, Severity, SourceEvent } from '@zen-watcher/sdk';
import { asList, asNumber, asRecord, asText, clip, compact, dedupKey, detail, severityOfWord, type Tally, TEXT, title } from '@zen-watcher/sdk/helpers';
import type { ConfigMapConfig } from './config.js';
import type { ScanOrigin } from './scan-payload.js';

/** Checkov frameworks whose resource ids name Kubernetes objects (`Kind.namespace.name`). */
const KUBERNETES_FRAMEWORKS = new Set(['kubernetes', 'helm', 'kustomize']);
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/**
 * Reads a Checkov resource id as a Kubernetes object when it is one: `Deployment.default.nginx`
 * is Kind.namespace.name (the name may itself contain dots), `ClusterRole.admin` is Kind.name.
 * Ids of other frameworks (`aws_s3_bucket.foo-bucket`) are not Kubernetes objects.
 *
 * @example
 * ```ts
 * kubernetesResource('Deployment.default.nginx', 'kubernetes'); // { kind: 'Deployment', namespace: 'default', name: 'nginx' }
 * kubernetesResource('aws_s3_bucket.foo-bucket', 'terraform');  // undefined
 * ```
 */
export function kubernetesResource(id: string, checkType: string | undefined): ResourceRef | undefined {
  if (checkType !== undefined && !KUBERNETES_FRAMEWORKS.has(checkType)) return undefined;
  const parts = id.split('.');
  if (parts.length < 2 || !KIND.test(parts[0])) return undefined;
  if (parts.length === 2) return { kind: parts[0], name: parts[1].slice(0, 253) };
  return { kind: parts[0], namespace: parts[1].slice(0, 63), name: parts.slice(2).join('.').slice(0, 253) };
}

/**
 * The dedup key of a failed Checkov check: framework, check id, Checkov's resource id and the
 * file. The code block and line numbers are left out: editing lines above a resource moves
 * them without changing the finding.
 *
 * @example
 * ```ts
 * checkovKey('kubernetes', 'CKV_K8S_20', 'Deployment.default.nginx', '/deploy.yaml');
 * // 'checkov|kubernetes|CKV_K8S_20|Deployment.default.nginx|/deploy.yaml'
 * ```
 */
export function checkovKey(checkType: string | undefined, checkId: string, resource: string | undefined, file: string | undefined): string {
  return dedupKey(['checkov', checkType ?? '', checkId, resource ?? '', file ?? '']);
}

function severityOf(checkId: string, raw: unknown, config: ConfigMapConfig): Severity {
  const override = config.severityOverrides[checkId];
  if (override) return override;
  return severityOfWord(raw) ?? config.checkovSeverity;
}

function mapCheck(item: unknown, checkType: string | undefined, origin: ScanOrigin, config: ConfigMapConfig, tally: Tally): SourceEvent | undefined {
  const check = asRecord(item);
  const checkId = asText(check?.check_id);
  if (!check || !checkId) {
    tally.skip(check ? 'missing_check_id' : 'invalid_check', { configMap: origin.configMap });
    return undefined;
  }
  const name = asText(check.check_name);
  const resourceId = asText(check.resource);
  const file = asText(check.file_path);
  const guideline = asText(check.guideline);
  const lineRange = asList(check.file_line_range);
  const lines = lineRange === 'invalid' ? [] : lineRange.map(asNumber).filter((n): n is number => n !== undefined).slice(0, 2);
  const k8s = resourceId ? kubernetesResource(resourceId, checkType) : undefined;
  const where = [resourceId, file ? `${file}${lines.length === 2 ? `:${lines[0]}-${lines[1]}` : ''}` : undefined].filter(Boolean).join(' in ');
  return compact<SourceEvent>({
    severity: severityOf(checkId, check.severity, config),
    category: 'security',
    eventType: 'static_analysis',
    title: title(`${checkId}: ${name ?? 'failed check'}`),
    message: clip(`${checkId} ${name ?? ''} failed${where ? ` for ${where}` : ''}.${guideline ? ` Guideline: ${guideline}` : ''}`, TEXT.message),
    // A Kubernetes manifest's object when Checkov names one; otherwise (Terraform, Dockerfile...)
    // the ConfigMap that carried the results.
    resource: k8s ?? origin.resource,
    detectedAt: origin.detectedAt,
    dedupKey: checkovKey(checkType, checkId, resourceId, file),
    details: compact({
      checkId,
      checkName: detail(name),
      checkType: detail(checkType),
      resource: detail(resourceId),
      filePath: detail(file),
      fileLineRange: lines.length > 0 ? lines : undefined,
      guideline: detail(guideline),
      checkovSeverity: detail(asText(check.severity)),
      checkClass: detail(asText(check.check_class)),
      configMap: origin.configMap,
    }),
  });
}

/**
 * Maps Checkov JSON (`checkov -o json`: one report `{ check_type?, results: { failed_checks } }`
 * or a list of them, one per framework) to security events: one per failed check. Passed and
 * skipped checks and parsing errors are not findings.
 *
 * @example
 * ```ts
 * const events = mapCheckov(JSON.parse(cm.data['results.json']), origin, config, tally);
 * ```
 */
export function mapCheckov(data: unknown, origin: ScanOrigin, config: ConfigMapConfig, tally: Tally): SourceEvent[] {
  const reports = Array.isArray(data) ? data : [data];
  const events: SourceEvent[] = [];
  for (const item of reports) {
    const report = asRecord(item);
    const results = asRecord(report?.results);
    const failed = asList(results?.failed_checks);
    if (!report || !results || failed === 'invalid') {
      tally.skip('invalid_checkov_report', { configMap: origin.configMap });
      continue;
    }
    const checkType = asText(report.check_type);
    for (const check of failed) {
      const event = mapCheck(check, checkType, origin, config, tally);
      if (event) events.push(event);
    }
  }
  return events;
}
