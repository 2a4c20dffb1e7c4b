/**
 * Every rendered object checked strictly by the schema that owns its type: Kubernetes v1.32 for
 * built-in types, our CRDs for zen.kube-zen.io, the Prometheus Operator's for monitoring.coreos.com.
 * An object of any other type is an error: nothing would vouch for it.
 */
import { crdErrors, isOurs } from './crd-validator.ts';
import { KNOWN_KINDS, kubeErrors } from './kube-schema.ts';
import { isPrometheusOperator, prometheusOperatorErrors } from './prometheus-operator-schema.ts';

export interface Manifest {
  apiVersion: string;
  kind: string;
}

/** The errors of each object, in order ([] for a valid one). */
export async function manifestErrors(objects: Manifest[]): Promise<string[][]> {
  const out = objects.map((o): string[] | undefined => {
    if (KNOWN_KINDS.has(`${o.apiVersion}/${o.kind}`)) return kubeErrors(o);
    if (isOurs(o.apiVersion, o.kind)) return crdErrors(o);
    if (isPrometheusOperator(o.apiVersion)) return undefined;
    return [`.: no schema for ${o.apiVersion} ${o.kind}`];
  });
  const operator = objects.filter((_, i) => out[i] === undefined);
  const operatorErrors = operator.length > 0 ? await prometheusOperatorErrors(operator) : [];
  let next = 0;
  return out.map((e) => e ?? operatorErrors[next++]);
}
