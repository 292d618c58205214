{{/* Labels Istio's charts put on every object they render. */}}
{{- define "istio.labels" -}}
app.kubernetes.io/managed-by: {{ .Release.Service | quote }}
app.kubernetes.io/instance: {{ .Release.Name | quote }}
app.kubernetes.io/part-of: "istio"
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end -}}

{{/* istiod, or istiod-<revision>: the name of the Deployment, Service, ServiceAccount and PDB. */}}
{{- define "istiod.name" -}}
istiod{{ with .Values.revision }}-{{ . }}{{ end }}
{{- end -}}

{{/* The revision label value: a revisionless istiod is the "default" revision. */}}
{{- define "istiod.rev" -}}
{{ .Values.revision | default "default" }}
{{- end -}}

{{/* Pod selector: app+revision for a revisioned istiod, istio=pilot for the revisionless one
(so the default Service never picks a canary's pods). */}}
{{- define "istiod.selector" -}}
app: istiod
{{- if .Values.revision }}
istio.io/rev: {{ .Values.revision | quote }}
{{- else }}
istio: pilot
{{- end }}
{{- end -}}

{{- define "istiod.image" -}}
{{- if contains "/" .Values.image -}}
{{ .Values.image }}
{{- else -}}
{{ .Values.hub | default .Values.global.hub }}/{{ .Values.image }}:{{ .Values.tag | default .Values.global.tag | default .Chart.AppVersion }}{{ with (.Values.variant | default .Values.global.variant) }}-{{ . }}{{ end }}
{{- end -}}
{{- end -}}

{{/* The namespace/ServiceAccount pairs allowed to request certificates for other identities on
their node (ztunnel). An explicit env.CA_TRUSTED_NODE_ACCOUNTS wins, as in Istio. */}}
{{- define "istiod.trustedNodeAccounts" -}}
{{- if .Values.env.CA_TRUSTED_NODE_ACCOUNTS -}}
{{ .Values.env.CA_TRUSTED_NODE_ACCOUNTS }}
{{- else -}}
{{ .Values.trustedZtunnelNamespace | default .Release.Namespace }}/{{ .Values.trustedZtunnelName | default "ztunnel" }}
{{- end -}}
{{- end -}}
