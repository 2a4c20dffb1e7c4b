{{/* Chart name, overridable. */}}
{{- define "zen-watcher.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* Full name: <release>-zen-watcher, or the release name when it already contains the chart name. */}}
{{- define "zen-watcher.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "zen-watcher.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "zen-watcher.selectorLabels" -}}
app.kubernetes.io/name: {{ include "zen-watcher.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "zen-watcher.labels" -}}
helm.sh/chart: {{ include "zen-watcher.chart" . }}
{{ include "zen-watcher.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: zen-watcher
{{- end -}}

{{- define "zen-watcher.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "zen-watcher.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "zen-watcher.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}
{{- end -}}

{{- define "zen-watcher.electionID" -}}
{{- default "zen-watcher-leader-election" .Values.leaderElection.electionID -}}
{{- end -}}

{{/*
Watched namespaces as a comma-separated string. An env entry named WATCH_NAMESPACE (the guide's
--set env[0].name=WATCH_NAMESPACE) wins over .Values.watchNamespace, as it does in the pod.
*/}}
{{- define "zen-watcher.watchNamespace" -}}
{{- $ns := .Values.watchNamespace -}}
{{- range .Values.env -}}
{{- if and (eq .name "WATCH_NAMESPACE") (hasKey . "value") -}}
{{- $ns = .value -}}
{{- end -}}
{{- end -}}
{{- if kindIs "slice" $ns -}}
{{- $ns = join "," $ns -}}
{{- end -}}
{{- $out := list -}}
{{- range splitList "," (toString $ns) -}}
{{- if trim . -}}
{{- $out = append $out (trim .) -}}
{{- end -}}
{{- end -}}
{{- join "," ($out | uniq) -}}
{{- end -}}

{{/* Replicas that run when nothing scales them: for the PDB decision and the leader-election check. */}}
{{- define "zen-watcher.multiReplica" -}}
{{- if or (gt (int .Values.replicaCount) 1) (and .Values.autoscaling.enabled (gt (int .Values.autoscaling.maxReplicas) 1)) -}}
true
{{- end -}}
{{- end -}}

{{/* The alert selector: PromQL matchers scoping every rule to this release. */}}
{{- define "zen-watcher.alertSelector" -}}
{{- default (printf "namespace=%q" .Release.Namespace) .Values.prometheusRule.selector -}}
{{- end -}}

{{/* Fails the render on combinations that cannot work. */}}
{{- define "zen-watcher.validate" -}}
{{- if and (eq .Values.leaderElection.mode "disabled") (include "zen-watcher.multiReplica" .) -}}
{{- fail "leaderElection.mode=disabled needs a single replica (replicaCount: 1, autoscaling.enabled: false): every pod would run the informer sources and GC" -}}
{{- end -}}
{{- if ge (int .Values.leaderElection.renewDeadlineSeconds) (int .Values.leaderElection.leaseDurationSeconds) -}}
{{- fail "leaderElection.renewDeadlineSeconds must be less than leaderElection.leaseDurationSeconds" -}}
{{- end -}}
{{- if ge (int .Values.leaderElection.retryPeriodSeconds) (int .Values.leaderElection.renewDeadlineSeconds) -}}
{{- fail "leaderElection.retryPeriodSeconds must be less than leaderElection.renewDeadlineSeconds" -}}
{{- end -}}
{{- if ge (int .Values.shutdownTimeoutSeconds) (int .Values.terminationGracePeriodSeconds) -}}
{{- fail "shutdownTimeoutSeconds must be less than terminationGracePeriodSeconds, or the pod is killed before it has released its Lease" -}}
{{- end -}}
{{- if and .Values.rbac.create .Values.rbac.namespaced (not (include "zen-watcher.watchNamespace" .)) -}}
{{- fail "rbac.namespaced needs watchNamespace: the namespaces to grant Roles in" -}}
{{- end -}}
{{- if and .Values.webhook.tls.enabled (not .Values.webhook.tls.secretName) -}}
{{- fail "webhook.tls.enabled needs webhook.tls.secretName: a kubernetes.io/tls Secret in the release namespace (e.g. from cert-manager)" -}}
{{- end -}}
{{- if and .Values.webhook.tls.clientCaSecretName (not .Values.webhook.tls.enabled) -}}
{{- fail "webhook.tls.clientCaSecretName (mTLS) needs webhook.tls.enabled" -}}
{{- end -}}
{{- if and .Values.ingester.createDefaultK8sEvents (not (index .Values.sources "k8s-events").enabled) -}}
{{- fail "ingester.createDefaultK8sEvents needs sources.k8s-events.enabled (the Ingester could not read Events)" -}}
{{- end -}}
{{- end -}}
