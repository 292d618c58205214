{{/* Labels Istio's charts put on every object they render. */}}
{{- define "istio.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: "istio"
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* The DaemonSet's name: resourceName, or "ztunnel". */}}
{{- define "ztunnel.release-name" -}}
{{ .Values.resourceName | default "ztunnel" }}
{{- end -}}

{{/* The ServiceAccount is named after the DaemonSet, so a second ztunnel has its own identity
(which its istiod must trust). */}}
{{- define "ztunnel.service-account-name" -}}
{{ .Values.serviceAccount.name | default (include "ztunnel.release-name" .) }}
{{- end -}}

{{/* Where ztunnel finds its istiod, unless caAddress/xdsAddress say otherwise. */}}
{{- define "ztunnel.istiod-address" -}}
istiod{{ with .Values.revision }}-{{ . }}{{ end }}.{{ .Values.istioNamespace }}.svc:15012
{{- end -}}

{{- define "ztunnel.image" -}}
{{- if contains "/" .Values.image -}}
{{ .Values.image }}
{{- else -}}
{{ .Values.hub | default .Values.global.hub }}/{{ .Values.image }}:{{ .Values.tag | default .Values.global.tag | default .Chart.AppVersion }}{{ with (.Values.variant | default .Values.global.variant) }}-{{ . }}{{ end }}
{{- end -}}
{{- end -}}

{{/* Top-level annotations: the user's, istio.io/rev, and the simulator's fault settings (only
those set, so `kubectl annotate` works on a clean DaemonSet). */}}
{{- define "ztunnel.annotations" -}}
{{- $a := deepCopy (.Values.annotations | default dict) -}}
{{- with .Values.revision }}{{ $_ := set $a "istio.io/rev" . }}{{ end -}}
{{- $f := .Values.sim.fault | default dict -}}
{{- with $f.errorRate }}{{ $_ := set $a "sim.ambient-canary.dev/error-rate" (toString .) }}{{ end -}}
{{- if and $f.statusCode (ne (toString $f.statusCode) "503") }}{{ $_ := set $a "sim.ambient-canary.dev/status-code" (toString $f.statusCode) }}{{ end -}}
{{- with $f.latencyMs }}{{ $_ := set $a "sim.ambient-canary.dev/latency-ms" (toString .) }}{{ end -}}
{{- with $f.afterSeconds }}{{ $_ := set $a "sim.ambient-canary.dev/after-seconds" (toString .) }}{{ end -}}
{{- toYaml $a -}}
{{- end -}}
