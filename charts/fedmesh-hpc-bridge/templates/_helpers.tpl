{{- define "fedmesh-hpc-bridge.fullname" -}}
{{- printf "%s-hpc-bridge" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "fedmesh-hpc-bridge.selectorLabels" -}}
app.kubernetes.io/name: fedmesh-hpc-bridge
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "fedmesh-hpc-bridge.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "fedmesh-hpc-bridge.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fedmesh
{{- end -}}
